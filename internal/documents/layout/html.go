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
	for i, p := range lo.pages {
		fmt.Fprintf(&b, `<svg class="gw-page" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %g %g" role="img" aria-label="第%d页">`, PageW, PageH, i+1)
		if i == 0 {
			fmt.Fprintf(&b, `<title>%s</title>`, html.EscapeString(d.Title))
		}
		for _, r := range p.rules {
			cls := "gw-rule"
			if r.red {
				cls = "gw-rule gw-red"
			}
			fmt.Fprintf(&b, `<line class="%s" x1="%.2f" y1="%.2f" x2="%.2f" y2="%.2f" stroke-width="%.2f"/>`, cls, r.x1, r.y, r.x2, r.y, r.w)
		}
		for _, r := range p.vrules {
			fmt.Fprintf(&b, `<line class="gw-rule" x1="%.2f" y1="%.2f" x2="%.2f" y2="%.2f" stroke-width="%.2f"/>`, r.x, r.y1, r.x, r.y2, r.w)
		}
		for _, l := range p.lines {
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
			fmt.Fprintf(&b, `<text class="%s" x="%.2f" y="%.2f" font-size="%.3f"`, cls, l.x, l.y, l.size*ptMM)
			if len([]rune(l.text)) > 1 {
				fmt.Fprintf(&b, ` textLength="%.2f" lengthAdjust="%s"`, w, adjust)
			}
			fmt.Fprintf(&b, `>%s</text>`, html.EscapeString(l.text))
		}
		if q := p.qr; q != nil {
			m := q.side / float64(q.code.Size)
			b.WriteString(`<path class="gw-qr" d="`)
			for y := range q.code.Size {
				for x := 0; x < q.code.Size; {
					if !q.code.Black(x, y) {
						x++
						continue
					}
					x0 := x
					for x < q.code.Size && q.code.Black(x, y) {
						x++
					}
					fmt.Fprintf(&b, "M%.3f %.3fh%.3fv%.3fh%.3fz", q.x+float64(x0)*m, q.y+float64(y)*m, float64(x-x0)*m, m, -float64(x-x0)*m)
				}
			}
			b.WriteString(`"/>`)
		}
		b.WriteString(`</svg>`)
	}
	b.WriteString(`</div>`)
	return template.HTML(b.String()), nil
}
