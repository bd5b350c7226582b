package layout

import (
	"strconv"
	"strings"

	"rsc.io/qr"
)

// The page furniture: the 版头 above the body, the signature with the
// seal's room below it, the verification QR code and the 版记 at the foot
// of the last page, and the page numbers.

// head sets the 版头: 份号, 密级, 紧急程度, the red mark, the 发文字号
// and the red rule, then the title and the addressee.
func (e *engine) head(d Doc) {
	row := 0
	if d.Copy != "" {
		e.put(fangSong, size3, d.Copy, Left, 0, row)
		row++
	}
	for _, s := range []string{d.Secret, d.Urgency} {
		if s != "" {
			e.put(heiTi, size3, s, Left, 0, row)
			row++
		}
	}
	markBottom := Top + markTop
	if d.Authority != "" {
		em := markMM
		size := em / ptMM
		l := e.mkLine(xiaoBiaoSong, size, d.Authority, 0, Top+markTop+0.88*em, 0, -1)
		if l.w > TypeW {
			l.tz = 100 * TypeW / l.w
			l.w = TypeW
		}
		l.x = Left + (TypeW-l.w)/2
		l.red = true
		e.cur().lines = append(e.cur().lines, l)
		markBottom = Top + markTop + em
	}
	// 发文字号: 发文机关标志下空二行, centred; the rule 4 mm below it.
	row = firstRowBelow(markBottom) + 2
	if d.Number != "" {
		l := e.put(fangSong, size3, d.Number, 0, 0, row)
		l.x = Left + (TypeW-l.w)/2
	}
	ruleY := baseline(row, size3) + 0.12*size3*ptMM + ruleBelow
	e.cur().rules = append(e.cur().rules, rule{x1: Left, x2: Left + TypeW, y: ruleY, w: ruleWidth, red: true})
	// 标题: 红色分隔线下空二行, 2号小标宋, centred.
	e.row = firstRowBelow(ruleY+ruleWidth/2) + 2
	for _, part := range strings.Split(d.Title, "\n") {
		for _, ln := range e.wrap(xiaoBiaoSong, size2, strings.TrimSpace(part), TypeW, TypeW, 0) {
			e.need(1)
			l := e.put(xiaoBiaoSong, size2, ln, 0, 0, e.row)
			l.x = Left + (TypeW-l.w)/2
			e.row++
		}
	}
	// 主送机关: 标题下空一行, 顶格.
	if d.Addressee != "" {
		e.row++
		e.para(fangSong, addressee(d.Addressee), 0, 0)
	}
}

// signature: the issuing authority's name centred over the date, the date
// 右空四字, three lines below the body so that a 42 mm seal pressed on
// them starts within a line of the body.
func (e *engine) signature(d Doc) {
	if d.Signer == "" && d.Date.IsZero() {
		return
	}
	date := ""
	if !d.Date.IsZero() {
		date = cnDate(d.Date)
	}
	sig := e.row + 3
	if sig+2 > LinesPerPage {
		// No room for the signature: the end of the body goes over with
		// it, so that the seal never stands on a page alone (GB/T 9704
		// 7.3.5.1) — the last paragraph's last lines, at most two, never
		// more than that paragraph: the body before it stays on its page.
		e.carry(e.lastItemRows(2))
		sig = e.row + 3
	}
	e.bodyEnd = sig - 3
	right := Left + TypeW - 4*CharPitch
	dl := e.mkLine(fangSong, size3, date, 0, 0, bodyTC, sig+1)
	dl.x = right - (dl.w - dl.tc) // the spacing after the last character is not seen
	centre := right - (dl.w-dl.tc)/2
	if d.Signer != "" {
		e.item++
		l := e.put(fangSong, size3, d.Signer, 0, bodyTC, sig)
		l.x = min(centre-(l.w-l.tc)/2, Left+TypeW-(l.w-l.tc))
		if date == "" {
			centre = l.x + (l.w-l.tc)/2
		}
	}
	if date != "" {
		e.item++
		dl.item = e.item
		dl.y = baseline(sig+1, size3)
		e.cur().lines = append(e.cur().lines, dl)
	}
	e.out.seal = &seal{page: len(e.pages) - 1, cx: centre, cy: lineTop(sig) - 2, r: sealR}
	e.sigX = centre - sealR
	for _, l := range e.cur().lines {
		if l.row == sig || l.row == sig+1 {
			e.sigX = min(e.sigX, l.x)
		}
	}
	e.row = sig + 2 // the seal ends 1.5 mm above this line
}

// lastItemRows is how many of the page's last grid lines (up to the
// current row, at most n, at least 1) the last flow item set.
func (e *engine) lastItemRows(n int) int {
	p := e.cur()
	last := -1
	for _, l := range p.lines {
		if l.row == e.row-1 && l.item > 0 {
			last = l.item
		}
	}
	k := 1
	for k < n {
		used := false
		for _, l := range p.lines {
			if l.row == e.row-1-k && l.item == last {
				used = true
			}
		}
		if !used {
			break
		}
		k++
	}
	return k
}

// carry moves the last n grid lines of the page (up to the current row)
// to the top of a new page, with the rules on them; a table row is never
// split, and a rule on the cut is kept on both pages.
func (e *engine) carry(n int) {
	p := e.cur()
	from := max(e.row-n, 0)
	for from > 0 && crossed(p, lineTop(from)) {
		from--
	}
	for from > 0 && !rowUsed(p, from) {
		from++ // blank lines stay behind
	}
	if from <= 0 || from >= e.row {
		e.newPage()
		return
	}
	cut, end := lineTop(from), lineTop(e.row)
	shift := float64(from) * LinePitch
	np := &page{}
	var keep []line
	for _, l := range p.lines {
		if l.row >= from && l.row < e.row {
			l.row -= from
			l.y -= shift
			np.lines = append(np.lines, l)
		} else {
			keep = append(keep, l)
		}
	}
	p.lines = keep
	var keepR []rule
	for _, r := range p.rules {
		if r.y >= cut-0.01 && r.y <= end+0.01 {
			m := r
			m.y -= shift
			np.rules = append(np.rules, m)
			if r.y > cut+0.01 {
				continue
			}
		}
		keepR = append(keepR, r)
	}
	p.rules = keepR
	var keepV []vrule
	for _, r := range p.vrules {
		if r.y1 >= cut-0.01 && r.y2 <= end+0.01 {
			r.y1 -= shift
			r.y2 -= shift
			np.vrules = append(np.vrules, r)
			continue
		}
		keepV = append(keepV, r)
	}
	p.vrules = keepV
	e.pages = append(e.pages, np)
	e.row -= from
}

// crossed reports whether a vertical rule (a table row) runs across y.
func crossed(p *page, y float64) bool {
	for _, r := range p.vrules {
		if r.y1 < y-0.01 && r.y2 > y+0.01 {
			return true
		}
	}
	return false
}

func rowUsed(p *page, row int) bool {
	for _, l := range p.lines {
		if l.row == row {
			return true
		}
	}
	return false
}

// footer sets the verification QR code and the 版记 at the foot of the
// last page: the last rule on the type area's bottom edge.
func (e *engine) footer(d Doc) {
	e.item = 0 // the QR code and 版记 are not in the flow
	e.out.sigPage, e.out.sigEnd = len(e.pages)-1, e.row
	var cc []string
	if len(d.CC) > 0 {
		s := "抄送：" + strings.Join(d.CC, "，")
		if !strings.HasSuffix(s, "。") {
			s += "。"
		}
		em := size4 * ptMM
		cc = e.wrap(fangSong, size4, s, TypeW-2*em, TypeW-2*em-e.width(fangSong, size4, "抄送：", 0), 0)
	}
	printer := d.Printer != "" || !d.PrintDate.IsZero()
	rows := len(cc)
	if printer {
		rows++
	}
	qrRows := 0
	if d.Verify != nil {
		qrRows = 2
	}
	if rows+qrRows == 0 {
		return
	}
	first := LinesPerPage - rows
	qrText := []string{"核验码：", "扫描二维码核验本文件"}
	if d.Verify != nil {
		qrText[0] += d.Verify.Code
	}
	qrFrom := e.row // the QR code's rows are free from here
	if e.out.seal != nil && e.out.seal.page == len(e.pages)-1 {
		right := Left + qrMM + 3
		for _, s := range qrText {
			right = max(right, Left+qrMM+3+e.width(fangSong, size4, s, 0))
		}
		if right+2 < e.sigX {
			qrFrom = e.bodyEnd + 1
		}
	}
	if first < e.row || first-qrRows < qrFrom {
		e.newPage()
	}
	e.out.footPage, e.out.footRow, e.out.ccRows = len(e.pages)-1, first-qrRows, len(cc)
	p := e.cur()
	if d.Verify != nil {
		code, err := qr.Encode(d.Verify.URL, qr.M)
		if err == nil {
			top := lineTop(first - qrRows)
			p.qr = &qrMark{x: Left, y: top + (2*LinePitch-qrMM)/2, side: qrMM, code: code}
		}
		x := Left + qrMM + 3
		e.put(fangSong, size4, qrText[0], x, 0, first-2)
		e.put(fangSong, size4, qrText[1], x, 0, first-1)
	}
	if rows == 0 {
		return
	}
	em := size4 * ptMM
	p.rules = append(p.rules, rule{x1: Left, x2: Left + TypeW, y: lineTop(first), w: thickRule})
	for i, ln := range cc {
		x := Left + em
		if i > 0 {
			x += e.width(fangSong, size4, "抄送：", 0)
		}
		e.put(fangSong, size4, ln, x, 0, first+i)
	}
	if printer {
		r := LinesPerPage - 1
		if len(cc) > 0 {
			p.rules = append(p.rules, rule{x1: Left, x2: Left + TypeW, y: lineTop(r), w: thinRule})
		}
		if d.Printer != "" {
			e.put(fangSong, size4, d.Printer, Left+em, 0, r)
		}
		if !d.PrintDate.IsZero() {
			l := e.put(fangSong, size4, cnDate(d.PrintDate)+"印发", 0, 0, r)
			l.x = Left + TypeW - em - l.w
		}
	}
	p.rules = append(p.rules, rule{x1: Left, x2: Left + TypeW, y: Top + TypeH, w: thickRule})
}

// pageNumbers: 4号半角宋体阿拉伯数字 between two 一字线, the lines 7 mm below
// the type area; odd pages 右空一字, even pages 左空一字.
func (e *engine) pageNumbers() {
	em := size4 * ptMM
	y := Top + TypeH + pageNumBelow
	for i, p := range e.pages {
		num := strconv.Itoa(i + 1)
		l := e.mkLine(songTi, size4, num, 0, y+0.33*em, 0, -1)
		w := em + em/2 + l.w + em/2 + em // 一字线, gap, digits, gap, 一字线
		x := Left + em
		if (i+1)%2 == 1 {
			x = Left + TypeW - em - w
		}
		l.x = x + 1.5*em
		p.lines = append(p.lines, l)
		p.rules = append(p.rules,
			rule{x1: x, x2: x + em, y: y, w: thinRule},
			rule{x1: x + w - em, x2: x + w, y: y, w: thinRule})
	}
}
