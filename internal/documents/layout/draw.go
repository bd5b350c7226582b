package layout

// canvas draws the pages the engine laid out: the PDF writer and the HTML
// view are its two implementations, so both walk the pages the same way.
type canvas interface {
	page(i int) // starts page i (0-based)
	rule(r rule)
	vrule(r vrule)
	text(l line)
	qr(rects []rect) // the QR code's dark modules, run by run
	endPage()
}

type rect struct{ x, y, w, h float64 }

// draw hands every page to c: rules, vertical rules, lines, QR code.
func (lo *laidOut) draw(c canvas) {
	for i, p := range lo.pages {
		c.page(i)
		for _, r := range p.rules {
			c.rule(r)
		}
		for _, r := range p.vrules {
			c.vrule(r)
		}
		for _, l := range p.lines {
			c.text(l)
		}
		if p.qr != nil {
			c.qr(p.qr.rects())
		}
		c.endPage()
	}
}

// rects are the QR code's dark modules as one rectangle per horizontal
// run of them, row by row.
func (q *qrMark) rects() []rect {
	var out []rect
	m := q.side / float64(q.code.Size)
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
			out = append(out, rect{q.x + float64(x0)*m, q.y + float64(y)*m, float64(x-x0) * m, m})
		}
	}
	return out
}
