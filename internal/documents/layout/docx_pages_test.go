package layout

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// The .docx must paginate as the PDF: these tests read the PDF's pages
// (where each page begins) and the .docx's page breaks independently and
// compare them.

// paginationDocs are documents whose pages break in every way the engine
// breaks them: inside a paragraph, before a heading, before a table and
// inside it (the header repeated), with the signature carrying two lines
// over, the 版记 on a page of its own, and a long document.
func paginationDocs() map[string]Doc {
	docs := map[string]Doc{}
	for _, n := range []int{0, 1, 3, 12} {
		docs[fmt.Sprintf("sample%d", n)] = sample(n)
	}
	// k short paragraphs more: the QR code beside the signature (4, 5),
	// the 版记 on a page of its own (6), the signature's lines carried over
	// and a third page beginning at the attachments (8, 13, 15, 20).
	for _, k := range []int{0, 4, 5, 6, 8, 13, 15, 20} {
		d := sample(1)
		for range k {
			d.Body = append(d.Body, Block{Kind: Para, Text: "请认真核实，依法办理。"})
		}
		docs[fmt.Sprintf("short%d", k)] = d
	}
	rows := [][]string{{"序号", "问题", "办理单位"}}
	for i := range 40 {
		rows = append(rows, []string{strconv.Itoa(i + 1), "道路夜间施工噪音扰民，群众多次反映", "县住房和城乡建设局"})
	}
	d := sample(1)
	d.Body = append(d.Body, Block{Kind: Table, Rows: rows}, Block{Kind: Para, Text: "以上问题请一并办理。"})
	docs["longtable"] = d
	// The table begins page 2 after a paragraph (after a heading, the
	// heading goes over with it: sample0).
	d = sample(0)
	d.Body[len(d.Body)-2] = Block{Kind: Para, Text: "按时答复。"}
	docs["tableafterpara"] = d
	return docs
}

// pdfPageStarts is the text of the first line of every page but the first
// of an uncompressed PDF, "" for a page that continues a table (its first
// line the table's header again).
func pdfPageStarts(f pdfFile) []string {
	var starts []string
	var prev map[string]bool
	for i, p := range f.pages {
		groups := map[float64][]pdfText{}
		for _, tx := range p.texts {
			if tx.y < Top+TypeH {
				y := math.Round(tx.y*10) / 10
				groups[y] = append(groups[y], tx)
			}
		}
		ys := make([]float64, 0, len(groups))
		texts := map[string]bool{}
		for y, g := range groups {
			ys = append(ys, y)
			sort.Slice(g, func(a, b int) bool { return g[a].x < g[b].x })
			var s strings.Builder
			for _, tx := range g {
				s.WriteString(tx.text)
			}
			texts[s.String()] = true
			groups[y] = g
		}
		sort.Float64s(ys)
		if i > 0 && len(ys) > 0 {
			var s strings.Builder
			for _, tx := range groups[ys[0]] {
				s.WriteString(tx.text)
			}
			top := s.String()
			inTable := false
			for _, l := range p.lines {
				if l.x1 == l.x2 && math.Min(l.y1, l.y2) < ys[0] && math.Max(l.y1, l.y2) > ys[0] {
					inTable = true
				}
			}
			if inTable && prev[top] {
				top = ""
			}
			starts = append(starts, top)
		}
		prev = texts
	}
	return starts
}

// docxPageStarts reads document.xml: for every page break (a paragraph
// with pageBreakBefore, or a page break run) the text that follows it,
// the first paragraph with text.
func docxPageStarts(t *testing.T, doc string) []string {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(doc))
	var starts []string
	pending, inT := false, false
	var para strings.Builder
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			switch e.Name.Local {
			case "p":
				para.Reset()
			case "pageBreakBefore":
				pending = true
			case "br":
				for _, a := range e.Attr {
					if a.Name.Local == "type" && a.Value == "page" {
						pending = true
					}
				}
			case "t":
				inT = true
			case "noBreakHyphen":
				para.WriteString("-")
			}
		case xml.EndElement:
			switch e.Name.Local {
			case "t":
				inT = false
			case "p":
				if pending && para.Len() > 0 {
					starts = append(starts, para.String())
					pending = false
				}
			}
		case xml.CharData:
			if inT {
				para.Write(e)
			}
		}
	}
	return starts
}

func docxXML(t *testing.T, d Doc) map[string]string {
	t.Helper()
	b, err := DOCX(d)
	if err != nil {
		t.Fatal(err)
	}
	return unzip(t, b)
}

func TestDOCXPaginatesAsPDF(t *testing.T) {
	needFonts(t)
	docs := paginationDocs()
	names := make([]string, 0, len(docs))
	for n := range docs {
		names = append(names, n)
	}
	sort.Strings(names)
	kinds := map[string]bool{}
	for _, name := range names {
		d := docs[name]
		f := uncompressed(t, d)
		want := pdfPageStarts(f)
		var wantBreaks []string
		for _, s := range want {
			if s != "" {
				wantBreaks = append(wantBreaks, s)
			} else {
				kinds["table runs on"] = true
			}
		}
		doc := docxXML(t, d)["word/document.xml"]
		got := docxPageStarts(t, doc)
		if len(got) != len(wantBreaks) {
			t.Errorf("%s: the PDF has %d pages, %d beginning anew (%q); the .docx breaks %d times (%q)", name, len(f.pages), len(wantBreaks), wantBreaks, len(got), got)
			continue
		}
		for i := range got {
			short, long := got[i], wantBreaks[i]
			if utf8.RuneCountInString(short) > utf8.RuneCountInString(long) {
				short, long = long, short
			}
			if short == "" || !strings.HasPrefix(long, short) {
				t.Errorf("%s: page %d begins with %q in the PDF, the .docx's break %d with %q", name, i+2, wantBreaks[i], i+1, got[i])
			}
			switch {
			case strings.HasPrefix(wantBreaks[i], "核验码") || strings.HasPrefix(wantBreaks[i], "抄送"):
				kinds["版记 on its own page"] = true
			case strings.HasPrefix(wantBreaks[i], "序号"):
				kinds["before a table"] = true
			case wantBreaks[i] == d.Signer:
				kinds["before the signature"] = true
			case !strings.HasPrefix(got[i], wantBreaks[i]) || utf8.RuneCountInString(got[i]) > utf8.RuneCountInString(wantBreaks[i]):
				kinds["inside a paragraph"] = true
			}
		}
		if lo, _ := lay(d); lo != nil && lo.footPage == lo.sigPage && lo.footRow < lo.sigEnd {
			kinds["QR code beside the signature"] = true
			if !strings.Contains(doc, "<wp:anchor") {
				t.Errorf("%s: the PDF sets the QR code beside the signature, the .docx does not float it", name)
			}
		}
		// Every paragraph has an exact height: the grid's, or its own.
		if p, e := strings.Count(doc, "<w:p>"), strings.Count(doc, `w:lineRule="exact"/>`); p != e {
			t.Errorf("%s: %d paragraphs, %d with an exact line height", name, p, e)
		}
	}
	for _, k := range []string{"inside a paragraph", "before a table", "table runs on", "版记 on its own page", "QR code beside the signature"} {
		if !kinds[k] {
			t.Errorf("no document breaks its page %s: the test does not cover it", k)
		}
	}
}

// TestDOCXFonts: every run names a font the engine sets text in, and the
// font table describes each.
func TestDOCXFonts(t *testing.T) {
	needFonts(t)
	d := sample(3)
	d.Body = append(d.Body, Block{Kind: Heading2, Text: "关于𠮷字与罕见字"})
	files := docxXML(t, d)
	fs := loadedFonts()
	chosen := map[string]bool{}
	for r := range numRoles {
		chosen[faceName(fs.faces[r], r)] = true
	}
	for _, f := range fs.all {
		chosen[faceName(f, fangSong)] = true
	}
	// 𠮷 is set in a face that has it (Noto CJK), when one is installed.
	if f := fs.faceFor(kaiTi, 0x20BB7); f != nil {
		chosen[faceName(f, kaiTi)] = true
	}
	named := map[string]bool{}
	for _, part := range []string{"word/document.xml", "word/footer1.xml", "word/footer2.xml", "word/styles.xml"} {
		for _, m := range regexp.MustCompile(`<w:rFonts w:ascii="([^"]*)" w:hAnsi="([^"]*)" w:eastAsia="([^"]*)"`).FindAllStringSubmatch(files[part], -1) {
			if m[1] != m[2] || m[2] != m[3] {
				t.Errorf("%s: run fonts differ: %v", part, m[1:])
			}
			if !chosen[m[3]] {
				t.Errorf("%s: run in %q, not a font the engine chose (%v)", part, m[3], chosen)
			}
			named[m[3]] = true
		}
	}
	for r := range numRoles {
		if n := faceName(fs.faces[r], r); !named[n] && r != songTi {
			t.Errorf("the %s role's font %q is named by no run", roleNames[r], n)
		}
	}
	table := files["word/fontTable.xml"]
	if !strings.Contains(files["word/_rels/document.xml.rels"], `Target="fontTable.xml"`) || !strings.Contains(files["[Content_Types].xml"], "/word/fontTable.xml") {
		t.Error("fontTable.xml not related")
	}
	for n := range named {
		re := regexp.MustCompile(`<w:font w:name="` + regexp.QuoteMeta(n) + `">(<w:altName w:val="(仿宋|宋体|黑体|楷体)"/>)?<w:panose1 w:val="[0-9A-F]{20}"/><w:charset w:val="86"/>`)
		if !re.MatchString(table) {
			t.Errorf("font table has no entry with panose and charset for %q:\n%s", n, table)
		}
	}
	if !strings.Contains(table, `<w:altName w:val="`) {
		t.Error("no font carries an altName")
	}
	// The document grid: lines of 225/22 mm, characters 156/28 mm apart
	// (charSpace in 1/4096 pt above the 16 pt default); each line exact.
	doc := files["word/document.xml"]
	m := regexp.MustCompile(`<w:docGrid w:linePitch="(\d+)" w:charSpace="(-?\d+)"/>`).FindStringSubmatch(doc)
	if m == nil {
		t.Fatal("no docGrid with linePitch and charSpace")
	}
	pitch, _ := strconv.Atoi(m[1])
	cs, _ := strconv.Atoi(m[2])
	textW := float64(11906-1587-1474) / 20 // pt
	charPt := 16 + float64(cs)/4096
	if n := int(textW / charPt); n != CharsPerLine {
		t.Errorf("docGrid charSpace %d gives %d characters a line, want %d", cs, n, CharsPerLine)
	}
	if n := (16838 - 2098 - 1984) / pitch; n != LinesPerPage {
		t.Errorf("docGrid linePitch %d gives %d lines, want %d", pitch, n, LinesPerPage)
	}
	if !strings.Contains(doc, fmt.Sprintf(`w:line="%d" w:lineRule="exact"`, pitch)) {
		t.Error("body lines not exactly one grid line")
	}
	// Page numbers as GB/T 9704-2012 places them: "— 1 —", odd pages on
	// the right, even on the left, one character in from the side.
	for part, want := range map[string]string{"word/footer1.xml": `<w:ind w:right="280" w:rightChars="100"/><w:jc w:val="right"/>`, "word/footer2.xml": `<w:ind w:left="280" w:leftChars="100"/><w:jc w:val="left"/>`} {
		f := files[part]
		if !strings.Contains(f, want) || !regexp.MustCompile(`<w:t xml:space="preserve">— </w:t>.*<w:instrText xml:space="preserve"> PAGE </w:instrText>.*<w:t xml:space="preserve"> —</w:t>`).MatchString(f) {
			t.Errorf("%s is not a page number — N — placed %s", part, want)
		}
		if !strings.Contains(f, `w:eastAsia="`+roleFont(songTi)+`"`) {
			t.Errorf("%s: page number not in %s", part, roleFont(songTi))
		}
	}
}

// TestDOCXInLibreOffice converts the .docx to PDF with LibreOffice, when
// it is installed, and compares its pages with the server's PDF: the same
// number, and (with pdftotext) the same lines on each. LibreOffice's
// importer drops w:autoSpaceDE (Word honours it): the conversion goes
// through ODT with text-autospace turned off, as in the engine.
func TestDOCXInLibreOffice(t *testing.T) {
	needFonts(t)
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Skip("LibreOffice (soffice) not installed")
	}
	if testing.Short() {
		t.Skip("-short")
	}
	dir := t.TempDir()
	docs := map[string]Doc{"sample0": sample(0), "sample3": sample(3), "sample12": sample(12), "longtable": paginationDocs()["longtable"], "short5": paginationDocs()["short5"], "short6": paginationDocs()["short6"]}
	var docxs []string
	for name, d := range docs {
		b, err := DOCX(d)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, name+".docx")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		docxs = append(docxs, p)
	}
	profile := "-env:UserInstallation=file://" + filepath.Join(dir, "profile")
	run := func(args ...string) {
		t.Helper()
		out, err := exec.Command(soffice, append([]string{profile, "--headless", "--convert-to"}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("soffice %v: %v\n%s", args, err, out)
		}
	}
	run(append([]string{"odt", "--outdir", filepath.Join(dir, "odt")}, docxs...)...)
	var odts []string
	for name := range docs {
		p := filepath.Join(dir, "odt", name+".odt")
		odtAutospaceOff(t, p)
		odts = append(odts, p)
	}
	run(append([]string{"pdf", "--outdir", filepath.Join(dir, "pdf")}, odts...)...)
	pdftotext, _ := exec.LookPath("pdftotext")
	for name, d := range docs {
		lo, err := os.ReadFile(filepath.Join(dir, "pdf", name+".pdf"))
		if err != nil {
			t.Fatal(err)
		}
		ours, err := PDF(d)
		if err != nil {
			t.Fatal(err)
		}
		got, want := len(regexp.MustCompile(`/Type\s*/Page[^s]`).FindAll(lo, -1)), len(regexp.MustCompile(`/Type\s*/Page[^s]`).FindAll(ours, -1))
		if got != want {
			t.Errorf("%s: LibreOffice sets the .docx on %d pages, the PDF has %d", name, got, want)
			continue
		}
		if pdftotext == "" {
			continue
		}
		a, b := pdfLines(t, pdftotext, ours, dir), pdfLines(t, pdftotext, lo, dir)
		for i := range a {
			if i >= len(b) || !sameLines(a[i], b[i]) {
				t.Errorf("%s page %d: the lines differ\nPDF:         %q\nLibreOffice: %q", name, i+1, a[i], b[i])
			}
		}
	}
}

// odtAutospaceOff turns LibreOffice's space between Chinese and Latin text
// off in an ODT's styles and content.
func odtAutospaceOff(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range z.File {
		r, _ := f.Open()
		data, _ := io.ReadAll(r)
		r.Close()
		if f.Name == "styles.xml" || f.Name == "content.xml" {
			data = bytes.ReplaceAll(data, []byte(`style:text-autospace="ideograph-alpha"`), []byte(`style:text-autospace="none"`))
		}
		h := f.FileHeader
		w, err := zw.CreateHeader(&h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	zw.Close()
	if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// pdfLines is every page's text lines (pdftotext -raw), without the page
// number (the PDF draws its 一字线 as rules, Word as text).
func pdfLines(t *testing.T, pdftotext string, pdf []byte, dir string) [][]string {
	t.Helper()
	f, err := os.CreateTemp(dir, "*.pdf")
	if err != nil {
		t.Fatal(err)
	}
	f.Write(pdf)
	f.Close()
	out, err := exec.Command(pdftotext, "-raw", f.Name(), "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	num := regexp.MustCompile(`^(— )?\d+( —)?$`)
	var pages [][]string
	for _, pg := range strings.Split(string(out), "\f") {
		var lines []string
		for _, l := range strings.Split(pg, "\n") {
			if l = strings.TrimSpace(l); l != "" && !num.MatchString(l) {
				lines = append(lines, l)
			}
		}
		if len(lines) > 0 {
			pages = append(pages, lines)
		}
	}
	return pages
}

// sameLines reports whether two pages hold the same lines: the same pieces
// of text between spaces, in any order (pdftotext joins text on one
// baseline into a line: the QR code's text and the signature beside it
// share one in Word's layout, not in the PDF's, where sizes differ).
func sameLines(a, b []string) bool {
	pieces := func(lines []string) string {
		var out []string
		for _, l := range lines {
			out = append(out, strings.Fields(l)...)
		}
		sort.Strings(out)
		return strings.Join(out, "\n")
	}
	return pieces(a) == pieces(b)
}
