package layout

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

// uncompressed renders d with plain content streams and reads them back.
func uncompressed(t *testing.T, d Doc) pdfFile {
	t.Helper()
	compress = false
	defer func() { compress = true }()
	b, err := PDF(d)
	if err != nil {
		t.Fatal(err)
	}
	return readPDF(t, b)
}

func TestPDFPageAndHead(t *testing.T) {
	needFonts(t)
	f := uncompressed(t, sample(6))
	if !near(f.mediaW, 210, 0.05) || !near(f.mediaH, 297, 0.05) {
		t.Fatalf("page %.2f×%.2f mm, want A4 210×297", f.mediaW, f.mediaH)
	}
	p1 := f.pages[0]
	// The mark: red, 小标宋 (the title's font), its top edge 35 mm below
	// the type area's top edge, centred.
	var mark, number, title *pdfText
	for i, tx := range p1.texts {
		switch {
		case tx.text == "定南县人大常委会办公室" && tx.size > 30:
			mark = &p1.texts[i]
		case tx.text == "定人大督〔2026〕3号":
			number = &p1.texts[i]
		case strings.HasPrefix(tx.text, "关于交办"):
			title = &p1.texts[i]
		}
	}
	if mark == nil || number == nil || title == nil {
		t.Fatalf("mark %v, number %v, title %v not all found in %v", mark, number, title, p1.texts)
	}
	if !mark.red {
		t.Error("the issuing-authority mark is not red")
	}
	em := mark.size * mmPt
	if top := mark.y - 0.88*em; !near(top, Top+35, 0.1) {
		t.Errorf("mark top edge at %.2f mm, want %.2f (35 mm below the type area)", top, Top+35)
	}
	fs := loadedFonts()
	if mark.font != title.font || (fs.faces[fangSong] != fs.faces[xiaoBiaoSong]) != (number.font != title.font) {
		t.Errorf("mark in %s, title in %s, number in %s: want mark and title in 小标宋, the number in 仿宋", mark.font, title.font, number.font)
	}
	if number.red || title.red {
		t.Error("the number or the title is red")
	}
	if !near(number.size, 16, 0.01) || !near(title.size, 22, 0.01) {
		t.Errorf("number %.1f pt, title %.1f pt: want 3号 16 pt and 2号 22 pt", number.size, title.size)
	}
	// The red rule: as wide as the type area, 4 mm under the number.
	var red []pdfLine
	for _, l := range p1.lines {
		if l.red {
			red = append(red, l)
		}
	}
	if len(red) != 1 {
		t.Fatalf("%d red rules on page 1, want 1", len(red))
	}
	r := red[0]
	if !near(r.x1, 28, 0.05) || !near(r.x2, 184, 0.05) || r.y1 != r.y2 {
		t.Errorf("red rule from %.2f to %.2f mm (y %.2f/%.2f), want 28 to 184 mm, level", r.x1, r.x2, r.y1, r.y2)
	}
	numBottom := number.y + 0.12*number.size*mmPt
	if !near(r.y1-numBottom, 4, 0.05) {
		t.Errorf("red rule %.2f mm below the number, want 4", r.y1-numBottom)
	}
	// The number is centred; the title is two lines (空二行) under the rule.
	if c := number.x + float64(utf8.RuneCountInString(number.text))*0 - 0; c < 28 || c > 105 {
		t.Errorf("number starts at %.2f mm", c)
	}
	if title.y-r.y1 < 2*LinePitch || title.y-r.y1 > 4*LinePitch {
		t.Errorf("title %.2f mm under the rule, want two blank lines", title.y-r.y1)
	}
	if mark.y >= number.y || number.y >= r.y1 || r.y1 >= title.y {
		t.Error("mark, number, rule and title are not in that order down the page")
	}
	// 份号 and 紧急程度 top left of the type area.
	for _, want := range []string{"000001", "特急"} {
		found := false
		for _, tx := range p1.texts {
			if tx.text == want && near(tx.x, 28, 0.01) && tx.y < Top+2*LinePitch {
				found = true
			}
		}
		if !found {
			t.Errorf("%s is not at the top left of the type area", want)
		}
	}
}

func TestPDFBodyGrid(t *testing.T) {
	needFonts(t)
	f := uncompressed(t, sample(12))
	if len(f.pages) < 3 {
		t.Fatalf("%d pages, want a long body to run over at least 3", len(f.pages))
	}
	full := 0
	for pi, p := range f.pages {
		var ys []float64
		for _, tx := range p.texts {
			if tx.size != 16 || tx.y > Top+TypeH {
				continue
			}
			ys = append(ys, tx.y)
			if tx.x < 28-0.01 || tx.x > 184 {
				t.Errorf("page %d: body text at x %.2f mm, outside the type area", pi+1, tx.x)
			}
			// Full lines hold 28 characters of 3号 across the 156 mm.
			if n := utf8.RuneCountInString(tx.text); near(tx.x, 28, 0.01) && n == 28 {
				full++
				nat := 28 * 16 * mmPt
				if w := nat + 28*tx.tc*mmPt; !near(w, 156, 0.1) {
					t.Errorf("page %d: a full line is %.2f mm wide, want 156", pi+1, w)
				}
			}
		}
		// Every baseline sits on the 22-line grid: 225 mm / 22.
		for _, y := range ys {
			k := (y - baseline(0, 16)) / (TypeH / 22)
			if !near(k, math.Round(k), 0.01) || k < -0.01 || k > 21.01 {
				t.Errorf("page %d: baseline at %.3f mm is off the 22-line grid (line %.3f)", pi+1, y, k)
			}
		}
		if pi == 1 {
			// The second page is all body: lines 1 and 22 are both used.
			lo, hi := math.Inf(1), math.Inf(-1)
			for _, y := range ys {
				lo, hi = min(lo, y), max(hi, y)
			}
			if !near(hi-lo, 21*225.0/22, 0.02) {
				t.Errorf("page 2: first to last baseline %.2f mm, want 21 × 225/22 = %.2f", hi-lo, 21*225.0/22)
			}
			if !near(lo-0.88*16*mmPt-(LinePitch-16*mmPt)/2, Top, 0.02) {
				t.Errorf("page 2: first line's em box starts at %.2f mm, want the type area's top 37 mm (centred in its line)", lo)
			}
		}
	}
	// 1. headings are bold, the rest is not.
	bold := map[string]bool{}
	for _, p := range f.pages {
		for _, tx := range p.texts {
			bold[tx.text] = bold[tx.text] || tx.bold
		}
	}
	if !bold["1.办理要求"] || bold["（1）按时答复"] || bold["一、基本情况"] {
		t.Errorf("bold: 1.办理要求 %v, （1）按时答复 %v, 一、基本情况 %v; want only the first", bold["1.办理要求"], bold["（1）按时答复"], bold["一、基本情况"])
	}
	if full < 5 {
		t.Errorf("%d full 28-character lines at x = 28 mm, want the body set left on 28 mm", full)
	}
}

func TestPDFPageNumbers(t *testing.T) {
	needFonts(t)
	f := uncompressed(t, sample(12))
	em := 14 * mmPt
	for pi, p := range f.pages {
		var dashes []pdfLine
		for _, l := range p.lines {
			if l.y1 > Top+TypeH+1 {
				dashes = append(dashes, l)
			}
		}
		if len(dashes) != 2 {
			t.Fatalf("page %d: %d 一字线 under the type area, want 2", pi+1, len(dashes))
		}
		for _, l := range dashes {
			if !near(l.y1, Top+TypeH+7, 0.01) || !near(l.x2-l.x1, em, 0.01) {
				t.Errorf("page %d: 一字线 at %.2f mm, %.2f mm long; want 7 mm below the type area (%.2f), one 4号 em long", pi+1, l.y1, l.x2-l.x1, Top+TypeH+7)
			}
		}
		left, right := min(dashes[0].x1, dashes[1].x1), max(dashes[0].x2, dashes[1].x2)
		if (pi+1)%2 == 1 && !near(right, 184-em, 0.01) {
			t.Errorf("odd page %d: number ends at %.2f mm, want 右空一字 %.2f", pi+1, right, 184-em)
		}
		if (pi+1)%2 == 0 && !near(left, 28+em, 0.01) {
			t.Errorf("even page %d: number starts at %.2f mm, want 左空一字 %.2f", pi+1, left, 28+em)
		}
		var num *pdfText
		for i, tx := range p.texts {
			if tx.y > Top+TypeH {
				num = &p.texts[i]
			}
		}
		if num == nil || num.text != strconvI(pi+1) || num.x < left || num.x > right || num.size != 14 {
			t.Errorf("page %d: page number %+v, want %d between the 一字线 in 14 pt", pi+1, num, pi+1)
		}
	}
}

func strconvI(i int) string { return string(rune('0' + i)) }

func TestPDFLastPage(t *testing.T) {
	needFonts(t)
	d := sample(1)
	f := uncompressed(t, d)
	last := f.pages[len(f.pages)-1]
	has := func(s string) *pdfText {
		for _, p := range f.pages {
			for i, tx := range p.texts {
				if strings.Contains(tx.text, s) && tx.y < Top+TypeH {
					return &p.texts[i]
				}
			}
		}
		return nil
	}
	date := has("2026年12月7日")
	if date == nil {
		t.Fatal("no date")
	}
	lo, err := lay(d)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range lo.pages[lo.seal.page].lines {
		if l.text == "2026年12月7日" {
			if !near(l.x+l.w-l.tc, 184-4*CharPitch, 0.01) || !near(l.x, date.x, 0.01) {
				t.Errorf("date from %.2f to %.2f mm, want 右空四字 (ending at %.2f)", l.x, l.x+l.w-l.tc, 184-4*CharPitch)
			}
		}
		if l.text == "定南县人大常委会办公室" && l.size == 16 && !near(l.x+(l.w-l.tc)/2, lo.seal.cx, 0.01) {
			t.Errorf("signer centred on %.2f mm, date on %.2f", l.x+l.w/2, lo.seal.cx)
		}
	}
	if has("附件：") == nil || has("1.群众来信摘要") == nil || has("2.现场照片") == nil {
		t.Error("attachments list missing")
	}
	cc, pr := has("抄送：县人民政府办公室，县生态环境局。"), has("2026年12月7日印发")
	if cc == nil || pr == nil {
		t.Fatal("版记 missing")
	}
	if !near(pr.y, baseline(21, 14), 0.01) || cc.size != 14 {
		t.Errorf("印发 line at %.2f mm, want the last line of the type area", pr.y)
	}
	var rules []pdfLine
	for _, l := range last.lines {
		if near(l.x1, 28, 0.01) && near(l.x2, 184, 0.01) && l.y1 > date.y {
			rules = append(rules, l)
		}
	}
	if len(rules) < 3 {
		t.Fatalf("%d full-width rules on the last page, want 3 for the 版记", len(rules))
	}
	bottom := rules[len(rules)-1]
	if !near(bottom.y1, Top+TypeH, 0.01) || !near(bottom.w, 0.35, 0.01) {
		t.Errorf("last 版记 rule at %.2f mm, %.2f mm thick; want on the type area's bottom edge, 0.35 mm", bottom.y1, bottom.w)
	}
	// The QR code: bottom left, clear of the seal's room.
	if len(last.rects) < 20 {
		t.Fatalf("%d QR modules on the last page", len(last.rects))
	}
	qx2, qy1, qy2 := 0.0, math.Inf(1), 0.0
	for _, r := range last.rects {
		qx2, qy1, qy2 = max(qx2, r.x+r.w), min(qy1, r.y), max(qy2, r.y+r.h)
	}
	if qy2 > rules[0].y1+0.01 || qx2 > 105 {
		t.Errorf("QR code reaches x %.2f, y %.2f mm: want it left, above the 版记", qx2, qy2)
	}
	s := lo.seal
	if s == nil || s.page != len(f.pages)-1 {
		t.Fatalf("seal room on page %d of %d: want the 版记 on the signature's page", s.page+1, len(f.pages))
	}
	if s.cx-s.r < qx2 || s.cy+s.r > rules[0].y1 {
		t.Errorf("seal room %+v overlaps the QR code (right %.2f) or the 版记 (%.2f)", s, qx2, rules[0].y1)
	}
	// 印章顶端应当上距正文（或附件说明）一行之内; 署名 and date under its centre.
	lastBody := 0.0
	for _, tx := range f.pages[s.page].texts {
		if tx.size == 16 && tx.y < date.y-1.5*LinePitch {
			lastBody = max(lastBody, tx.y+0.12*16*mmPt)
		}
	}
	if gap := s.cy - s.r - lastBody; gap < 0 || gap > LinePitch {
		t.Errorf("seal top %.2f mm under the body's last line, want within one line (%.2f)", gap, LinePitch)
	}
	if date.y < s.cy || date.y > s.cy+s.r {
		t.Errorf("date at %.2f mm, seal centre %.2f: want the date under the centre, inside the seal", date.y, s.cy)
	}
	_ = qy1
}

func TestPDFDeterministic(t *testing.T) {
	needFonts(t)
	a, err := PDF(sample(3))
	if err != nil {
		t.Fatal(err)
	}
	b, err := PDF(sample(3))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Fatal("the same Doc gave different bytes")
	}
	if len(a) > 1<<20 {
		t.Errorf("PDF is %d bytes: the fonts are not subset", len(a))
	}
	if !bytes.Contains(a, []byte("/FontFile2")) {
		t.Error("no embedded TrueType font")
	}
	d := sample(3)
	d.Number = "定人大督〔2026〕4号"
	c, _ := PDF(d)
	if bytes.Equal(a, c) {
		t.Error("a different number gave the same bytes")
	}
}

func TestMissingGlyph(t *testing.T) {
	needFonts(t)
	d := sample(1)
	if m := Missing(d); len(m) != 0 {
		t.Fatalf("Missing(sample) = %q, want none", m)
	}
	// Private-use characters no font has. (U+20BB7 𠮷, CJK extension B,
	// prints when a font has it: TestSupplementaryCharactersPrint.)
	d.Body = append(d.Body, Block{Kind: Para, Text: "私用区字符\ue000与\U000F0001不能印出"})
	m := Missing(d)
	if len(m) != 2 || m[0] != 0xE000 || m[1] != 0xF0001 {
		t.Fatalf("Missing = %U, want U+E000 and U+F0001", m)
	}
	_, err := PDF(d)
	var me *MissingGlyphsError
	if !errors.As(err, &me) || len(me.Runes) != 2 {
		t.Fatalf("PDF with a missing glyph: %v, want a *MissingGlyphsError", err)
	}
	if !strings.Contains(err.Error(), "U+E000") {
		t.Errorf("error %q does not name the character", err)
	}
}

// A table cell longer than a page runs on over the pages: no text is lost.
func TestTallTableRow(t *testing.T) {
	needFonts(t)
	d := sample(0)
	long := strings.Repeat("很长的单元格内容", 150) + "末尾" // about 40 lines
	d.Body = []Block{{Kind: Table, Rows: [][]string{{"序号", "内容"}, {"1", long}, {"2", "短"}}}}
	lo, err := lay(d)
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	for _, p := range lo.pages {
		for _, l := range p.lines {
			if l.text == "序" || l.text == "号" {
				t.Error("the narrow column 序号 is squeezed below two characters")
			}
			if l.size == size4 && l.row >= 0 && l.text != "内容" && l.text != "序号" && l.text != "1" && l.text != "2" && l.text != "短" && !strings.HasPrefix(l.text, "抄送") && l.y < Top+TypeH {
				text.WriteString(l.text)
			}
			if l.row >= LinesPerPage {
				t.Errorf("a line on row %d", l.row)
			}
		}
		for _, v := range p.vrules {
			if v.y2 > Top+TypeH+0.01 {
				t.Errorf("a table rule runs to %.1f mm, below the type area", v.y2)
			}
		}
	}
	if !strings.Contains(text.String(), long) {
		t.Errorf("the long cell lost text: set %d of %d characters", utf8.RuneCountInString(text.String()), utf8.RuneCountInString(long))
	}
}

// Control characters from pasted text print nothing and refuse nothing.
func TestControlCharacters(t *testing.T) {
	needFonts(t)
	d := sample(1)
	d.Title = "关于交办\t问题的函\x07"
	d.Body = append(d.Body, Block{Kind: Para, Text: "第一行\r\n第二行\x00"}, Block{Kind: Table, Rows: [][]string{{"甲\x1b", "乙\n丙"}}})
	d.CC = []string{"县\x7f政府"}
	if m := Missing(d); len(m) != 0 {
		t.Fatalf("Missing = %U", m)
	}
	f := uncompressed(t, d)
	for _, p := range f.pages {
		for _, tx := range p.texts {
			if strings.ContainsFunc(tx.text, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
				t.Errorf("control character printed in %q", tx.text)
			}
		}
	}
	if _, err := DOCX(d); err != nil {
		t.Fatal(err)
	}
}

// A character the role's font lacks is set in another installed font.
func TestFallbackPerCharacter(t *testing.T) {
	needFonts(t)
	fs := loadedFonts()
	var r rune
	var other *face
	for c := rune(0x3400); c < 0x9fff && r == 0; c++ {
		if !fs.faces[kaiTi].has(c) {
			for _, f := range fs.all {
				if f.has(c) {
					r, other = c, f
					break
				}
			}
		}
	}
	if r == 0 {
		t.Skip("the 楷体 font has every CJK character the others have")
	}
	d := sample(0)
	d.Body = []Block{{Kind: Heading2, Text: "含" + string(r) + "字"}}
	f := uncompressed(t, d)
	fonts := map[string]bool{}
	for _, tx := range f.pages[0].texts {
		if strings.Contains(tx.text, string(r)) {
			fonts[tx.font] = true
		}
		if strings.Contains(tx.text, "含") && tx.size == 16 {
			fonts[tx.font] = true
		}
	}
	if len(fonts) != 2 {
		t.Errorf("%U (only in %s) and its heading set in fonts %v, want two", r, other.name(), fonts)
	}
}

func TestNoFonts(t *testing.T) {
	t.Setenv(FontDirEnv, t.TempDir())
	saved := fonts
	fontsOnce.Do(func() {})
	fonts = chooseFonts(nil)
	defer func() { fonts = saved }()
	if _, err := PDF(sample(0)); !errors.Is(err, ErrNoFonts) {
		t.Errorf("PDF without fonts: %v, want ErrNoFonts", err)
	}
	if m := Missing(sample(0)); len(m) == 0 {
		t.Error("Missing without fonts lists nothing")
	}
}

func TestFontDirOverride(t *testing.T) {
	found := scanFonts([]string{"/usr/share/fonts/truetype/wqy"})
	if len(found) == 0 {
		t.Skip("fonts-wqy-zenhei not installed")
	}
	s := chooseFonts(found)
	for r := range numRoles {
		if s.faces[r] == nil || !strings.Contains(strings.Join(s.faces[r].families, ","), "WenQuanYi") {
			t.Errorf("role %s: %v, want the only font found", roleNames[r], s.faces[r])
		}
	}
	// The collection's face is extracted into a font the PDF writer reads.
	if err := s.faces[heiTi].load(); err != nil || !s.faces[heiTi].has('黑') {
		t.Errorf("extracted face: %v", err)
	}
}

func BenchmarkPDF(b *testing.B) {
	needFonts(b)
	d := sample(6)
	if lo, err := lay(d); err != nil || len(lo.pages) != 3 {
		b.Fatalf("sample(6) is not three pages: %v", err)
	}
	if _, err := PDF(d); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := PDF(d); err != nil {
			b.Fatal(err)
		}
	}
}

// Documents are set concurrently by the server's requests and jobs.
func TestPDFConcurrent(t *testing.T) {
	needFonts(t)
	want, err := PDF(sample(2))
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			got, err := PDF(sample(2))
			if err == nil && !bytes.Equal(got, want) {
				err = errors.New("different bytes")
			}
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// However long the body, the signature page carries body text above the
// seal (GB/T 9704-2012 7.3.5: the seal's top within a line of the body).
func TestSignatureNeverAlone(t *testing.T) {
	needFonts(t)
	for n := range 40 {
		d := sample(0)
		d.Attachments = nil
		d.Verify = nil
		table := d.Body[len(d.Body)-1]
		if n%2 == 0 {
			d.Body = d.Body[:len(d.Body)-1] // end with the table on odd n
		}
		for range n {
			d.Body = append(d.Body, Block{Kind: Para, Text: "群众反映小区周边道路夜间施工噪音扰民。"})
		}
		if n%2 == 1 {
			d.Body = append(d.Body, table)
		}
		lo, err := lay(d)
		if err != nil {
			t.Fatal(err)
		}
		// Tables stay whole: every cell's side meets a rule at both ends.
		for pi, pg := range lo.pages {
			for _, v := range pg.vrules {
				var top, bottom bool
				for _, r := range pg.rules {
					top = top || near(r.y, v.y1, 0.01)
					bottom = bottom || near(r.y, v.y2, 0.01)
				}
				if !top || !bottom || v.y2 > Top+TypeH+0.01 {
					t.Errorf("%d paragraphs, page %d: a table cell side from %.1f to %.1f mm is open", n, pi+1, v.y1, v.y2)
				}
			}
		}
		p := lo.pages[lo.seal.page]
		sigRow, above := -1, 0
		for _, l := range p.lines {
			if l.text == d.Signer && l.size == 16 {
				sigRow = l.row
			}
		}
		for _, l := range p.lines {
			if l.row >= 0 && l.row < sigRow && l.size <= 16 {
				above++
			}
		}
		if sigRow < 0 || above < 1 {
			t.Errorf("%d paragraphs: signature on row %d of page %d with %d body lines above it", n, sigRow, lo.seal.page+1, above)
		}
		if sigRow-above > 3 && lo.seal.page > 0 {
			// lines above must be right above: the seal's top within a line
			if top := lo.seal.cy - lo.seal.r; top-lineTop(sigRow-3) > LinePitch {
				t.Errorf("%d paragraphs: seal top %.1f mm, far from the body", n, top)
			}
		}
	}
}

// withName rebuilds a TrueType font with a name table that names its
// family fam: an office font, for tests, without shipping one.
func withName(t *testing.T, font []byte, fam string) []byte {
	t.Helper()
	u := utf16.Encode([]rune(fam))
	name := make([]byte, 6+12, 6+12+2*len(u))
	binary.BigEndian.PutUint16(name[2:], 1)  // one record
	binary.BigEndian.PutUint16(name[4:], 18) // strings after it
	rec := name[6:]
	binary.BigEndian.PutUint16(rec[0:], 3)      // Windows
	binary.BigEndian.PutUint16(rec[2:], 1)      // Unicode BMP
	binary.BigEndian.PutUint16(rec[4:], 0x0804) // zh-CN
	binary.BigEndian.PutUint16(rec[6:], 1)      // family
	binary.BigEndian.PutUint16(rec[8:], uint16(2*len(u)))
	for _, c := range u {
		name = binary.BigEndian.AppendUint16(name, c)
	}
	n := int(binary.BigEndian.Uint16(font[4:]))
	out := append([]byte{}, font[:12+16*n]...)
	for i := range n {
		e := font[12+16*i:]
		data := font[binary.BigEndian.Uint32(e[8:]):][:binary.BigEndian.Uint32(e[12:])]
		if string(e[:4]) == "name" {
			data = name
		}
		r := out[12+16*i:]
		binary.BigEndian.PutUint32(r[8:], uint32(len(out)))
		binary.BigEndian.PutUint32(r[12:], uint32(len(data)))
		out = append(out, data...)
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
	}
	return out
}

// An office's 仿宋_GB2312 in ZHITONG_FONT_DIR wins over the free fonts.
func TestOfficeFontFirst(t *testing.T) {
	needFonts(t)
	src := loadedFonts().faces[kaiTi]
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "FS_GB2312.ttf"), withName(t, src.data, "仿宋_GB2312"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv(FontDirEnv, dir)
	s := chooseFonts(scanFonts(fontDirs()))
	if f := s.faces[fangSong]; f == nil || filepath.Dir(f.path) != dir {
		t.Fatalf("仿宋 is %v, want the office font in %s", f, dir)
	}
	if f := s.faces[heiTi]; f == nil || filepath.Dir(f.path) == dir {
		t.Errorf("黑体 is %v, want a free font", f)
	}
	// The PDF then embeds it: the body is set in it.
	saved := fonts
	fontsOnce.Do(func() {})
	fonts = s
	defer func() { fonts = saved }()
	f := uncompressed(t, sample(0))
	var body, title string
	for _, tx := range f.pages[0].texts {
		if strings.HasPrefix(tx.text, "根据") {
			body = tx.font
		}
		if strings.HasPrefix(tx.text, "关于交办") {
			title = tx.font
		}
	}
	if body == "" || body == title {
		t.Errorf("body in %q, title in %q: want the office 仿宋 for the body, 宋 for the title", body, title)
	}
}
