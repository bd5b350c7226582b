package layout

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf16"

	"golang.org/x/image/font/sfnt"
)

// role is the part a typeface plays in GB/T 9704-2012.
type role int

const (
	fangSong     role = iota // 仿宋: body, addressee, number, signer, date, 版记
	xiaoBiaoSong             // 小标宋: title and the issuing-authority mark
	heiTi                    // 黑体: first-level headings, 密级, 紧急程度, table headers
	kaiTi                    // 楷体: second-level headings
	songTi                   // 宋体: page numbers
	numRoles
)

var roleNames = [numRoles]string{"仿宋", "小标宋", "黑体", "楷体", "宋体"}

// officeFamilies are the family names (any language of the font's name
// table) looked for first, in order: the fonts a Chinese office has.
var officeFamilies = [numRoles][]string{
	fangSong:     {"仿宋_GB2312", "FangSong_GB2312", "仿宋", "FangSong", "华文仿宋", "STFangsong"},
	xiaoBiaoSong: {"方正小标宋简体", "FZXiaoBiaoSong-B05S", "方正小标宋_GBK", "FZXiaoBiaoSong-B05", "方正小标宋"},
	heiTi:        {"黑体", "SimHei", "方正黑体_GBK", "方正黑体简体", "FZHei-B01S"},
	kaiTi:        {"楷体_GB2312", "KaiTi_GB2312", "楷体", "KaiTi", "华文楷体", "STKaiti"},
	songTi:       {"宋体", "SimSun", "华文宋体", "STSong"},
}

// freeFamilies are the free fonts the README's set-up command installs
// (Debian fonts-arphic-gbsn00lp, fonts-arphic-gkai00mp, fonts-wqy-zenhei),
// used when no office font plays the role. There is no free 仿宋 or 小标宋
// in Debian: both fall back to the 宋 of AR PL SungtiL GB.
var freeFamilies = [numRoles][]string{
	fangSong:     {"AR PL SungtiL GB", "AR PL KaitiM GB", "WenQuanYi Zen Hei"},
	xiaoBiaoSong: {"AR PL SungtiL GB", "WenQuanYi Zen Hei"},
	heiTi:        {"WenQuanYi Zen Hei", "AR PL SungtiL GB"},
	kaiTi:        {"AR PL KaitiM GB", "AR PL SungtiL GB", "WenQuanYi Zen Hei"},
	songTi:       {"AR PL SungtiL GB", "WenQuanYi Zen Hei"},
}

// FontDirEnv names the environment variable with extra font directories
// (separated by the OS path list separator), searched before the standard
// ones: ZHITONG_FONT_DIR=/opt/office-fonts.
const FontDirEnv = "ZHITONG_FONT_DIR"

// fontDirs are the directories scanned for fonts, the override first.
func fontDirs() []string {
	var dirs []string
	if v := os.Getenv(FontDirEnv); v != "" {
		dirs = append(dirs, filepath.SplitList(v)...)
	}
	dirs = append(dirs, "/usr/share/fonts", "/usr/local/share/fonts")
	if home, err := os.UserHomeDir(); err == nil {
		dirs = append(dirs, filepath.Join(home, ".local/share/fonts"), filepath.Join(home, ".fonts"))
	}
	if w := os.Getenv("WINDIR"); w != "" {
		dirs = append(dirs, filepath.Join(w, "Fonts"))
	}
	return dirs
}

// face is one TrueType face found on disk (a .ttf or one face of a .ttc).
type face struct {
	path     string
	index    int  // face index in a collection, 0 for a .ttf
	cff      bool // CFF outlines (.otf, Noto CJK): drawn as outlines only
	families []string
	ps       string // PostScript name (name ID 6), for the PDF's BaseFont

	once sync.Once
	data []byte // a standalone .ttf (extracted from a collection)
	font *sfnt.Font
	err  error
}

// load reads the face, extracting it from its collection if need be.
func (f *face) load() error {
	f.once.Do(func() {
		b, err := os.ReadFile(f.path)
		if err != nil {
			f.err = err
			return
		}
		if string(b[:4]) == "ttcf" {
			b, err = extractFace(b, f.index)
			if err != nil {
				f.err = fmt.Errorf("layout: %s face %d: %w", f.path, f.index, err)
				return
			}
		}
		fnt, err := sfnt.Parse(b)
		if err != nil {
			f.err = fmt.Errorf("layout: %s: %w", f.path, err)
			return
		}
		f.data, f.font = b, fnt
	})
	return f.err
}

// has reports whether the face has a glyph for r, in any of its Unicode
// cmaps (format 4 for the basic plane, format 12 beyond U+FFFF: 𠮷).
// fpdf embeds only basic-plane characters of TrueType faces; the PDF
// writer draws a character beyond U+FFFF as its glyph's outline
// (pdfCanvas.outline), from any face, TrueType or CFF.
func (f *face) has(r rune) bool {
	if f.load() != nil {
		return false
	}
	var buf sfnt.Buffer
	gi, err := f.font.GlyphIndex(&buf, r)
	return err == nil && gi != 0
}

// name is the face's first family name, for error messages and docs.
func (f *face) name() string {
	if len(f.families) == 0 {
		return filepath.Base(f.path)
	}
	return f.families[0]
}

// fontSet is the typeface chosen for each role, and the order in which
// the others are tried for a character the role's own face lacks.
type fontSet struct {
	faces [numRoles]*face
	all   []*face // every chosen face, once, in role order
	err   error
	// supp are the other faces found (Noto CJK's CFF .ttc/.otf among
	// them), tried per role for a character no chosen face has (𠮷
	// U+20BB7; the PDF draws it as an outline, see span.outline): serif faces first for the 宋/仿宋/楷 roles, sans for 黑体,
	// Simplified Chinese (SC) before the other regions.
	supp [numRoles][]*face
}

var (
	fontsOnce sync.Once
	fonts     *fontSet
)

// loadedFonts scans the font directories once per process.
func loadedFonts() *fontSet {
	fontsOnce.Do(func() { fonts = chooseFonts(scanFonts(fontDirs())) })
	return fonts
}

// ResetFonts forgets the fonts found, so that the next document scans the
// font directories again (after ZHITONG_FONT_DIR changed, in tests).
func ResetFonts() {
	fontsOnce = sync.Once{}
	fonts = nil
}

func chooseFonts(found []*face) *fontSet {
	byName := map[string]*face{}
	for _, f := range found {
		if f.cff {
			continue // fpdf cannot embed it: a fallback drawn as outlines
		}
		for _, n := range f.families {
			k := strings.ToLower(n)
			if _, ok := byName[k]; !ok {
				byName[k] = f
			}
		}
	}
	s := &fontSet{}
	var missing []string
	for r := range numRoles {
		for _, n := range append(append([]string{}, officeFamilies[r]...), freeFamilies[r]...) {
			if f, ok := byName[strings.ToLower(n)]; ok && f.load() == nil {
				s.faces[r] = f
				break
			}
		}
		if s.faces[r] == nil {
			missing = append(missing, roleNames[r])
		}
	}
	// A role no font plays is played by any other chosen face.
	for r := range numRoles {
		if s.faces[r] == nil {
			for o := range numRoles {
				if s.faces[o] != nil {
					s.faces[r] = s.faces[o]
					break
				}
			}
		}
	}
	seen := map[*face]bool{}
	for r := range numRoles {
		if f := s.faces[r]; f != nil && !seen[f] {
			seen[f] = true
			s.all = append(s.all, f)
		}
	}
	// One face per file (a collection's faces share their glyphs for
	// most characters; the Simplified Chinese one is kept): each face
	// tried is read whole, and a character no font has tries them all.
	best := map[string]*face{}
	var files []string
	for _, f := range found {
		base := strings.ToLower(filepath.Base(f.path))
		if seen[f] || strings.Contains(base, "bold") || strings.Contains(base, "italic") || strings.Contains(base, "oblique") {
			continue // the regular weight's glyphs serve
		}
		if b, ok := best[f.path]; !ok {
			files = append(files, f.path)
			best[f.path] = f
		} else if suppOrder(f, fangSong) < suppOrder(b, fangSong) {
			best[f.path] = f
		}
	}
	for r := range numRoles {
		for _, path := range files {
			s.supp[r] = append(s.supp[r], best[path])
		}
		sort.SliceStable(s.supp[r], func(i, j int) bool { return suppOrder(s.supp[r][i], r) < suppOrder(s.supp[r][j], r) })
	}
	if len(s.all) == 0 {
		s.err = fmt.Errorf("%w: 没有找到可用的中文字体（%s）；请按 README 安装 fonts-arphic-gbsn00lp fonts-arphic-gkai00mp fonts-wqy-zenhei，或用 %s 指定字体目录", ErrNoFonts, strings.Join(missing, "、"), FontDirEnv)
	}
	return s
}

// ErrNoFonts is returned when no Chinese TrueType font is installed.
var ErrNoFonts = errors.New("layout: no Chinese fonts")

// faceFor is the face that sets r in role ro: the role's own face if it
// has the glyph, else the first other chosen face that has it, else nil.
func (s *fontSet) faceFor(ro role, r rune) *face {
	if f := s.faces[ro]; f != nil && f.has(r) {
		return f
	}
	for _, f := range s.all {
		if f.has(r) {
			return f
		}
	}
	for _, f := range s.supp[ro] {
		if f.has(r) {
			return f
		}
	}
	return nil
}

// chosen reports whether f is one of the chosen faces (embedded by fpdf).
func (s *fontSet) chosen(f *face) bool {
	return f == nil || slices.Contains(s.all, f)
}

// suppOrder ranks the faces for characters beyond U+FFFF in role ro:
// lower is tried first.
func suppOrder(f *face, ro role) int {
	n := strings.ToLower(strings.Join(f.families, " "))
	score := 0
	serif := strings.Contains(n, "serif") || strings.Contains(n, "song") || strings.Contains(n, "ming")
	if serif == (ro == heiTi) {
		score += 2
	}
	if !strings.Contains(n, " sc") && !strings.Contains(n, "gb") {
		score++
	}
	if strings.Contains(n, "mono") {
		score += 4
	}
	return score
}

// scanFonts walks dirs for TrueType fonts (.ttf, .ttc) with glyf outlines
// and reads their family names. Fonts with CFF outlines (.otf, Noto CJK)
// are left out: the PDF writer cannot embed them.
func scanFonts(dirs []string) []*face {
	var out []*face
	seen := map[string]bool{}
	for _, dir := range dirs {
		_ = filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			ext := strings.ToLower(filepath.Ext(path))
			if ext != ".ttf" && ext != ".ttc" && ext != ".otf" {
				return nil
			}
			real, err := filepath.EvalSymlinks(path)
			if err != nil || seen[real] {
				return nil
			}
			seen[real] = true
			faces, err := readFaces(real)
			if err == nil {
				out = append(out, faces...)
			}
			return nil
		})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].path != out[j].path {
			return false // keep directory order: the override wins
		}
		return out[i].index < out[j].index
	})
	return out
}

// readFaces reads the table directories and name tables of a font file
// without reading the whole file.
func readFaces(path string) ([]*face, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	var hdr [12]byte
	if _, err := fh.ReadAt(hdr[:], 0); err != nil {
		return nil, err
	}
	offsets := []uint32{0}
	if string(hdr[:4]) == "ttcf" {
		n := binary.BigEndian.Uint32(hdr[8:])
		if n == 0 || n > 64 {
			return nil, errors.New("bad collection")
		}
		b := make([]byte, 4*n)
		if _, err := fh.ReadAt(b, 12); err != nil {
			return nil, err
		}
		offsets = offsets[:0]
		for i := range n {
			offsets = append(offsets, binary.BigEndian.Uint32(b[4*i:]))
		}
	}
	var out []*face
	for i, off := range offsets {
		tables, err := readTableDir(fh, int64(off))
		if err != nil {
			continue
		}
		_, glyf := tables["glyf"]
		_, cff := tables["CFF "]
		if !glyf && !cff {
			continue
		}
		nt, ok := tables["name"]
		if !ok || nt.length > 1<<20 {
			continue
		}
		b := make([]byte, nt.length)
		if _, err := fh.ReadAt(b, int64(nt.offset)); err != nil {
			continue
		}
		f := &face{path: path, index: i, families: nameStrings(b, 1, 16), cff: !glyf}
		if ps := nameStrings(b, 6); len(ps) > 0 {
			f.ps = ps[0]
		}
		out = append(out, f)
	}
	return out, nil
}

type tableRec struct{ offset, length uint32 }

func readTableDir(r io.ReaderAt, off int64) (map[string]tableRec, error) {
	var h [12]byte
	if _, err := r.ReadAt(h[:], off); err != nil {
		return nil, err
	}
	n := int(binary.BigEndian.Uint16(h[4:]))
	if v := binary.BigEndian.Uint32(h[:]); v != 0x00010000 && string(h[:4]) != "true" && string(h[:4]) != "OTTO" {
		return nil, errors.New("not an OpenType font")
	}
	b := make([]byte, 16*n)
	if _, err := r.ReadAt(b, off+12); err != nil {
		return nil, err
	}
	t := map[string]tableRec{}
	for i := range n {
		e := b[16*i:]
		t[string(e[:4])] = tableRec{binary.BigEndian.Uint32(e[8:]), binary.BigEndian.Uint32(e[12:])}
	}
	return t, nil
}

// nameStrings decodes the names with the given IDs (1 and 16 the family
// names, 6 the PostScript name) of a name table in every Unicode or
// Windows record, whatever the language.
func nameStrings(b []byte, ids ...uint16) []string {
	if len(b) < 6 {
		return nil
	}
	count := int(binary.BigEndian.Uint16(b[2:]))
	strOff := int(binary.BigEndian.Uint16(b[4:]))
	var out []string
	seen := map[string]bool{}
	for i := range count {
		p := 6 + 12*i
		if p+12 > len(b) {
			break
		}
		platform := binary.BigEndian.Uint16(b[p:])
		nameID := binary.BigEndian.Uint16(b[p+6:])
		length := int(binary.BigEndian.Uint16(b[p+8:]))
		off := strOff + int(binary.BigEndian.Uint16(b[p+10:]))
		if !slices.Contains(ids, nameID) || off+length > len(b) || (platform != 0 && platform != 3) {
			continue
		}
		raw := b[off : off+length]
		u := make([]uint16, len(raw)/2)
		for j := range u {
			u[j] = binary.BigEndian.Uint16(raw[2*j:])
		}
		s := strings.TrimFunc(string(utf16.Decode(u)), unicode.IsSpace)
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// extractFace copies face i of a TrueType collection into a standalone
// font file: the PDF writer reads single fonts only.
func extractFace(b []byte, i int) ([]byte, error) {
	if len(b) < 12 {
		return nil, errors.New("short collection")
	}
	n := int(binary.BigEndian.Uint32(b[8:]))
	if i >= n || 12+4*(i+1) > len(b) {
		return nil, errors.New("no such face")
	}
	off := int(binary.BigEndian.Uint32(b[12+4*i:]))
	if off+12 > len(b) {
		return nil, errors.New("bad offset")
	}
	numTables := int(binary.BigEndian.Uint16(b[off+4:]))
	dir := off + 12
	if dir+16*numTables > len(b) {
		return nil, errors.New("bad table directory")
	}
	out := make([]byte, 12+16*numTables)
	copy(out, b[off:off+12])
	for t := range numTables {
		e := b[dir+16*t:]
		toff := int(binary.BigEndian.Uint32(e[8:]))
		tlen := int(binary.BigEndian.Uint32(e[12:]))
		if toff+tlen > len(b) {
			return nil, errors.New("bad table")
		}
		rec := out[12+16*t:]
		copy(rec[:8], e[:8]) // tag, checksum
		binary.BigEndian.PutUint32(rec[8:], uint32(len(out)))
		binary.BigEndian.PutUint32(rec[12:], uint32(tlen))
		out = append(out, b[toff:toff+tlen]...)
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
	}
	return out, nil
}
