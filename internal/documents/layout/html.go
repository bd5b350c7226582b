package layout

import (
	"fmt"
	"html"
	"html/template"
	"strings"
)

// roleClass names the CSS class (internal/web/static/documents.css) that
// gives a role its font stack: the office font first, then the free ones.
var roleClass = [numRoles]string{"gw-fs", "gw-xbs", "gw-hei", "gw-kai", "gw-song"}

// htmlDoc draws the pages the engine laid out as inline SVG, in millimetres
// (viewBox 0 0 210 297): every line at the PDF's baseline, stretched to the
// PDF's width with textLength, so that printing the page on A4 at 100 %
// puts every character where the PDF has it. Only attributes position
// things: the CSP forbids style attributes, the look is in documents.css.
func htmlDoc(d Doc) (template.HTML, error) {
	lo, err := lay(d)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString(`<div class="gw-doc">`)
	lo.draw(&svgCanvas{b: &b, title: d.Title})
	b.WriteString(`</div>`)
	return template.HTML(b.String()), nil
}

// svgCanvas draws the laid-out pages as one <svg> each.
type svgCanvas struct {
	b     *strings.Builder
	title string
}

func (c *svgCanvas) page(i int) {
	fmt.Fprintf(c.b, `<svg class="gw-page" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %g %g" role="img" aria-label="第%d页">`, PageW, PageH, i+1)
	if i == 0 {
		fmt.Fprintf(c.b, `<title>%s</title>`, html.EscapeString(c.title))
	}
}

func (c *svgCanvas) endPage() { c.b.WriteString(`</svg>`) }

func (c *svgCanvas) rule(r rule) {
	cls := "gw-rule"
	if r.red {
		cls = "gw-rule gw-red"
	}
	fmt.Fprintf(c.b, `<line class="%s" x1="%.2f" y1="%.2f" x2="%.2f" y2="%.2f" stroke-width="%.2f"/>`, cls, r.x1, r.y, r.x2, r.y, r.w)
}

func (c *svgCanvas) vrule(r vrule) {
	fmt.Fprintf(c.b, `<line class="gw-rule" x1="%.2f" y1="%.2f" x2="%.2f" y2="%.2f" stroke-width="%.2f"/>`, r.x, r.y1, r.x, r.y2, r.w)
}

func (c *svgCanvas) text(l line) {
	cls := roleClass[l.role]
	if l.red {
		cls += " gw-red"
	}
	if l.bold {
		cls += " gw-b"
	}
	w := (l.w - l.tc) * l.tz / 100
	adjust := "spacing"
	if l.tz != 100 {
		adjust = "spacingAndGlyphs"
	}
	fmt.Fprintf(c.b, `<text class="%s" x="%.2f" y="%.2f" font-size="%.3f"`, cls, l.x, l.y, l.size*ptMM)
	if len([]rune(l.text)) > 1 {
		fmt.Fprintf(c.b, ` textLength="%.2f" lengthAdjust="%s"`, w, adjust)
	}
	fmt.Fprintf(c.b, `>%s</text>`, html.EscapeString(l.text))
}

func (c *svgCanvas) qr(rects []rect) {
	c.b.WriteString(`<path class="gw-qr" d="`)
	for _, r := range rects {
		fmt.Fprintf(c.b, "M%.3f %.3fh%.3fv%.3fh%.3fz", r.x, r.y, r.w, r.h, -r.w)
	}
	c.b.WriteString(`"/>`)
}
