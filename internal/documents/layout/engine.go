package layout

import (
	"sort"
	"strconv"
	"strings"
	"sync"
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
	// outline: one character beyond U+FFFF (which fpdf cannot encode) or
	// from a face that is not a chosen TrueType face (a CFF fallback such
	// as Noto CJK, which fpdf cannot embed): drawn as its glyph's outline.
	outline bool
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
	// The flow item (a body paragraph or heading, table, attachment,
	// signer or date, numbered from 1 as the .docx writes them; 0 for the
	// rest) and which of its lines this is.
	item, part int
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
	// breaks: the flow items a page begins in, and at which character of
	// the item's text (0: the item starts the page). Tables are not in it.
	breaks map[int]int
	// tableWidths: the column widths (mm) of the table items.
	tableWidths map[int][]float64
	// tableRows: the height of each row of the table items, in grid lines.
	tableRows map[int][]int
	// tableStart: the page each table item begins on.
	tableStart map[int]int
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
	// The flow item being set and the line of it (see line.item).
	item, part int
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
		// fpdf sets basic-plane characters of the chosen TrueType faces;
		// any other is drawn as its outline, one character a span.
		outline := r > 0xFFFF || !e.fs.chosen(f)
		if cur == nil || cur.face != f || outline || cur.outline {
			l.spans = append(l.spans, span{face: f, dx: dx, outline: outline})
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
	l.item, l.part = e.item, e.part
	p := e.cur()
	p.lines = append(p.lines, l)
	return &p.lines[len(p.lines)-1]
}

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
	e.findBreaks()
	return &e.out, nil
}

// firstRowBelow is the first grid line whose top is at or below y.
func firstRowBelow(y float64) int {
	i := 0
	for lineTop(i) < y-0.01 {
		i++
	}
	return i
}

// flowItem is a body item as walkBody hands it over.
type flowItem struct {
	table         bool
	rows          [][]string
	ro            role
	text          string
	bold, heading bool
}

func (e *engine) body(d Doc) {
	var items []flowItem
	walkBody(d.Body, func(rows [][]string) {
		items = append(items, flowItem{table: true, rows: rows})
	}, func(ro role, text string, bold, heading bool) {
		items = append(items, flowItem{ro: ro, text: text, bold: bold, heading: heading})
	})
	for i, it := range items {
		e.item++
		if it.table {
			e.table(it.rows)
			continue
		}
		// A heading keeps with what follows: it begins a new page unless
		// the next paragraph's first two lines (or the table's header and
		// first row) fit below it.
		if n := e.keep(items, i); it.heading && e.row > 0 && e.row+n > LinesPerPage && n <= LinesPerPage {
			e.newPage()
		}
		e.bold = it.bold
		e.para(it.ro, it.text, 2, 0)
		e.bold = false
	}
}

// keep is the grid lines heading items[i] needs on its page: its own and
// the start of what follows it (see body).
func (e *engine) keep(items []flowItem, i int) int {
	it := items[i]
	if it.table {
		_, set := e.tableSet(it.rows)
		n := 0
		for _, r := range set[:min(2, len(set))] {
			n += r.h
		}
		return n
	}
	n := len(e.wrap(it.ro, size3, it.text, TypeW-2*CharPitch, TypeW, bodyTC))
	if !it.heading {
		return min(2, n)
	}
	if i+1 < len(items) {
		n += e.keep(items, i+1)
	}
	return n
}

// walkBody hands the body over block by block: tables whole, headings
// numbered, paragraphs split at line breaks.
func walkBody(body []Block, table func([][]string), para func(ro role, text string, bold, heading bool)) {
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
			para(headingRole[b.Kind], headingText(b, n[lvl]), b.Kind == Heading3, true)
		default:
			for _, p := range strings.Split(b.Text, "\n") {
				if p = strings.TrimSpace(p); p != "" {
					para(fangSong, p, false, false)
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
		e.item++
		for k, ln := range lines {
			e.part = k
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
	e.part = 0
}

// findBreaks notes for the .docx where each page after the first begins
// in the flow: the item and character of its first line (see laidOut.breaks).
func (e *engine) findBreaks() {
	e.out.breaks = map[int]int{}
	for i, p := range e.pages[1:] {
		var first *line
		for i := range p.lines {
			l := &p.lines[i]
			if l.item > 0 && (first == nil || l.row < first.row) {
				first = l
			}
		}
		if first == nil {
			continue
		}
		if _, ok := e.out.tableWidths[first.item]; ok {
			// A table breaks before it, not where it runs on.
			if e.out.tableStart[first.item] == i+1 {
				e.out.breaks[first.item] = 0
			}
			continue
		}
		at := 0
		for _, q := range e.pages {
			for _, l := range q.lines {
				if l.item == first.item && l.part < first.part {
					at += utf8.RuneCountInString(l.text)
				}
			}
		}
		e.out.breaks[first.item] = at
	}
}
