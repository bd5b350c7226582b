package layout

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"unicode"
)

// batchAssign is a batch 交办函 of three cases, as internal/documents
// writes it: a five-column table whose narrow columns hold dates and
// titles ending in a digit, then the headed requirements.
func batchAssign() Doc {
	d := sample(0)
	d.Title = "关于交办群众意见建议的函"
	rows := [][]string{{"序号", "查询码", "事项", "办理时限", "办结期限"}}
	for i, c := range []struct{ code, title, date string }{
		{"MEUE-P7FR", "幸福路路灯不亮1", "2026年12月28日"},
		{"K3QX-9B2D", "幸福路路灯不亮2", "2026年12月29日"},
		{"T8WN-4HJC", "幸福路路灯不亮3", "2026年12月30日"},
	} {
		rows = append(rows, []string{string(rune('1' + i)), c.code, c.title, "15 个工作日", c.date})
	}
	d.Body = []Block{
		{Kind: Para, Text: "现将群众通过人大代表联络站反映的意见建议（共 3 件）交由你单位办理。"},
		{Kind: Heading1, Text: "一、交办事项"},
		{Kind: Table, Rows: rows},
		{Kind: Heading1, Text: "二、办理要求"},
		{Kind: Para, Text: "请你单位自收到本函之日起，在上表所列工作日内办结，并在办结期限前通过民意直通平台书面答复我委，同时将办理结果反馈群众。确有困难不能按期办结的，请在期限届满前申请延期并说明理由。"},
		{Kind: Heading1, Text: "三、报送材料"},
		{Kind: Para, Text: "办理结束后，请报送答复函一份，写明办理结果（已解决、正在解决、列入计划或因条件限制暂不能解决）、依据、经办人和联系电话；列入计划的，写明计划完成时间。"},
		{Kind: Para, Text: "特此函告。"},
	}
	return d
}

// TestDOCXTableRowsGrow: no table row of the .docx has an exact height
// (LibreOffice, which spaces Chinese from Latin text, may wrap a cell the
// engine does not, and an exact row would cut its second line off); the
// engine's height is each row's minimum.
func TestDOCXTableRowsGrow(t *testing.T) {
	needFonts(t)
	for name, d := range map[string]Doc{"batch": batchAssign(), "sample3": sample(3), "short5": paginationDocs()["short5"], "longtable": paginationDocs()["longtable"]} {
		doc := docxXML(t, d)["word/document.xml"]
		// The table's rows (the signature block's rows, no cell of
		// which wraps, keep the cantSplit and exact height of their own).
		if n := len(regexp.MustCompile(`<w:trPr><w:trHeight w:val="\d+" w:hRule="exact"/>`).FindAllString(doc, -1)); n != 0 {
			t.Errorf("%s: %d table rows of exact height", name, n)
		}
		if !strings.Contains(doc, `w:hRule="atLeast"`) {
			t.Errorf("%s: no table row has the engine's height as its minimum", name)
		}
	}
}

// TestDOCXCellsInLibreOffice opens the batch 交办函's .docx in LibreOffice
// as a user would (its Chinese/Latin spacing on) and converts it to PDF:
// every character the server's PDF shows is there too, none cut off by
// a row too low for a cell LibreOffice wraps.
func TestDOCXCellsInLibreOffice(t *testing.T) {
	needFonts(t)
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Skip("LibreOffice (soffice) not installed")
	}
	pdftotext, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Skip("pdftotext not installed")
	}
	if testing.Short() {
		t.Skip("-short")
	}
	dir := t.TempDir()
	d := batchAssign()
	b, err := DOCX(d)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "batch.docx")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(soffice, "-env:UserInstallation=file://"+filepath.Join(dir, "profile"), "--headless", "--convert-to", "pdf", "--outdir", dir, p).CombinedOutput()
	if err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	lo, err := os.ReadFile(filepath.Join(dir, "batch.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	ours, err := PDF(d)
	if err != nil {
		t.Fatal(err)
	}
	counts := func(pages [][]string) map[rune]int {
		m := map[rune]int{}
		for _, pg := range pages {
			for _, l := range pg {
				for _, r := range l {
					if !unicode.IsSpace(r) && r != '—' {
						m[r]++
					}
				}
			}
		}
		return m
	}
	want, got := counts(pdfLines(t, pdftotext, ours, dir)), counts(pdfLines(t, pdftotext, lo, dir))
	for r, n := range want {
		if got[r] < n {
			t.Errorf("%q: %d in the PDF, %d in LibreOffice's", r, n, got[r])
		}
	}
	text := regexp.MustCompile(`\s+`).ReplaceAllString(strings.Join(func() []string {
		var all []string
		for _, pg := range pdfLines(t, pdftotext, lo, dir) {
			all = append(all, pg...)
		}
		return all
	}(), ""), "")
	for _, row := range d.Body[2].Rows {
		for _, c := range row {
			// A cell wrapped in LibreOffice interleaves with its row's
			// neighbours: its last character at least is on the page.
			rs := []rune(strings.ReplaceAll(c, " ", ""))
			if !strings.ContainsRune(text, rs[len(rs)-1]) {
				t.Errorf("cell %q: its last character is missing in LibreOffice's PDF", c)
			}
		}
	}
}

// TestHeadingKeepsWithNext: a heading never ends a page; the first two
// lines of the paragraph after it (both, or its one) are on its page. The
// batch 交办函 with 0–30 short paragraphs more before 一、 sweeps each
// heading across the page's end. The .docx and HTML follow the engine's
// pages (TestDOCXPaginatesAsPDF, the HTML draws them).
func TestHeadingKeepsWithNext(t *testing.T) {
	needFonts(t)
	heading := regexp.MustCompile(`^([一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)`)
	cases := 0
	for k := range 31 {
		d := batchAssign()
		for range k {
			d.Body = append(d.Body[:1], append([]Block{{Kind: Para, Text: "请认真核实，依法办理。"}}, d.Body[1:]...)...)
		}
		lo, err := lay(d)
		if err != nil {
			t.Fatal(err)
		}
		type at struct {
			page int
			l    line
		}
		var flow []at
		for p, pg := range lo.pages {
			for _, l := range pg.lines {
				if l.item > 0 {
					flow = append(flow, at{p, l})
				}
			}
		}
		sort.SliceStable(flow, func(i, j int) bool {
			a, b := flow[i], flow[j]
			if a.l.item != b.l.item {
				return a.l.item < b.l.item
			}
			return a.l.part < b.l.part
		})
		for j, h := range flow {
			if h.l.part != 0 || !heading.MatchString(h.l.text) {
				continue
			}
			for _, n := range flow[j+1 : min(j+3, len(flow))] {
				if n.l.item != h.l.item+1 {
					break
				}
				if n.page != h.page {
					cases++
					t.Errorf("%d paragraphs more: %q on page %d, the line %q after it on page %d", k, h.l.text, h.page+1, n.l.text, n.page+1)
				}
			}
		}
	}
}
