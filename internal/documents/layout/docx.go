package layout

import (
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"
)

// The .docx is WordprocessingML written by hand from what the engine laid
// out: the page and margins of GB/T 9704-2012, every line an exact grid
// line, the runs in the fonts the PDF sets them in (docxfonts.go), the red
// mark, the red rule as the 发文字号 paragraph's bottom border, page numbers
// in odd and even footers, the tables with the engine's column widths and
// row heights, and a page break wherever the engine broke the page, so that
// Word, WPS and LibreOffice set the same lines on the same pages as the
// PDF. The QR code and the 版记 close the last page as in the PDF.
//
// docx below is the document's outline; this file writes the flow (title,
// body, tables, attachments), docx_furniture.go the page furniture (版头,
// red rule, signature, QR code and 版记, page setup) and docx_package.go
// the zip with its styles and footers.

// Office font names per role, as Word knows them.
var docxFont = [numRoles]string{"仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312", "宋体"}

// twips (1/20 pt) in a millimetre.
const twMM = 1440 / 25.4

// linePitchTw is the exact line height: 579 twips (28.95 pt), rounded down
// from 225/22 mm so that 22 lines fit in the 225 mm (580 would not).
var linePitchTw = int(math.Floor(TypeH / LinesPerPage * twMM))

// bodySpacingTw tightens 3号 characters so that 28 fit in 156 mm: -5
// twips (-0.25 pt) a character; -4 would leave them 0.07 mm too wide.
const bodySpacingTw = -5

// charSpace is the document grid's character pitch, 156/28 mm, as Word
// writes it: the pitch less the default size (3号, 16 pt) in 1/4096 pt.
var charSpace = int(math.Round((TypeW/CharsPerLine/ptMM - size3) * 4096))

// The paragraph after the 版记's table is afterTableTw high; the table's
// last row is blockSlackTw short of the grid: that paragraph and the three
// rules (at most 1 pt each), so that the block never spills over the page.
// cellMarTw is a table cell's left and right margin: 54 twips (0.95 mm),
// a little under the engine's cellPad (1 mm), so that a column the engine made
// just wide enough for its widest text is not narrower here by rounding.
const cellMarTw = 54

// cellMar sets them on each table: LibreOffice does not take them from
// the default table style.
var cellMar = fmt.Sprintf(`<w:tblCellMar><w:left w:w="%[1]d" w:type="dxa"/><w:right w:w="%[1]d" w:type="dxa"/></w:tblCellMar>`, cellMarTw)

// cellLineTw is a table cell's line height: a little under the grid's,
// so that a row whose cells wrap as the engine's do (their lines plus the
// rule LibreOffice adds) is no higher than the engine's, its minimum.
var cellLineTw = linePitchTw - 40

const (
	afterTableTw = 2
	blockSlackTw = afterTableTw + 3*20
)

func tw(mm float64) int { return int(math.Round(mm * twMM)) }

type wdoc struct {
	b     strings.Builder
	fonts *docxFonts
	lo    *laidOut // what the engine laid out, nil without fonts
	item  int      // the flow item being written (see line.item)
	// tableLast: the last thing written is a table (two tables in a row
	// would merge into one in Word and LibreOffice).
	tableLast bool
}

type wpara struct {
	role    role
	halfPt  int
	jc      string // left, center, right, both
	text    string
	red     bool
	bold    bool
	scale   int    // character width percent (w:w), 0 for 100
	ppr     string // framePr, pBdr, tabs (XML, in that order)
	ind     string // w:ind (XML)
	exactTw int    // exact line height, 0 for one grid line
	noSnap  bool   // off the document grid (an exact height of its own)
	// A page break where the engine breaks the page: before the paragraph,
	// or after brkAt characters of its text.
	brkBefore bool
	brkAt     int
	contInd   string // w:ind of the lines after the first (for a cut paragraph)
}

// flowBreak sets p's page break where the engine broke the page in flow
// item w.item.
func (w *wdoc) flowBreak(p *wpara) {
	if w.lo == nil {
		return
	}
	if at, ok := w.lo.breaks[w.item]; ok {
		p.brkBefore, p.brkAt = at == 0, at
	}
}

func (w *wdoc) p(p wpara) {
	h := p.exactTw
	if h == 0 {
		h = linePitchTw
	}
	w.tableLast = false
	if rs := []rune(p.text); p.brkAt > 0 && p.brkAt < len(rs) {
		// The page breaks inside the paragraph: it is cut in two there,
		// the second part on the next page without the first line's
		// indent (LibreOffice indents text after a page break inside a
		// paragraph; Word does not).
		first, rest := p, p
		first.text, first.brkAt = string(rs[:p.brkAt]), 0
		rest.text, rest.brkAt, rest.brkBefore, rest.ind = string(rs[p.brkAt:]), 0, true, p.contInd
		w.p(first)
		w.p(rest)
		return
	}
	// The schema orders the paragraph properties: Word refuses others.
	w.b.WriteString(`<w:p><w:pPr>`)
	if p.brkBefore {
		w.b.WriteString(`<w:pageBreakBefore/>`)
	}
	w.b.WriteString(p.ppr)
	// No automatic space between Chinese and Latin text: the engine sets none.
	w.b.WriteString(`<w:autoSpaceDE w:val="0"/><w:autoSpaceDN w:val="0"/>`)
	if p.noSnap {
		w.b.WriteString(`<w:snapToGrid w:val="0"/>`)
	}
	fmt.Fprintf(&w.b, `<w:spacing w:before="0" w:after="0" w:line="%d" w:lineRule="exact"/>%s`, h, p.ind)
	if p.jc != "" {
		fmt.Fprintf(&w.b, `<w:jc w:val="%s"/>`, p.jc)
	}
	w.b.WriteString(`</w:pPr>`)
	if p.text != "" {
		w.run(p, p.text)
	}
	w.b.WriteString(`</w:p>`)
}

func (w *wdoc) run(p wpara, text string) {
	for _, piece := range w.fonts.split(p.role, text) {
		w.piece(p, piece.font, piece.text)
	}
}

// piece is one run: text in font f.
func (w *wdoc) piece(p wpara, f, text string) {
	f = html.EscapeString(f)
	sz := p.halfPt
	if sz == 0 {
		sz = 32
	}
	fmt.Fprintf(&w.b, `<w:r><w:rPr><w:rFonts w:ascii="%[1]s" w:hAnsi="%[1]s" w:eastAsia="%[1]s" w:cs="%[1]s" w:hint="eastAsia"/>`, f)
	if p.bold {
		w.b.WriteString(`<w:b/><w:bCs/>`)
	}
	if p.red {
		w.b.WriteString(`<w:color w:val="FF0000"/>`)
	}
	if sz == 32 {
		fmt.Fprintf(&w.b, `<w:spacing w:val="%d"/>`, bodySpacingTw)
	}
	if p.scale != 0 && p.scale != 100 {
		fmt.Fprintf(&w.b, `<w:w w:val="%d"/>`, p.scale)
	}
	fmt.Fprintf(&w.b, `<w:sz w:val="%d"/><w:szCs w:val="%d"/></w:rPr>`, sz, sz)
	for i, part := range strings.Split(text, "\t") {
		if i > 0 {
			w.b.WriteString(`<w:tab/>`)
		}
		if part = strings.Map(xmlChar, part); part != "" {
			fmt.Fprintf(&w.b, `<w:t xml:space="preserve">%s</w:t>`, strings.ReplaceAll(html.EscapeString(noBreakHyphens(part)), "\u2011", `</w:t><w:noBreakHyphen/><w:t xml:space="preserve">`))
		}
	}
	w.b.WriteString(`</w:r>`)
}

func (w *wdoc) blank(n int) {
	for range n {
		w.p(wpara{})
	}
}

// xmlChar drops the characters XML 1.0 cannot carry.
func xmlChar(r rune) rune {
	if r < 0x20 || (r >= 0xD800 && r <= 0xDFFF) || r == 0xFFFE || r == 0xFFFF {
		return -1
	}
	return r
}

// chars is a text's width in characters of its size (half-width Latin
// letters and digits count a half).
func chars(s string) float64 {
	n := 0.0
	for _, r := range s {
		if r < 0x80 {
			n += 0.5
		} else {
			n++
		}
	}
	return n
}

// docx writes d in the order GB/T 9704-2012 sets its parts.
func docx(d Doc) ([]byte, error) {
	d = clean(d)
	w := wdoc{fonts: newDocxFonts()}
	if w.fonts.fs != nil {
		lo, err := lay(d)
		if err != nil {
			return nil, err
		}
		w.lo = lo
	}
	w.head(d)
	w.title(d)
	w.body(d)
	w.attachments(d)
	qrCode, share := w.qrCode(d)
	sigEnd := w.signature(d, share)
	w.colophon(d, qrCode, share, sigEnd)
	w.sectPr()
	return w.pack(d, qrCode)
}

// title writes the 标题 and the 主送机关.
func (w *wdoc) title(d Doc) {
	for _, t := range strings.Split(d.Title, "\n") {
		w.p(wpara{role: xiaoBiaoSong, halfPt: 44, jc: "center", text: t})
	}
	if d.Addressee != "" {
		w.blank(1)
		w.p(wpara{role: fangSong, jc: "both", text: addressee(d.Addressee)})
	}
}

// body writes the 正文: paragraphs, headings and tables, each breaking
// the page where the engine broke it.
func (w *wdoc) body(d Doc) {
	indent := `<w:ind w:firstLineChars="200" w:firstLine="640"/>`
	walkBody(d.Body, func(rows [][]string) {
		w.item++
		w.table(rows)
	}, func(ro role, text string, bold, _ bool) {
		w.item++
		p := wpara{role: ro, jc: "both", text: text, ind: indent, bold: bold, contInd: `<w:ind w:firstLine="0"/>`}
		w.flowBreak(&p)
		w.p(p)
	})
}

// attachments writes the 附件说明, the first line after 附件：, the others
// aligned with it.
func (w *wdoc) attachments(d Doc) {
	if len(d.Attachments) == 0 {
		return
	}
	w.blank(1)
	for i, a := range d.Attachments {
		text := a
		if len(d.Attachments) > 1 {
			text = strconv.Itoa(i+1) + "." + a
		}
		w.item++
		cont := `<w:ind w:left="1600" w:leftChars="500"/>`
		p := wpara{role: fangSong, text: text, ind: cont, contInd: cont}
		w.flowBreak(&p)
		if i == 0 {
			p.text, p.ind = "附件："+text, `<w:ind w:left="1600" w:leftChars="500" w:hanging="960" w:hangingChars="300"/>`
			if p.brkAt > 0 {
				p.brkAt += 3 // the engine sets 附件： apart
			}
		}
		w.p(p)
	}
}

// table: ruled, as wide as the type area, the first row a header in 黑体
// repeated on every page.
func (w *wdoc) table(rows [][]string) {
	ncol := 0
	for _, r := range rows {
		ncol = max(ncol, len(r))
	}
	if ncol == 0 {
		return
	}
	nat := make([]float64, ncol)
	for _, r := range rows {
		for j, c := range r {
			nat[j] = max(nat[j], chars(c)+0.6, 2.6)
		}
	}
	widths := make([]int, ncol)
	for j := range nat {
		nat[j] *= 280 // a 4号 character in twips
	}
	for j, v := range shareWidths(nat, float64(tw(TypeW)), 4.6*280) {
		widths[j] = int(v)
	}
	// The engine's columns and row heights, when it laid the table out:
	// the cells then wrap where the PDF's do and the rows are as high.
	var heights []int
	if w.lo != nil && len(w.lo.tableWidths[w.item]) == ncol {
		for j, mm := range w.lo.tableWidths[w.item] {
			widths[j] = tw(mm)
		}
		heights = w.lo.tableRows[w.item]
	}
	b := &w.b
	var brk wpara
	if w.flowBreak(&brk); brk.brkBefore || w.tableLast {
		// The engine begins the table on a new page, or it follows another
		// table: a paragraph of next to no height carries the break, or
		// keeps the two apart.
		w.p(wpara{brkBefore: brk.brkBefore, exactTw: afterTableTw, noSnap: true})
	}
	fmt.Fprintf(b, `<w:tbl><w:tblPr><w:tblW w:w="%d" w:type="dxa"/><w:jc w:val="center"/><w:tblBorders>`, tw(TypeW))
	for _, side := range []string{"top", "left", "bottom", "right", "insideH", "insideV"} {
		fmt.Fprintf(b, `<w:%s w:val="single" w:sz="6" w:space="0" w:color="000000"/>`, side)
	}
	b.WriteString(`</w:tblBorders><w:tblLayout w:type="fixed"/>` + cellMar + `</w:tblPr><w:tblGrid>`)
	for _, v := range widths {
		fmt.Fprintf(b, `<w:gridCol w:w="%d"/>`, v)
	}
	b.WriteString(`</w:tblGrid>`)
	for i, r := range rows {
		b.WriteString(`<w:tr><w:trPr>`)
		if i < len(heights) {
			// LibreOffice adds the table's top rule (0.75 pt) to the first
			// row's height: it is that much shorter.
			h := heights[i] * linePitchTw
			if i == 0 {
				h -= 15
			}
			// At least as high: a cell LibreOffice wraps where the engine
			// does not (it spaces Chinese from Latin text) makes its row
			// grow instead of losing its last line.
			fmt.Fprintf(b, `<w:trHeight w:val="%d" w:hRule="atLeast"/>`, h)
		}
		if i == 0 {
			b.WriteString(`<w:tblHeader/>`)
		}
		b.WriteString(`</w:trPr>`)
		ro := fangSong
		if i == 0 {
			ro = heiTi
		}
		for j := range ncol {
			c := ""
			if j < len(r) {
				c = r[j]
			}
			fmt.Fprintf(b, `<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/></w:tcPr>`, widths[j])
			w.p(wpara{role: ro, halfPt: 28, text: c, exactTw: cellLineTw})
			b.WriteString(`</w:tc>`)
		}
		b.WriteString(`</w:tr>`)
	}
	b.WriteString(`</w:tbl>`)
	w.tableLast = true
}

// headingText puts the level's number before a heading that has none.
func headingText(b Block, n int) string {
	text := strings.TrimSpace(b.Text)
	if headingPrefix[b.Kind].MatchString(text) {
		return text
	}
	switch b.Kind {
	case Heading1:
		return cnNum(n) + "、" + text
	case Heading2:
		return "（" + cnNum(n) + "）" + text
	case Heading3:
		return strconv.Itoa(n) + "." + text
	}
	return "（" + strconv.Itoa(n) + "）" + text
}

// noBreakHyphens marks the hyphens inside runs of Latin letters and
// digits (2026-11-13, MEUE-P7FR) as non-breaking (U+2011, written as
// w:noBreakHyphen): the engine keeps such runs whole, and so must Word.
func noBreakHyphens(s string) string {
	rs := []rune(s)
	for i := 1; i+1 < len(rs); i++ {
		if rs[i] == '-' && isWordRune(rs[i-1]) && isWordRune(rs[i+1]) {
			rs[i] = '\u2011'
		}
	}
	return string(rs)
}
