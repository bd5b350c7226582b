package layout

// table sets rows in 4号 with ruled cells the width of the type area, the
// first row (a header, in 黑体) repeated on every page the table runs on.
// tableRow is a table's row wrapped in its columns: each cell's lines, the
// row's height in grid lines, its role (黑体 for the header).
type tableRow struct {
	cells [][]string
	h     int
	ro    role
}

// tableSet wraps rows in the columns the table gets: their widths (mm)
// and the rows; no columns for an empty table.
func (e *engine) tableSet(rows [][]string) ([]float64, []tableRow) {
	ncol := 0
	for _, r := range rows {
		ncol = max(ncol, len(r))
	}
	if ncol == 0 {
		return nil, nil
	}
	const pad = cellPad
	nat := make([]float64, ncol)
	for i, r := range rows {
		ro := fangSong
		if i == 0 {
			ro = heiTi
		}
		for j, c := range r {
			nat[j] = max(nat[j], e.width(ro, size4, c, 0)+2*pad, 2*size4*ptMM+2*pad)
		}
	}
	// A column is never narrower than its widest run of Latin letters and
	// digits (a tracking code MEUE-P7FR-BDHQ), so wrap keeps those whole.
	least := make([]float64, ncol)
	for i, r := range rows {
		ro := fangSong
		if i == 0 {
			ro = heiTi
		}
		for j, c := range r {
			least[j] = max(least[j], 4*size4*ptMM+2*pad, e.widestWord(ro, size4, c)+2*pad)
		}
	}
	widths := shareWidthsAtLeast(nat, least, TypeW)
	set := make([]tableRow, len(rows))
	for i, r := range rows {
		ro := fangSong
		if i == 0 {
			ro = heiTi
		}
		sr := tableRow{cells: make([][]string, ncol), h: 1, ro: ro}
		for j := range ncol {
			c := ""
			if j < len(r) {
				c = r[j]
			}
			sr.cells[j] = e.wrap(ro, size4, c, widths[j]-2*pad, widths[j]-2*pad, 0)
			sr.h = max(sr.h, len(sr.cells[j]))
		}
		set[i] = sr
	}
	return widths, set
}

func (e *engine) table(rows [][]string) {
	widths, set := e.tableSet(rows)
	ncol := len(widths)
	if ncol == 0 {
		return
	}
	const pad = cellPad
	if e.out.tableWidths == nil {
		e.out.tableWidths = map[int][]float64{}
	}
	e.out.tableWidths[e.item] = widths
	if e.out.tableRows == nil {
		e.out.tableRows, e.out.tableStart = map[int][]int{}, map[int]int{}
	}
	for _, sr := range set {
		e.out.tableRows[e.item] = append(e.out.tableRows[e.item], sr.h)
	}
	// draw sets lines [from, to) of a row's cells as one ruled row.
	draw := func(sr tableRow, from, to int) {
		top := e.row
		h := to - from
		p := e.cur()
		x := Left
		for j := range ncol {
			for k, ln := range sr.cells[j] {
				if k >= from && k < to {
					e.put(sr.ro, size4, ln, x+pad, 0, top+k-from)
				}
			}
			p.vrules = append(p.vrules, vrule{x: x, y1: lineTop(top), y2: lineTop(top + h), w: thinRule})
			x += widths[j]
		}
		p.vrules = append(p.vrules, vrule{x: Left + TypeW, y1: lineTop(top), y2: lineTop(top + h), w: thinRule})
		p.rules = append(p.rules,
			rule{x1: Left, x2: Left + TypeW, y: lineTop(top), w: thinRule},
			rule{x1: Left, x2: Left + TypeW, y: lineTop(top + h), w: thinRule})
		e.row += h
	}
	header := func(i int) {
		if i > 0 && set[0].h <= LinesPerPage/2 {
			draw(set[0], 0, set[0].h)
		}
	}
	for i, sr := range set {
		// The header never stands alone at the foot of a page: it goes
		// over with the first row when they do not fit together.
		h := sr.h
		if i == 0 && len(set) > 1 && sr.h+set[1].h <= LinesPerPage {
			h += set[1].h
		}
		if e.row+h > LinesPerPage && sr.h <= LinesPerPage-set[0].h {
			e.newPage()
			header(i)
		}
		if i == 0 {
			e.out.tableStart[e.item] = len(e.pages) - 1
		}
		// A row taller than what is left runs on over the pages, in parts.
		for from := 0; from < sr.h; {
			if e.row >= LinesPerPage {
				e.newPage()
				header(i)
			}
			to := min(sr.h, from+LinesPerPage-e.row)
			draw(sr, from, to)
			from = to
		}
	}
}

// shareWidths gives columns total width: each column keeps its natural
// width nat when all fit, or when it is no wider than its fair share of
// what the wider columns leave; the wider columns (a case's summary) share
// the rest. A column up to narrow wide keeps its natural width whole.
func shareWidths(nat []float64, total, narrow float64) []float64 {
	least := make([]float64, len(nat))
	for j := range least {
		least[j] = narrow
	}
	return shareWidthsAtLeast(nat, least, total)
}

// shareWidthsAtLeast is shareWidths with each column's own narrowest
// width least[j]. A deadline "15 个工作日" or a date "2026年12月28日" is
// narrower than its share, so it stays on one line; the summary wraps.
func shareWidthsAtLeast(nat, least []float64, total float64) []float64 {
	sum := 0.0
	for _, w := range nat {
		sum += w
	}
	widths := make([]float64, len(nat))
	if sum <= total {
		for j := range nat {
			widths[j] = total * nat[j] / sum
		}
		return widths
	}
	// Fix, round by round, the columns no wider than an equal share of
	// the width the columns not yet fixed have.
	fixed := make([]bool, len(nat))
	rest, open := total, len(nat)
	for changed := true; changed && open > 1; {
		changed = false
		share := rest / float64(open)
		for j, w := range nat {
			if !fixed[j] && w <= share {
				fixed[j], widths[j], changed = true, w, true
				rest -= w
				open--
			}
		}
	}
	var fnat, fleast []float64
	for j := range nat {
		if !fixed[j] {
			fnat, fleast = append(fnat, nat[j]), append(fleast, least[j])
		}
	}
	k := 0
	for _, w := range proportion(fnat, fleast, rest) {
		for fixed[k] {
			k++
		}
		widths[k] = w
		k++
	}
	return widths
}

// proportion shares total among columns in proportion to nat, each at
// least min(nat, least) when that can be had.
func proportion(nat, least []float64, total float64) []float64 {
	sum, fsum, excess := 0.0, 0.0, 0.0
	floor := make([]float64, len(nat))
	for j, w := range nat {
		sum += w
		floor[j] = min(w, least[j])
		fsum += floor[j]
		excess += w - floor[j]
	}
	widths := make([]float64, len(nat))
	for j := range nat {
		if sum <= total || fsum >= total || excess == 0 {
			widths[j] = total * nat[j] / sum
		} else {
			widths[j] = floor[j] + (total-fsum)*(nat[j]-floor[j])/excess
		}
	}
	return widths
}

// cellPad is a table cell's left and right padding (mm): 1 mm, so that a
// 交办函's short title "幸福路路灯不亮1" fits beside the code, deadline and
// date columns.
const cellPad = 1.0
