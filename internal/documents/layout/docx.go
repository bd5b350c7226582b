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

// The .docx is WordprocessingML written by hand: the page, margins and the
// 22 × 28 grid of GB/T 9704-2012 in the section properties, the fonts by
// the names an office's Word knows (仿宋_GB2312, 方正小标宋简体, 黑体,
// 楷体_GB2312, 宋体; Word substitutes its own when one is missing), the red
// mark, the red rule as the 发文字号 paragraph's bottom border, page numbers
// in odd and even footers, and the 版记 in a frame at the foot of the type
// area. Word flows it again: it is the editable twin of the PDF, not a copy.

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

func tw(mm float64) int { return int(math.Round(mm * twMM)) }

type wdoc struct{ b strings.Builder }

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
}

func (w *wdoc) p(p wpara) {
	h := p.exactTw
	if h == 0 {
		h = linePitchTw
	}
	// The schema orders the paragraph properties: Word refuses others.
	fmt.Fprintf(&w.b, `<w:p><w:pPr>%s<w:spacing w:before="0" w:after="0" w:line="%d" w:lineRule="exact"/>%s`, p.ppr, h, p.ind)
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
	f := docxFont[p.role]
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
			fmt.Fprintf(&w.b, `<w:t xml:space="preserve">%s</w:t>`, html.EscapeString(part))
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
	var w wdoc
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
	w.p(wpara{exactTw: max(1, tw(markTop-float64(rows)*LinePitch-markPad))})
	markBottom := Top + markTop
	if d.Authority != "" {
		scale := 100
		if n := chars(d.Authority) * markMM; n > TypeW {
			scale = int(100 * TypeW / n)
		}
		w.p(wpara{role: xiaoBiaoSong, halfPt: int(math.Round(2 * markMM / ptMM)), jc: "center", text: d.Authority, red: true, scale: scale, exactTw: tw(markMM + 2*markPad)})
		markBottom += markMM
	}
	numRow := firstRowBelow(markBottom) + 2
	w.p(wpara{exactTw: max(1, tw(lineTop(numRow)-markBottom-markPad))})
	// 发文字号 centred, the red rule 4 mm under it as a bottom border.
	border := fmt.Sprintf(`<w:pBdr><w:bottom w:val="single" w:sz="%d" w:space="%d" w:color="FF0000"/></w:pBdr>`,
		int(math.Round(ruleWidth/ptMM*8)), int(math.Round((ruleBelow-(LinePitch-size3*ptMM)/2)/ptMM)))
	w.p(wpara{role: fangSong, jc: "center", text: d.Number, ppr: border})
	// The rule falls inside the next line; the title comes after two
	// blank lines below it (the grid line the PDF uses).
	w.blank(firstRowBelow(baseline(numRow, size3)+0.12*size3*ptMM+ruleBelow+ruleWidth/2) + 2 - numRow - 1)
	for _, t := range strings.Split(d.Title, "\n") {
		w.p(wpara{role: xiaoBiaoSong, halfPt: 44, jc: "center", text: t})
	}
	if d.Addressee != "" {
		w.blank(1)
		w.p(wpara{role: fangSong, jc: "both", text: addressee(d.Addressee)})
	}
	indent := `<w:ind w:firstLineChars="200" w:firstLine="640"/>`
	walkBody(d.Body, w.table, func(ro role, text string, bold bool) {
		w.p(wpara{role: ro, jc: "both", text: text, ind: indent, bold: bold})
	})
	if len(d.Attachments) > 0 {
		w.blank(1)
		for i, a := range d.Attachments {
			text := a
			if len(d.Attachments) > 1 {
				text = strconv.Itoa(i+1) + "." + a
			}
			if i == 0 {
				w.p(wpara{role: fangSong, text: "附件：" + text, ind: `<w:ind w:left="1600" w:leftChars="500" w:hanging="960" w:hangingChars="300"/>`})
			} else {
				w.p(wpara{role: fangSong, text: text, ind: `<w:ind w:left="1600" w:leftChars="500"/>`})
			}
		}
	}
	if d.Signer != "" || !d.Date.IsZero() {
		w.blank(3)
		date := ""
		if !d.Date.IsZero() {
			date = cnDate(d.Date)
		}
		if d.Signer != "" {
			right := 4 + (chars(date)-chars(d.Signer))/2
			if date == "" || right < 0 {
				right = max(0, right)
			}
			w.p(wpara{role: fangSong, jc: "right", text: d.Signer, ind: fmt.Sprintf(`<w:ind w:right="%d" w:rightChars="%d"/>`, int(right*320), int(right*100))})
		}
		if date != "" {
			w.p(wpara{role: fangSong, jc: "right", text: date, ind: `<w:ind w:right="1280" w:rightChars="400"/>`})
		}
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
	if d.Verify != nil {
		if code, err := qr.Encode(d.Verify.URL, qr.M); err == nil {
			media = code.PNG()
			rels = `<Relationship Id="rIdQR" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/qr.png"/>`
			brows = append(brows, brow{qr: true, p: wpara{role: fangSong, halfPt: 28, text: "\u3000核验码：" + d.Verify.Code, exactTw: 2 * linePitchTw}})
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
		if lo, err := lay(d); err == nil {
			// Word and LibreOffice set a line or two differently from the
			// PDF (table rows, spacing around Latin text): two lines are
			// kept in hand, so the block never spills onto a page of its own.
			const slack = 2
			// In the PDF the QR code may share lines with the signature; in
			// Word it is a row of its own, so the block starts below them.
			if lo.footPage > lo.sigPage || LinesPerPage-lo.sigEnd < LinesPerPage-lo.footRow {
				body.WriteString(`<w:p><w:pPr><w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact"/></w:pPr><w:r><w:br w:type="page"/></w:r></w:p>`)
				w.blank(lo.footRow - slack)
			} else {
				w.blank(max(0, lo.footRow-lo.sigEnd-slack))
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
		fmt.Fprintf(body, `<w:tbl><w:tblPr><w:tblW w:w="%d" w:type="dxa"/><w:tblBorders>`, tw(TypeW))
		for _, side := range []string{"top", "left", "bottom", "right", "insideH", "insideV"} {
			fmt.Fprintf(body, `<w:%s w:val="nil"/>`, side)
		}
		fmt.Fprintf(body, `</w:tblBorders><w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid><w:gridCol w:w="%d"/></w:tblGrid>`, tw(TypeW))
		for i, r := range brows {
			// Exact heights on the grid; the last row leaves 1 pt for the
			// paragraph Word wants after a table.
			h := max(1, r.rows) * linePitchTw
			if i == len(brows)-1 {
				h -= 20
			}
			fmt.Fprintf(body, `<w:tr><w:trPr><w:cantSplit/><w:trHeight w:val="%d" w:hRule="exact"/></w:trPr><w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/>`, h, tw(TypeW))
			keep := ""
			if i < len(brows)-1 {
				keep = `<w:keepNext/>` // the block stays on one page
			}
			if r.bdr != "" {
				fmt.Fprintf(body, `<w:tcBorders>%s</w:tcBorders>`, r.bdr)
			}
			body.WriteString(`</w:tcPr>`)
			if r.qr {
				emu := int(qrMM * 36000)
				fmt.Fprintf(body, `<w:p><w:pPr>`+keep+`<w:spacing w:before="0" w:after="0" w:line="%d" w:lineRule="exact"/></w:pPr><w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="%[2]d" cy="%[2]d"/><wp:docPr id="1" name="核验二维码"/><a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:nvPicPr><pic:cNvPr id="1" name="qr.png"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:embed="rIdQR"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="%[2]d" cy="%[2]d"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>`, r.p.exactTw, emu)
				w.run(r.p, r.p.text)
				body.WriteString(`</w:p>`)
			} else {
				r.p.ppr = keep + r.p.ppr
				w.p(r.p)
			}
			body.WriteString(`</w:tc></w:tr>`)
		}
		body.WriteString(`</w:tbl><w:p><w:pPr><w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact"/></w:pPr></w:p>`)
	}
	fmt.Fprintf(body, `<w:sectPr><w:footerReference w:type="default" r:id="rIdF1"/><w:footerReference w:type="even" r:id="rIdF2"/><w:pgSz w:w="%d" w:h="%d"/><w:pgMar w:top="%d" w:right="%d" w:bottom="%d" w:left="%d" w:header="851" w:footer="%d" w:gutter="0"/><w:cols w:space="425"/><w:docGrid w:linePitch="%d"/></w:sectPr>`,
		tw(PageW), tw(PageH), tw(Top), tw(Right), tw(Bottom), tw(Left), tw(PageH-Top-TypeH-pageNumBelow-5), linePitchTw)

	files := []struct {
		name string
		data []byte
	}{
		{"[Content_Types].xml", []byte(xmlHead + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension="png" ContentType="image/png"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/><Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/><Override PartName="/word/footer2.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/></Types>`)},
		{"_rels/.rels", []byte(xmlHead + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`)},
		{"word/_rels/document.xml.rels", []byte(xmlHead + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rIdT" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/><Relationship Id="rIdF1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/><Relationship Id="rIdF2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer2.xml"/>` + rels + `</Relationships>`)},
		{"word/document.xml", []byte(xmlHead + `<w:document ` + wns + `><w:body>` + body.String() + `</w:body></w:document>`)},
		{"word/styles.xml", []byte(xmlHead + `<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="仿宋_GB2312" w:hAnsi="仿宋_GB2312" w:eastAsia="仿宋_GB2312" w:cs="仿宋_GB2312"/><w:sz w:val="32"/><w:szCs w:val="32"/><w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:widowControl w:val="0"/><w:autoSpaceDE w:val="0"/><w:autoSpaceDN w:val="0"/><w:spacing w:before="0" w:after="0"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style><w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:left w:w="85" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style></w:styles>`)},
		{"word/settings.xml", []byte(xmlHead + `<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:defaultTabStop w:val="420"/><w:evenAndOddHeaders/><w:characterSpacingControl w:val="compressPunctuation"/><w:compat><w:spaceForUL/><w:balanceSingleByteDoubleByteWidth/><w:doNotLeaveBackslashAlone/><w:ulTrailSpace/><w:doNotExpandShiftReturn/><w:adjustLineHeightInTable/><w:useFELayout/></w:compat></w:settings>`)},
		{"word/footer1.xml", footer("right", `<w:ind w:right="280" w:rightChars="100"/>`)},
		{"word/footer2.xml", footer("left", `<w:ind w:left="280" w:leftChars="100"/>`)},
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
func footer(jc, ind string) []byte {
	r := `<w:r><w:rPr><w:rFonts w:ascii="宋体" w:hAnsi="宋体" w:eastAsia="宋体"/><w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr>`
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
	b := &w.b
	fmt.Fprintf(b, `<w:tbl><w:tblPr><w:tblW w:w="%d" w:type="dxa"/><w:jc w:val="center"/><w:tblBorders>`, tw(TypeW))
	for _, side := range []string{"top", "left", "bottom", "right", "insideH", "insideV"} {
		fmt.Fprintf(b, `<w:%s w:val="single" w:sz="6" w:space="0" w:color="000000"/>`, side)
	}
	b.WriteString(`</w:tblBorders><w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>`)
	for _, v := range widths {
		fmt.Fprintf(b, `<w:gridCol w:w="%d"/>`, v)
	}
	b.WriteString(`</w:tblGrid>`)
	for i, r := range rows {
		b.WriteString(`<w:tr>`)
		if i == 0 {
			b.WriteString(`<w:trPr><w:tblHeader/></w:trPr>`)
		}
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
			w.p(wpara{role: ro, halfPt: 28, text: c})
			b.WriteString(`</w:tc>`)
		}
		b.WriteString(`</w:tr>`)
	}
	b.WriteString(`</w:tbl>`)
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
