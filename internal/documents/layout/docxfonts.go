package layout

import (
	"bytes"
	"fmt"
	"html"
	"sort"
	"strings"
)

// The .docx names, run by run, the font the PDF sets those characters in:
// the office font by its own name (仿宋_GB2312, 方正小标宋简体, 黑体,
// 楷体_GB2312) when it is installed, else the free font the engine chose
// (AR PL SungtiL GB, AR PL KaitiM GB, WenQuanYi Zen Hei), with a character
// the role's font lacks in the font that has it. Word, WPS and LibreOffice
// then measure the same glyphs as the engine and break lines where it
// does. The font table (word/fontTable.xml) gives each name an altName
// (仿宋, 宋体, 黑体, 楷体), its PANOSE numbers (from the font's OS/2 table)
// and the GB2312 charset, so that a machine without the font substitutes a
// face of the same kind. Without any installed font the office names are
// written.

// roleAlt is the generic Chinese face a role falls back to in Word.
var roleAlt = [numRoles]string{"仿宋", "宋体", "黑体", "楷体", "宋体"}

// officePanose are the PANOSE numbers of the office fonts, for a .docx
// written on a machine without them.
var officePanose = map[string]string{
	"仿宋_GB2312": "02010609030101010101", "楷体_GB2312": "02010609030101010101",
	"黑体": "02010609060101010101", "宋体": "02010600030101010101", "方正小标宋简体": "02000000000000000000",
}

type docxFontEntry struct {
	alt, panose string
}

// docxFonts is the font table being filled as runs name their fonts.
type docxFonts struct {
	fs   *fontSet // nil when no font is installed
	used map[string]docxFontEntry
}

func newDocxFonts() *docxFonts {
	fs := loadedFonts()
	if fs.err != nil {
		fs = nil
	}
	return &docxFonts{fs: fs, used: map[string]docxFontEntry{}}
}

// docxRun is a piece of a run's text set in one font.
type docxRun struct{ font, text string }

// split cuts text into the pieces the engine sets in one face each (the
// same per-character choice as the PDF: fontSet.faceFor), each named.
func (t *docxFonts) split(ro role, text string) []docxRun {
	if t.fs == nil {
		n := docxFont[ro]
		t.note(n, ro, nil)
		return []docxRun{{n, text}}
	}
	var out []docxRun
	for _, r := range text {
		f := t.fs.faceFor(ro, r)
		if f == nil {
			f = t.fs.faces[ro]
		}
		n := faceName(f, ro)
		t.note(n, ro, f)
		if len(out) == 0 || out[len(out)-1].font != n {
			out = append(out, docxRun{font: n})
		}
		out[len(out)-1].text += string(r)
	}
	return out
}

func (t *docxFonts) note(name string, ro role, f *face) {
	if _, ok := t.used[name]; ok {
		return
	}
	e := docxFontEntry{alt: roleAlt[ro], panose: officePanose[name]}
	if f != nil {
		if p := f.panose(); p != "" {
			e.panose = p
		}
	}
	if e.alt == name {
		e.alt = ""
	}
	if e.panose == "" {
		e.panose = "02010600030101010101"
	}
	t.used[name] = e
}

// faceName is the family name a face was chosen by: an office name or a
// free font's name from the lists of fonts.go, the role's own list first.
func faceName(f *face, ro role) string {
	lists := [][]string{officeFamilies[ro], freeFamilies[ro]}
	for r := range numRoles {
		lists = append(lists, officeFamilies[r], freeFamilies[r])
	}
	for _, l := range lists {
		for _, n := range l {
			for _, fam := range f.families {
				if strings.EqualFold(fam, n) {
					return n
				}
			}
		}
	}
	for _, fam := range f.families {
		if fam != "" && fam[0] < 0x80 {
			return fam
		}
	}
	return f.name()
}

// panose is the face's PANOSE classification (OS/2 table) in hex, "" when
// it has none.
func (f *face) panose() string {
	if f.load() != nil {
		return ""
	}
	t, err := readTableDir(bytes.NewReader(f.data), 0)
	if err != nil {
		return ""
	}
	os2, ok := t["OS/2"]
	if !ok || os2.length < 42 || int(os2.offset)+42 > len(f.data) {
		return ""
	}
	return fmt.Sprintf("%X", f.data[os2.offset+32:os2.offset+42])
}

// table is word/fontTable.xml: every font a run names.
func (t *docxFonts) table() []byte {
	names := make([]string, 0, len(t.used))
	for n := range t.used {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString(xmlHead + `<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">`)
	for _, n := range names {
		e := t.used[n]
		fmt.Fprintf(&b, `<w:font w:name="%s">`, html.EscapeString(n))
		if e.alt != "" {
			fmt.Fprintf(&b, `<w:altName w:val="%s"/>`, e.alt)
		}
		fmt.Fprintf(&b, `<w:panose1 w:val="%s"/><w:charset w:val="86"/><w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>`, e.panose)
	}
	b.WriteString(`</w:fonts>`)
	return []byte(b.String())
}
