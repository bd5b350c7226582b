package layout

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"rsc.io/qr"
)

// The layout engine places every line, rule and the QR code of a Doc on
// A4 pages in millimetres; the PDF and the HTML view draw what it placed,
// so both put every character at the same spot.

type span struct {
	face *face
	text string
	dx   float64 // from the line's x, mm
}

type line struct {
	row   int     // grid line 0..21, -1 when off the grid (mark, page number)
	x, y  float64 // left edge and baseline, mm
	w     float64 // set width, mm
	size  float64 // pt
	role  role
	tc    float64 // extra space after each character, mm
	tz    float64 // horizontal scale, percent
	red   bool
	bold  bool // 1. headings: 仿宋 made bold by stroking its outline
	text  string
	spans []span
}

type rule struct {
	x1, x2, y, w float64
	red          bool
}

type vrule struct{ x, y1, y2, w float64 }

type qrMark struct {
	x, y, side float64
	code       *qr.Code
}

type seal struct {
	page      int
	cx, cy, r float64
}

type page struct {
	lines  []line
	rules  []rule
	vrules []vrule
	qr     *qrMark
}

type laidOut struct {
	pages   []*page
	seal    *seal
	missing []rune
	// Where the flow stands after the signature, and where the QR code
	// and the 版记 begin (their first grid line), for the .docx to follow.
	sigPage, sigEnd   int
	footPage, footRow int
	ccRows            int
}

type engine struct {
	fs      *fontSet
	pages   []*page
	row     int
	missing map[rune]bool
	out     laidOut
	// After the signature: the first row below the body and the left
	// edge of the signature block and its seal (the QR code may share
	// rows with them, on the left).
	bodyEnd int
	bold    bool // the lines put now are bold
	sigX    float64
}

// advance widths in em, per face and rune.
var (
	advMu sync.Mutex
	advs  = map[*face]map[rune]float64{}
)

func advance(f *face, r rune) float64 {
	advMu.Lock()
	defer advMu.Unlock()
	m := advs[f]
	if m == nil {
		m = map[rune]float64{}
		advs[f] = m
	}
	if w, ok := m[r]; ok {
		return w
	}
	w := 1.0
	if f.load() == nil {
		var buf sfnt.Buffer
		upem := f.font.UnitsPerEm()
		if gi, err := f.font.GlyphIndex(&buf, r); err == nil && gi != 0 {
			if a, err := f.font.GlyphAdvance(&buf, gi, fixed.Int26_6(upem), font.HintingNone); err == nil {
				w = float64(a) / float64(upem)
			}
		}
	}
	m[r] = w
	return w
}

func (e *engine) face(ro role, r rune) *face {
	f := e.fs.faceFor(ro, r)
	if f == nil {
		e.missing[r] = true
		return e.fs.faces[ro]
	}
	return f
}

// width of s in role ro at size pt, with tc mm after each character.
func (e *engine) width(ro role, size float64, s string, tc float64) float64 {
	w := 0.0
	for _, r := range s {
		w += advance(e.face(ro, r), r)*size*ptMM + tc
	}
	return w
}

// mkLine sets s as one line starting at x with baseline y.
func (e *engine) mkLine(ro role, size float64, s string, x, y, tc float64, row int) line {
	l := line{row: row, x: x, y: y, size: size, role: ro, tc: tc, tz: 100, text: s}
	var cur *span
	dx := 0.0
	for _, r := range s {
		f := e.face(ro, r)
		if cur == nil || cur.face != f {
			l.spans = append(l.spans, span{face: f, dx: dx})
			cur = &l.spans[len(l.spans)-1]
		}
		cur.text += string(r)
		dx += advance(f, r)*size*ptMM + tc
	}
	l.w = dx
	return l
}

func (e *engine) cur() *page { return e.pages[len(e.pages)-1] }

func (e *engine) newPage() {
	e.pages = append(e.pages, &page{})
	e.row = 0
}

// need starts a new page unless n more grid lines fit on this one.
func (e *engine) need(n int) {
	if e.row+n > LinesPerPage {
		e.newPage()
	}
}

// put places a line on grid line row of the current page.
func (e *engine) put(ro role, size float64, s string, x, tc float64, row int) *line {
	l := e.mkLine(ro, size, s, x, baseline(row, size), tc, row)
	l.bold = e.bold
	p := e.cur()
	p.lines = append(p.lines, l)
	return &p.lines[len(p.lines)-1]
}

// Punctuation that may not begin a line (行首禁则) or end one (行尾禁则).
const (
	noStart = "，。、；：？！）》」』】〕〉”’…—·,.;:?!)]}%"
	noEnd   = "（《「『【〔〈“‘([{"
)

// wrap breaks s into lines: the first first mm wide, the others rest mm,
// each character followed by tc mm. Runs of Latin letters and digits are
// kept whole when they fit a line.
func (e *engine) wrap(ro role, size float64, s string, first, rest, tc float64) []string {
	type unit struct {
		s string
		w float64
	}
	var units []unit
	rs := []rune(s)
	for i := 0; i < len(rs); {
		j := i + 1
		if isWordRune(rs[i]) {
			for j < len(rs) && isWordRune(rs[j]) {
				j++
			}
		}
		u := string(rs[i:j])
		w := e.width(ro, size, u, tc)
		if j-i > 1 && w > rest {
			j = i + 1
			u = string(rs[i:j])
			w = e.width(ro, size, u, tc)
		}
		units = append(units, unit{u, w})
		i = j
	}
	var lines []string
	avail := first
	for len(units) > 0 {
		n, w := 0, 0.0
		for n < len(units) && w+units[n].w <= avail+0.01 {
			w += units[n].w
			n++
		}
		if n == 0 {
			n = 1
		}
		if n < len(units) {
			// 禁则: pull the character before a closing mark down with it,
			// and never end a line on an opening mark.
			for n > 1 && strings.Contains(noStart, firstRune(units[n].s)) {
				n--
			}
			for n > 1 && strings.Contains(noEnd, lastRune(units[n-1].s)) {
				n--
			}
		}
		var b strings.Builder
		for _, u := range units[:n] {
			b.WriteString(u.s)
		}
		lines = append(lines, b.String())
		units = units[n:]
		avail = rest
	}
	if len(lines) == 0 {
		lines = []string{""}
	}
	return lines
}

// widestWord is the width of the widest run of Latin letters and digits
// in s (what wrap keeps whole).
func (e *engine) widestWord(ro role, size float64, s string) float64 {
	w := 0.0
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		if !isWordRune(rs[i]) {
			continue
		}
		j := i + 1
		for j < len(rs) && isWordRune(rs[j]) {
			j++
		}
		w = max(w, e.width(ro, size, string(rs[i:j]), 0))
		i = j
	}
	return w
}

func isWordRune(r rune) bool {
	return r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.' || r == '-' || r == '/' || r == '_' || r == ':' || r == '%')
}

func firstRune(s string) string {
	_, n := utf8.DecodeRuneInString(s)
	return s[:n]
}

func lastRune(s string) string {
	_, n := utf8.DecodeLastRuneInString(s)
	return s[len(s)-n:]
}

// bodyTC is the spacing that puts 28 characters of 3号 in 156 mm.
var bodyTC = CharPitch - size3*ptMM

// para sets a paragraph on the grid: indent characters in on its first
// line, hang characters in on the others, justified but for its last line.
func (e *engine) para(ro role, s string, indent, hang float64) {
	first := TypeW - indent*CharPitch
	rest := TypeW - hang*CharPitch
	lines := e.wrap(ro, size3, s, first, rest, bodyTC)
	for i, ln := range lines {
		e.need(1)
		x, avail := Left+hang*CharPitch, rest
		if i == 0 {
			x, avail = Left+indent*CharPitch, first
		}
		tc := bodyTC
		if i < len(lines)-1 {
			if n := utf8.RuneCountInString(ln); n > 0 {
				nat := e.width(ro, size3, ln, 0)
				tc = (avail - nat) / float64(n)
			}
		}
		e.put(ro, size3, ln, x, tc, e.row)
		e.row++
	}
}

// Chinese date as GB/T 9704-2012 prints it: 2026年12月7日.
func cnDate(t time.Time) string {
	return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
}

func cnNum(n int) string {
	d := []string{"", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	switch {
	case n <= 0:
		return strconv.Itoa(n)
	case n < 10:
		return d[n]
	case n < 20:
		return "十" + d[n%10]
	case n < 100:
		return d[n/10] + "十" + d[n%10]
	}
	return strconv.Itoa(n)
}

var headingPrefix = map[BlockKind]*regexp.Regexp{
	Heading1: regexp.MustCompile(`^[一二三四五六七八九十百]+、`),
	Heading2: regexp.MustCompile(`^（[一二三四五六七八九十百]+）`),
	Heading3: regexp.MustCompile(`^[0-9]+[.．]`),
	Heading4: regexp.MustCompile(`^（[0-9]+）`),
}

var headingRole = map[BlockKind]role{Heading1: heiTi, Heading2: kaiTi, Heading3: fangSong, Heading4: fangSong}

// lay places d on pages.
func lay(d Doc) (*laidOut, error) {
	fs := loadedFonts()
	if fs.err != nil {
		return nil, fs.err
	}
	d = clean(d)
	e := &engine{fs: fs, missing: map[rune]bool{}}
	e.newPage()
	e.head(d)
	e.body(d)
	e.attachments(d)
	e.signature(d)
	e.footer(d)
	e.pageNumbers()
	for r := range e.missing {
		if !unicode.IsSpace(r) {
			e.out.missing = append(e.out.missing, r)
		}
	}
	sort.Slice(e.out.missing, func(i, j int) bool { return e.out.missing[i] < e.out.missing[j] })
	e.out.pages = e.pages
	return &e.out, nil
}

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

// firstRowBelow is the first grid line whose top is at or below y.
func firstRowBelow(y float64) int {
	i := 0
	for lineTop(i) < y-0.01 {
		i++
	}
	return i
}

func (e *engine) body(d Doc) {
	walkBody(d.Body, e.table, func(ro role, text string, bold bool) {
		e.bold = bold
		e.para(ro, text, 2, 0)
		e.bold = false
	})
}

// walkBody hands the body over block by block: tables whole, headings
// numbered, paragraphs split at line breaks.
func walkBody(body []Block, table func([][]string), para func(ro role, text string, bold bool)) {
	var n [4]int
	for _, b := range body {
		switch b.Kind {
		case Table:
			table(b.Rows)
		case Heading1, Heading2, Heading3, Heading4:
			lvl := int(b.Kind - Heading1)
			n[lvl]++
			for k := lvl + 1; k < 4; k++ {
				n[k] = 0
			}
			para(headingRole[b.Kind], headingText(b, n[lvl]), b.Kind == Heading3)
		default:
			for _, p := range strings.Split(b.Text, "\n") {
				if p = strings.TrimSpace(p); p != "" {
					para(fangSong, p, false)
				}
			}
		}
	}
}

// addressee ends the 主送机关 with a full-width colon.
func addressee(a string) string {
	if !strings.HasSuffix(a, "：") && !strings.HasSuffix(a, ":") {
		a += "："
	}
	return a
}

// table sets rows in 4号 with ruled cells the width of the type area, the
// first row (a header, in 黑体) repeated on every page the table runs on.
func (e *engine) table(rows [][]string) {
	ncol := 0
	for _, r := range rows {
		ncol = max(ncol, len(r))
	}
	if ncol == 0 {
		return
	}
	const pad = 1.5
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
	type setRow struct {
		cells [][]string
		h     int
		ro    role
	}
	set := make([]setRow, len(rows))
	for i, r := range rows {
		ro := fangSong
		if i == 0 {
			ro = heiTi
		}
		sr := setRow{cells: make([][]string, ncol), h: 1, ro: ro}
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
	// draw sets lines [from, to) of a row's cells as one ruled row.
	draw := func(sr setRow, from, to int) {
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
		if e.row+sr.h > LinesPerPage && sr.h <= LinesPerPage-set[0].h {
			e.newPage()
			header(i)
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

// attachments: 正文下空一行左空二字 "附件："; several are numbered, their
// names aligned under the first.
func (e *engine) attachments(d Doc) {
	if len(d.Attachments) == 0 {
		return
	}
	e.row++
	for i, a := range d.Attachments {
		label := "附件："
		if i > 0 {
			label = ""
		}
		num := ""
		if len(d.Attachments) > 1 {
			num = strconv.Itoa(i+1) + "."
		}
		hang := 2 + 3 + e.width(fangSong, size3, num, bodyTC)/CharPitch
		first := TypeW - 5*CharPitch
		lines := e.wrap(fangSong, size3, num+a, first, TypeW-hang*CharPitch, bodyTC)
		for k, ln := range lines {
			e.need(1)
			x := Left + hang*CharPitch
			if k == 0 {
				x = Left + 5*CharPitch
				if label != "" {
					e.put(fangSong, size3, label, Left+2*CharPitch, bodyTC, e.row)
				}
			}
			e.put(fangSong, size3, ln, x, bodyTC, e.row)
			e.row++
		}
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
		// No room for the signature: the last two lines of the body go
		// over with it, so that the seal never stands on a page alone.
		e.carry(2)
		sig = e.row + 3
	}
	e.bodyEnd = sig - 3
	right := Left + TypeW - 4*CharPitch
	dl := e.mkLine(fangSong, size3, date, 0, 0, bodyTC, sig+1)
	dl.x = right - (dl.w - dl.tc) // the spacing after the last character is not seen
	centre := right - (dl.w-dl.tc)/2
	if d.Signer != "" {
		l := e.put(fangSong, size3, d.Signer, 0, bodyTC, sig)
		l.x = min(centre-(l.w-l.tc)/2, Left+TypeW-(l.w-l.tc))
		if date == "" {
			centre = l.x + (l.w-l.tc)/2
		}
	}
	if date != "" {
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

// allRunes is every printed character of d, for Missing without fonts.
func allRunes(d Doc) []rune {
	seen := map[rune]bool{}
	add := func(s string) {
		for _, r := range s {
			if !unicode.IsSpace(r) {
				seen[r] = true
			}
		}
	}
	add(d.Authority + d.Number + d.Copy + d.Secret + d.Urgency + d.Title + d.Addressee + d.Signer + d.Printer)
	for _, b := range d.Body {
		add(b.Text)
		for _, r := range b.Rows {
			add(strings.Join(r, ""))
		}
	}
	add(strings.Join(d.Attachments, "") + strings.Join(d.CC, ""))
	if d.Verify != nil {
		add(d.Verify.Code)
	}
	out := make([]rune, 0, len(seen))
	for r := range seen {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// clean drops control characters (but line breaks in body paragraphs) and
// turns tabs into spaces: they have no glyph and print nothing.
func clean(d Doc) Doc {
	c := func(s string) string {
		return strings.Map(func(r rune) rune {
			switch {
			case r == '\t':
				return ' '
			case r == '\n':
				return r
			case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
				return -1
			}
			return r
		}, s)
	}
	one := func(s string) string { return strings.ReplaceAll(c(s), "\n", " ") }
	d.Kind, d.Authority, d.Number, d.Copy, d.Secret, d.Urgency = one(d.Kind), one(d.Authority), one(d.Number), one(d.Copy), one(d.Secret), one(d.Urgency)
	d.Title, d.Addressee, d.Signer, d.Printer = c(d.Title), one(d.Addressee), one(d.Signer), one(d.Printer)
	body := make([]Block, len(d.Body))
	for i, b := range d.Body {
		b.Text = c(b.Text)
		if b.Kind != Para {
			b.Text = one(b.Text)
		}
		rows := make([][]string, len(b.Rows))
		for j, r := range b.Rows {
			rows[j] = make([]string, len(r))
			for k, cell := range r {
				rows[j][k] = one(cell)
			}
		}
		b.Rows = rows
		body[i] = b
	}
	d.Body = body
	list := func(l []string) []string {
		out := make([]string, len(l))
		for i, s := range l {
			out[i] = one(s)
		}
		return out
	}
	d.Attachments, d.CC = list(d.Attachments), list(d.CC)
	if d.Verify != nil {
		v := *d.Verify
		v.Code = one(v.Code)
		d.Verify = &v
	}
	return d
}

// shareWidths gives columns total width in proportion to their natural
// widths nat; a column up to narrow wide keeps its natural width whole.
func shareWidths(nat []float64, total, narrow float64) []float64 {
	least := make([]float64, len(nat))
	for j := range least {
		least[j] = narrow
	}
	return shareWidthsAtLeast(nat, least, total)
}

// shareWidthsAtLeast is shareWidths with each column's own narrowest
// width least[j].
func shareWidthsAtLeast(nat, least []float64, total float64) []float64 {
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
