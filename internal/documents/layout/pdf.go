package layout

import (
	"bytes"
	"fmt"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// MissingGlyphsError is returned by PDF when a character of the document
// has no glyph in any installed font: the document is refused rather than
// printed with a blank box.
type MissingGlyphsError struct{ Runes []rune }

func (e *MissingGlyphsError) Error() string {
	var b strings.Builder
	for i, r := range e.Runes {
		if i > 0 {
			b.WriteString("、")
		}
		fmt.Fprintf(&b, "“%c”(U+%04X)", r, r)
	}
	return "layout: 已安装的字体中没有这些字符的字形：" + b.String()
}

// compress is turned off by tests that read the content streams.
var compress = true

// epoch is the creation date of a document without a date, so that its
// bytes do not depend on when it was set.
var epoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

func pdfDoc(d Doc) ([]byte, error) {
	lo, err := lay(d)
	if err != nil {
		return nil, err
	}
	if len(lo.missing) > 0 {
		return nil, &MissingGlyphsError{Runes: lo.missing}
	}
	p := fpdf.NewCustom(&fpdf.InitType{OrientationStr: "P", UnitStr: "mm", Size: fpdf.SizeType{Wd: PageW, Ht: PageH}})
	p.SetCompression(compress)
	p.SetCatalogSort(true)
	when := epoch
	if !d.Date.IsZero() {
		when = time.Date(d.Date.Year(), d.Date.Month(), d.Date.Day(), 0, 0, 0, 0, time.UTC)
	}
	p.SetCreationDate(when)
	p.SetModificationDate(when)
	p.SetProducer("zhitong", false)
	p.SetTitle(d.Title, true)
	p.SetAutoPageBreak(false, 0)
	p.SetMargins(0, 0, 0)

	// Only the faces the document uses are embedded (and subset).
	fams := map[*face]string{}
	fs := loadedFonts()
	used := map[*face]map[rune]bool{}
	for _, pg := range lo.pages {
		for _, l := range pg.lines {
			for _, s := range l.spans {
				if s.outline {
					continue
				}
				if used[s.face] == nil {
					used[s.face] = map[rune]bool{}
				}
				for _, r := range s.text {
					used[s.face][r] = true
				}
			}
		}
	}
	// fpdf names an embedded font utf8<family>; it becomes TAG+PSName.
	names := map[string]string{}
	for i, f := range fs.all {
		if runes, ok := used[f]; ok {
			fams[f] = fmt.Sprintf("f%d", i)
			p.AddUTF8FontFromBytes(fams[f], "", f.data)
			names["utf8"+fams[f]] = subsetTag(f.postScriptName(i), runes) + "+" + f.postScriptName(i)
		}
	}
	lo.draw(&pdfCanvas{p: p, fams: fams})
	var b bytes.Buffer
	if err := p.Output(&b); err != nil {
		return nil, fmt.Errorf("layout: pdf: %w", err)
	}
	return renameFonts(b.Bytes(), names)
}

func setDraw(p *fpdf.Fpdf, red bool) {
	if red {
		p.SetDrawColor(255, 0, 0)
	} else {
		p.SetDrawColor(0, 0, 0)
	}
}

// pdfCanvas draws the laid-out pages with fpdf, in millimetres.
type pdfCanvas struct {
	p    *fpdf.Fpdf
	fams map[*face]string
}

func (c *pdfCanvas) page(int) { c.p.AddPage() }
func (c *pdfCanvas) endPage() {}

func (c *pdfCanvas) rule(r rule) {
	setDraw(c.p, r.red)
	c.p.SetLineWidth(r.w)
	c.p.Line(r.x1, r.y, r.x2, r.y)
}

func (c *pdfCanvas) vrule(r vrule) {
	setDraw(c.p, false)
	c.p.SetLineWidth(r.w)
	c.p.Line(r.x, r.y1, r.x, r.y2)
}

func (c *pdfCanvas) text(l line) {
	p := c.p
	if l.red {
		p.SetTextColor(255, 0, 0)
	} else {
		p.SetTextColor(0, 0, 0)
	}
	if l.bold {
		// No bold 仿宋 is installed: the outline is stroked too.
		p.RawWriteStr("q 0 G 0.35 w 2 Tr")
	}
	const k = 72 / 25.4
	p.RawWriteStr(fmt.Sprintf("%.3f Tc %.2f Tz", l.tc*k, l.tz))
	for _, s := range l.spans {
		if s.outline {
			c.outline(l, s)
			continue
		}
		p.SetFont(c.fams[s.face], "", l.size)
		p.Text(l.x+s.dx*l.tz/100, l.y, s.text)
	}
	p.RawWriteStr("0 Tc 100 Tz")
	if l.bold {
		p.RawWriteStr("Q")
	}
}

// outline draws a character beyond U+FFFF (𠮷) as its glyph's outline,
// filled: fpdf encodes only basic-plane characters (two-byte CIDs) and
// embeds only TrueType faces, while the faces with CJK extension B are
// often CFF (Noto CJK). The character prints; a PDF reader's text
// extraction does not see it.
func (c *pdfCanvas) outline(l line, s span) {
	r, _ := utf8.DecodeRuneInString(s.text)
	if s.face == nil || s.face.load() != nil {
		return
	}
	var buf sfnt.Buffer
	gi, err := s.face.font.GlyphIndex(&buf, r)
	if err != nil || gi == 0 {
		return
	}
	const ppem = 1000
	segs, err := s.face.font.LoadGlyph(&buf, gi, fixed.I(ppem), nil)
	if err != nil {
		return
	}
	k := l.size * ptMM / ppem // mm per unit of the 1000-unit em
	x0, y0 := l.x+s.dx*l.tz/100, l.y
	pt := func(p fixed.Point26_6) (float64, float64) {
		return x0 + float64(p.X)/64*k*l.tz/100, y0 + float64(p.Y)/64*k
	}
	p := c.p
	if l.red {
		p.SetFillColor(255, 0, 0)
	} else {
		p.SetFillColor(0, 0, 0)
	}
	// The path stands for the character to a reader's text extraction
	// and search (PDF 32000-1 §14.9.4, ActualText).
	hex := "FEFF"
	for _, u := range utf16.Encode([]rune{r}) {
		hex += fmt.Sprintf("%04X", u)
	}
	p.RawWriteStr("/Span <</ActualText <" + hex + ">>> BDC")
	defer p.RawWriteStr("EMC")
	open := false
	for _, sg := range segs {
		switch sg.Op {
		case sfnt.SegmentOpMoveTo:
			if open {
				p.ClosePath()
			}
			x, y := pt(sg.Args[0])
			p.MoveTo(x, y)
			open = true
		case sfnt.SegmentOpLineTo:
			x, y := pt(sg.Args[0])
			p.LineTo(x, y)
		case sfnt.SegmentOpQuadTo:
			cx, cy := pt(sg.Args[0])
			x, y := pt(sg.Args[1])
			p.CurveTo(cx, cy, x, y)
		case sfnt.SegmentOpCubeTo:
			cx0, cy0 := pt(sg.Args[0])
			cx1, cy1 := pt(sg.Args[1])
			x, y := pt(sg.Args[2])
			p.CurveBezierCubicTo(cx0, cy0, cx1, cy1, x, y)
		}
	}
	if open {
		p.ClosePath()
		p.DrawPath("F")
	}
}

func (c *pdfCanvas) qr(rects []rect) {
	c.p.SetFillColor(0, 0, 0)
	for _, r := range rects {
		c.p.Rect(r.x, r.y, r.w, r.h, "F")
	}
}
