package layout

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var (
	svgRE  = regexp.MustCompile(`<svg class="gw-page"[^>]*viewBox="0 0 210 297"`)
	lineRE = regexp.MustCompile(`<line class="gw-rule gw-red" x1="([0-9.]+)" y1="([0-9.]+)" x2="([0-9.]+)"`)
	textRE = regexp.MustCompile(`<text class="([^"]+)" x="([0-9.]+)" y="([0-9.]+)" font-size="([0-9.]+)"[^>]*>([^<]*)</text>`)
)

// The HTML view puts the lines where the PDF has them.
func TestHTMLMatchesPDF(t *testing.T) {
	needFonts(t)
	d := sample(6)
	d.Body = append(d.Body, Block{Kind: Para, Text: "标记<b>与&符号不得成为标签。"})
	h, err := HTML(d)
	if err != nil {
		t.Fatal(err)
	}
	s := string(h)
	f := uncompressed(t, d)
	if n := len(svgRE.FindAllString(s, -1)); n != len(f.pages) {
		t.Fatalf("%d SVG pages of 210×297, the PDF has %d", n, len(f.pages))
	}
	for _, bad := range []string{"style=", "<script", "<b>"} {
		if strings.Contains(s, bad) {
			t.Errorf("HTML contains %q", bad)
		}
	}
	if !strings.Contains(s, "标记&lt;b&gt;与&amp;符号") {
		t.Error("body text not escaped")
	}
	m := lineRE.FindStringSubmatch(s)
	if m == nil {
		t.Fatal("no red rule")
	}
	var red pdfLine
	for _, l := range f.pages[0].lines {
		if l.red {
			red = l
		}
	}
	if y, _ := strconv.ParseFloat(m[2], 64); !near(y, red.y1, 0.02) {
		t.Errorf("red rule at %.2f mm in HTML, %.2f in the PDF", y, red.y1)
	}
	// Every PDF line of page 1 is in the HTML at the same spot.
	html := map[string][2]float64{}
	classes := map[string]string{}
	for _, m := range textRE.FindAllStringSubmatch(s, -1) {
		x, _ := strconv.ParseFloat(m[2], 64)
		y, _ := strconv.ParseFloat(m[3], 64)
		if _, ok := html[m[5]]; !ok {
			html[m[5]] = [2]float64{x, y}
			classes[m[5]] = m[1]
		}
	}
	matched := 0
	for _, tx := range f.pages[0].texts {
		p, ok := html[tx.text]
		if !ok {
			continue // a line split in fonts
		}
		matched++
		if !near(p[0], tx.x, 0.02) || !near(p[1], tx.y, 0.02) {
			t.Errorf("%q at (%.2f, %.2f) in HTML, (%.2f, %.2f) in the PDF", tx.text, p[0], p[1], tx.x, tx.y)
		}
	}
	if matched < 10 {
		t.Errorf("only %d lines of page 1 found in the HTML", matched)
	}
	if c := classes["定南县人大常委会办公室"]; c != "gw-xbs gw-red" {
		t.Errorf("mark class %q, want 小标宋 in red", c)
	}
	if c := classes["一、基本情况"]; c != "gw-hei" {
		t.Errorf("heading 1 class %q, want 黑体", c)
	}
	if c := classes["（一）群众反映的问题"]; c != "gw-kai" {
		t.Errorf("heading 2 class %q, want 楷体", c)
	}
	css, err := os.ReadFile("../../web/static/documents.css")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"@page", "size: A4", "width: 210mm", "height: 297mm", ".gw-red", ".gw-fs", "仿宋_GB2312", "方正小标宋简体", ".gw-hei", ".gw-kai", ".gw-xbs", ".gw-song", ".gw-qr"} {
		if !strings.Contains(string(css), want) {
			t.Errorf("documents.css lacks %q", want)
		}
	}
}
