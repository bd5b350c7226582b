package layout

import (
	"archive/zip"
	"bytes"
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"

	"rsc.io/qr"
)

// The .docx is WordprocessingML written by hand from what the engine laid
// out: the page and margins of GB/T 9704-2012, every line an exact grid
// line, the runs in the fonts the PDF sets them in (docxfonts.go), the red
// mark, the red rule as the 发文字号 paragraph's bottom border, page numbers
// in odd and even footers, the tables with the engine's column widths and
// row heights, and a page break wherever the engine broke the page, so that
// Word, WPS and LibreOffice set the same lines on the same pages as the
// PDF. The QR code and the 版记 close the last page as in the PDF.

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
	body := &w.b
	// 版头: 份号, 密级, 紧急程度 on the first lines, then the mark with its
	// top edge 35 mm under the type area's top.
	rows := 0
	if d.Copy != "" {
		w.p(wpara{role: fangSong, text: d.Copy})
		rows++
	}
	for _, s := range []string{d.Secret, d.Urgency} {
		if s != "" {
			w.p(wpara{role: heiTi, text: s})
			rows++
		}
	}
	// The mark's line is 3 mm taller than its characters (an exact line
	// height clips what exceeds it), centred on where the PDF has them.
	const markPad = 1.5
	w.p(wpara{exactTw: max(1, tw(markTop-float64(rows)*LinePitch-markPad)), noSnap: true})
	markBottom := Top + markTop
	if d.Authority != "" {
		scale := 100
		if n := chars(d.Authority) * markMM; n > TypeW {
			scale = int(100 * TypeW / n)
		}
		w.p(wpara{role: xiaoBiaoSong, halfPt: int(math.Round(2 * markMM / ptMM)), jc: "center", text: d.Authority, red: true, scale: scale, exactTw: tw(markMM + 2*markPad), noSnap: true})
		markBottom += markMM
	}
	numRow := firstRowBelow(markBottom) + 2
	w.p(wpara{exactTw: max(1, tw(lineTop(numRow)-markBottom-markPad)), noSnap: true})
	// 发文字号 centred, the red rule 4 mm under it as a bottom border.
	bsz, bspace := int(math.Round(ruleWidth/ptMM*8)), int(math.Round((ruleBelow-(LinePitch-size3*ptMM)/2)/ptMM))
	border := fmt.Sprintf(`<w:pBdr><w:bottom w:val="single" w:sz="%d" w:space="%d" w:color="FF0000"/></w:pBdr>`, bsz, bspace)
	w.p(wpara{role: fangSong, jc: "center", text: d.Number, ppr: border})
	// The border adds its space and width under the paragraph: the next
	// line is that much shorter, so the title stays on the grid, after two
	// blank lines below the rule (the grid line the PDF uses).
	blanks := firstRowBelow(baseline(numRow, size3)+0.12*size3*ptMM+ruleBelow+ruleWidth/2) + 2 - numRow - 1
	w.p(wpara{exactTw: linePitchTw - (bspace*20 + bsz*20/8), noSnap: true})
	w.blank(blanks - 1)
	for _, t := range strings.Split(d.Title, "\n") {
		w.p(wpara{role: xiaoBiaoSong, halfPt: 44, jc: "center", text: t})
	}
	if d.Addressee != "" {
		w.blank(1)
		w.p(wpara{role: fangSong, jc: "both", text: addressee(d.Addressee)})
	}
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
	if len(d.Attachments) > 0 {
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
	// In the PDF the QR code may stand beside the signature, on its left:
	// then its two lines of text begin those rows here too, the code itself
	// floating at their left.
	share := w.lo != nil && d.Verify != nil && w.lo.footPage == w.lo.sigPage && w.lo.footRow < w.lo.sigEnd
	var qrCode *qr.Code
	if d.Verify != nil {
		if code, err := qr.Encode(d.Verify.URL, qr.M); err == nil {
			qrCode = code
		}
	}
	if qrCode == nil {
		share = false
	}
	sigEnd := 0
	if d.Signer != "" || !d.Date.IsZero() {
		date := ""
		if !d.Date.IsZero() {
			date = cnDate(d.Date)
		}
		// The rows from the body's end: three blank, the signer, the date.
		type row struct {
			text    string
			rightTw int // from the type area's right edge
		}
		rows := []row{{}, {}, {}, {}, {date, 1280}}
		if d.Signer != "" {
			right := max(0, 4+(chars(date)-chars(d.Signer))/2)
			rows[3] = row{d.Signer, int(right * 320)}
		}
		q := -1 // the QR code's first row, counted from the body's end
		if share {
			q = w.lo.footRow - (w.lo.sigEnd - 5)
			for len(rows) < q+2 {
				rows = append(rows, row{})
			}
		}
		for i, r := range rows {
			var p wpara
			if i == 0 {
				// A page break before the signature goes before its blank lines.
				w.item++
				w.flowBreak(&p)
				p.brkAt = 0
				w.item--
			}
			if (i == 3 && d.Signer != "") || (i == 4 && date != "") {
				w.item++
			}
			left := ""
			switch {
			case !share:
			case i == q:
				left = "核验码：" + d.Verify.Code
			case i == q+1:
				left = "扫描二维码核验本文件"
			}
			if left == "" {
				if r.text != "" {
					p.role, p.jc, p.text = fangSong, "right", r.text
					p.ind = fmt.Sprintf(`<w:ind w:right="%d" w:rightChars="%d"/>`, r.rightTw, r.rightTw*100/320)
				}
				w.p(p)
				continue
			}
			w.b.WriteString(`<w:p><w:pPr>`)
			if p.brkBefore {
				w.b.WriteString(`<w:pageBreakBefore/>`)
			}
			fmt.Fprintf(&w.b, `<w:tabs><w:tab w:val="right" w:pos="%d"/></w:tabs><w:autoSpaceDE w:val="0"/><w:autoSpaceDN w:val="0"/><w:spacing w:before="0" w:after="0" w:line="%d" w:lineRule="exact"/><w:ind w:left="%d"/></w:pPr>`, tw(TypeW)-r.rightTw, linePitchTw, tw(qrMM+3))
			if i == q {
				w.b.WriteString(qrAnchor(tw((2*LinePitch-qrMM)/2) * 635))
			}
			w.run(wpara{role: fangSong, halfPt: 28}, left)
			if r.text != "" {
				w.b.WriteString(`<w:r><w:tab/></w:r>`)
				w.run(wpara{role: fangSong}, r.text)
			}
			w.b.WriteString(`</w:p>`)
		}
		sigEnd = len(rows)
	}
	rels := ""
	var media []byte
	// The QR code and the 版记 are the rows of a table floating at the foot
	// of the type area (Word and LibreOffice both place and rule it).
	type brow struct {
		qr   bool
		p    wpara
		bdr  string
		rows int // grid lines high
	}
	var brows []brow
	if qrCode != nil {
		media = qrCode.PNG()
		rels = `<Relationship Id="rIdQR" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/qr.png"/>`
		if !share {
			brows = append(brows, brow{qr: true, p: wpara{role: fangSong, halfPt: 28, text: "核验码：" + d.Verify.Code}})
		}
	}
	var cc string
	if len(d.CC) > 0 {
		cc = "抄送：" + strings.Join(d.CC, "，")
		if !strings.HasSuffix(cc, "。") {
			cc += "。"
		}
	}
	printer := d.Printer != "" || !d.PrintDate.IsZero()
	line := func(side string, mm float64) string {
		return fmt.Sprintf(`<w:%s w:val="single" w:sz="%d" w:space="0" w:color="000000"/>`, side, int(math.Round(mm/ptMM*8)))
	}
	if cc != "" {
		bottom := line("bottom", thickRule)
		if printer {
			bottom = line("bottom", thinRule)
		}
		brows = append(brows, brow{p: wpara{role: fangSong, halfPt: 28, text: cc, ind: `<w:ind w:left="1120" w:leftChars="400" w:right="280" w:rightChars="100" w:hanging="840" w:hangingChars="300"/>`}, bdr: line("top", thickRule) + bottom})
	}
	if printer {
		top := ""
		if cc == "" {
			top = line("top", thickRule)
		}
		date := ""
		if !d.PrintDate.IsZero() {
			date = cnDate(d.PrintDate) + "印发"
		}
		tabs := fmt.Sprintf(`<w:tabs><w:tab w:val="right" w:pos="%d"/></w:tabs>`, tw(TypeW)-280-170)
		brows = append(brows, brow{p: wpara{role: fangSong, halfPt: 28, text: d.Printer + "\t" + date, ppr: tabs, ind: `<w:ind w:left="280" w:leftChars="100"/>`}, bdr: top + line("bottom", thickRule)})
	}
	if len(brows) > 0 {
		// Blank lines down to where the PDF has the block (a new page when
		// the PDF has one), so that its last rule is the type area's foot.
		if lo := w.lo; lo != nil {
			// The block ends on the type area's last line, as in the PDF. In
			// the PDF the QR code may share lines with the signature; here it
			// is a row of its own, below them.
			n := 0
			if len(brows) > 0 && brows[0].qr {
				n = 2
			}
			n += lo.ccRows
			if printer {
				n++
			}
			start := LinesPerPage - n
			// The rows written since the body's end (the signature, and the
			// QR code's text beside it).
			written := lo.sigEnd - 5 + sigEnd
			if sigEnd == 0 {
				written = lo.sigEnd
			}
			if lo.footPage > lo.sigPage || start < written {
				// On a page of its own, as the engine put it.
				first := wpara{brkBefore: true}
				if start == 0 {
					first.exactTw = 1
				}
				w.p(first)
				w.blank(start - 1)
			} else {
				w.blank(start - written)
			}
			if len(brows) > 0 && brows[0].qr {
				brows[0].rows = 2
			}
			for i := range brows {
				if strings.HasPrefix(brows[i].p.text, "抄送：") {
					brows[i].rows = max(1, lo.ccRows)
				}
			}
		}
		// Two columns: the QR code, and its text beside it; the 版记's rows
		// span both.
		qrCol := tw(qrMM + 3)
		fmt.Fprintf(body, `<w:tbl><w:tblPr><w:tblW w:w="%d" w:type="dxa"/><w:tblBorders>`, tw(TypeW))
		for _, side := range []string{"top", "left", "bottom", "right", "insideH", "insideV"} {
			fmt.Fprintf(body, `<w:%s w:val="nil"/>`, side)
		}
		fmt.Fprintf(body, `</w:tblBorders><w:tblLayout w:type="fixed"/>`+cellMar+`</w:tblPr><w:tblGrid><w:gridCol w:w="%d"/><w:gridCol w:w="%d"/></w:tblGrid>`, qrCol, tw(TypeW)-qrCol)
		for i, r := range brows {
			// Exact heights on the grid; the last row leaves room for the
			// rules (LibreOffice adds them to the rows' heights) and for
			// the paragraph Word wants after a table.
			h := max(1, r.rows) * linePitchTw
			if i == len(brows)-1 {
				h -= blockSlackTw
			}
			keep := ""
			if i < len(brows)-1 {
				keep = `<w:keepNext/>` // the block stays on one page
			}
			fmt.Fprintf(body, `<w:tr><w:trPr><w:cantSplit/><w:trHeight w:val="%d" w:hRule="exact"/></w:trPr>`, h)
			if r.qr {
				emu := int(qrMM * 36000)
				fmt.Fprintf(body, `<w:tc><w:tcPr><w:tcW w:w="%[1]d" w:type="dxa"/></w:tcPr><w:p><w:pPr>`+keep+`<w:spacing w:before="0" w:after="0" w:line="%[3]d" w:lineRule="exact"/></w:pPr><w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="%[2]d" cy="%[2]d"/><wp:docPr id="1" name="核验二维码"/>`+qrGraphic+`</wp:inline></w:drawing></w:r></w:p></w:tc>`, qrCol, emu, 2*linePitchTw)
				fmt.Fprintf(body, `<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/></w:tcPr>`, tw(TypeW)-qrCol)
				r.p.ppr = keep
				w.p(r.p)
				r.p.text = "扫描二维码核验本文件"
				w.p(r.p)
				body.WriteString(`</w:tc></w:tr>`)
				continue
			}
			fmt.Fprintf(body, `<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/><w:gridSpan w:val="2"/>`, tw(TypeW))
			if r.bdr != "" {
				fmt.Fprintf(body, `<w:tcBorders>%s</w:tcBorders>`, r.bdr)
			}
			body.WriteString(`</w:tcPr>`)
			r.p.ppr = keep + r.p.ppr
			w.p(r.p)
			body.WriteString(`</w:tc></w:tr>`)
		}
		fmt.Fprintf(body, `</w:tbl><w:p><w:pPr><w:spacing w:before="0" w:after="0" w:line="%d" w:lineRule="exact"/></w:pPr></w:p>`, afterTableTw)
	}
	fmt.Fprintf(body, `<w:sectPr><w:footerReference w:type="default" r:id="rIdF1"/><w:footerReference w:type="even" r:id="rIdF2"/><w:pgSz w:w="%d" w:h="%d"/><w:pgMar w:top="%d" w:right="%d" w:bottom="%d" w:left="%d" w:header="851" w:footer="%d" w:gutter="0"/><w:cols w:space="425"/><w:docGrid w:linePitch="%d" w:charSpace="%d"/></w:sectPr>`,
		tw(PageW), tw(PageH), tw(Top), tw(Right), tw(Bottom), tw(Left), tw(PageH-Top-TypeH-pageNumBelow-5), linePitchTw, charSpace)
	docXML := body.String()
	foot1, foot2 := w.footer("right", `<w:ind w:right="280" w:rightChars="100"/>`), w.footer("left", `<w:ind w:left="280" w:leftChars="100"/>`)
	bodyFont := html.EscapeString(w.fonts.split(fangSong, "仿")[0].font)

	files := []struct {
		name string
		data []byte
	}{
		{"[Content_Types].xml", []byte(xmlHead + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension="png" ContentType="image/png"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/><Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/><Override PartName="/word/footer2.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/><Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/></Types>`)},
		{"_rels/.rels", []byte(xmlHead + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`)},
		{"word/_rels/document.xml.rels", []byte(xmlHead + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rIdT" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/><Relationship Id="rIdF1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/><Relationship Id="rIdF2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer2.xml"/><Relationship Id="rIdFT" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable" Target="fontTable.xml"/>` + rels + `</Relationships>`)},
		{"word/document.xml", []byte(xmlHead + `<w:document ` + wns + `><w:body>` + docXML + `</w:body></w:document>`)},
		{"word/styles.xml", []byte(xmlHead + `<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="` + bodyFont + `" w:hAnsi="` + bodyFont + `" w:eastAsia="` + bodyFont + `" w:cs="` + bodyFont + `"/><w:sz w:val="32"/><w:szCs w:val="32"/><w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:widowControl w:val="0"/><w:autoSpaceDE w:val="0"/><w:autoSpaceDN w:val="0"/><w:spacing w:before="0" w:after="0"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/><w:rPr><w:sz w:val="32"/><w:szCs w:val="32"/></w:rPr></w:style><w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:left w:w="` + strconv.Itoa(cellMarTw) + `" w:type="dxa"/><w:right w:w="` + strconv.Itoa(cellMarTw) + `" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style></w:styles>`)},
		{"word/settings.xml", []byte(xmlHead + `<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:defaultTabStop w:val="420"/><w:evenAndOddHeaders/><w:characterSpacingControl w:val="compressPunctuation"/><w:compat><w:spaceForUL/><w:balanceSingleByteDoubleByteWidth/><w:doNotLeaveBackslashAlone/><w:ulTrailSpace/><w:doNotExpandShiftReturn/><w:adjustLineHeightInTable/><w:useFELayout/></w:compat></w:settings>`)},
		{"word/footer1.xml", foot1},
		{"word/footer2.xml", foot2},
		{"word/fontTable.xml", w.fonts.table()},
	}
	if media != nil {
		files = append(files, struct {
			name string
			data []byte
		}{"word/media/qr.png", media})
	}
	when := epoch
	if !d.Date.IsZero() {
		when = d.Date
	}
	var out bytes.Buffer
	z := zip.NewWriter(&out)
	for _, f := range files {
		fw, err := z.CreateHeader(&zip.FileHeader{Name: f.name, Method: zip.Deflate, Modified: when})
		if err != nil {
			return nil, err
		}
		if _, err := fw.Write(f.data); err != nil {
			return nil, err
		}
	}
	if err := z.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

const (
	xmlHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"
	wns     = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"`
)

// footer is a page number footer: 4号宋体 digits between 一字线, 空一字
// from the side (right on odd pages, left on even).
func (w *wdoc) footer(jc, ind string) []byte {
	f := html.EscapeString(w.fonts.split(songTi, "1")[0].font)
	r := `<w:r><w:rPr><w:rFonts w:ascii="` + f + `" w:hAnsi="` + f + `" w:eastAsia="` + f + `"/><w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr>`
	return []byte(xmlHead + `<w:ftr ` + wns + `><w:p><w:pPr>` + ind + `<w:jc w:val="` + jc + `"/></w:pPr>` +
		r + `<w:t xml:space="preserve">— </w:t></w:r>` +
		r + `<w:fldChar w:fldCharType="begin"/></w:r>` + r + `<w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>` + r + `<w:fldChar w:fldCharType="separate"/></w:r>` + r + `<w:t>1</w:t></w:r>` + r + `<w:fldChar w:fldCharType="end"/></w:r>` +
		r + `<w:t xml:space="preserve"> —</w:t></w:r></w:p></w:ftr>`)
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

// qrAnchor is the QR code floating at the type area's left edge, y EMU
// below the top of the paragraph that holds it, text not wrapped.
func qrAnchor(y int) string {
	emu := int(qrMM * 36000)
	return fmt.Sprintf(`<w:r><w:drawing><wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="1" behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/><wp:positionH relativeFrom="margin"><wp:posOffset>0</wp:posOffset></wp:positionH><wp:positionV relativeFrom="paragraph"><wp:posOffset>%d</wp:posOffset></wp:positionV><wp:extent cx="%[2]d" cy="%[2]d"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapNone/><wp:docPr id="2" name="核验二维码"/><wp:cNvGraphicFramePr/>`+qrGraphic+`</wp:anchor></w:drawing></w:r>`, y, emu)
}

// qrGraphic is the QR code's picture (media/qr.png), %[2]d its size in EMU.
const qrGraphic = `<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:nvPicPr><pic:cNvPr id="1" name="qr.png"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:embed="rIdQR"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="%[2]d" cy="%[2]d"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic>`

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
