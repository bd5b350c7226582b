package layout

import (
	"fmt"
	"math"
	"strings"

	"rsc.io/qr"
)

// The page furniture of the .docx: the 版头 (份号, 密级, 紧急程度, the red
// mark, the 发文字号 and the red rule), the signature (with the QR code's
// text beside it when the PDF has it there), the 版记 block closing the
// last page, and the section's page setup. docx.go writes the flow between.

// head writes the 版头: 份号, 密级, 紧急程度 on the first lines, then the
// mark with its top edge 35 mm under the type area's top, the 发文字号 and
// the red rule, and the blank lines down to the title.
func (w *wdoc) head(d Doc) {
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
}

// qrCode is the verification QR code, nil when the document has none or
// its URL cannot be encoded, and whether the PDF sets it beside the
// signature, on its left: then its two lines of text begin those rows
// here too, the code itself floating at their left.
func (w *wdoc) qrCode(d Doc) (code *qr.Code, share bool) {
	if d.Verify == nil {
		return nil, false
	}
	code, err := qr.Encode(d.Verify.URL, qr.M)
	if err != nil {
		return nil, false
	}
	return code, w.lo != nil && w.lo.footPage == w.lo.sigPage && w.lo.footRow < w.lo.sigEnd
}

// signature writes the 发文机关署名 and the 成文日期 after three blank
// lines, and returns how many rows it wrote (0 for none).
func (w *wdoc) signature(d Doc, share bool) int {
	if d.Signer == "" && d.Date.IsZero() {
		return 0
	}
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
	return len(rows)
}

// colophonRow is one row of the table closing the last page: the QR code
// and its text, or a line of the 版记 with its rules.
type colophonRow struct {
	qr   bool
	p    wpara
	bdr  string
	rows int // grid lines high
}

// colophon writes the QR code and the 版记 (抄送, 印发机关 and 印发日期) as
// the rows of a table floating at the foot of the type area (Word and
// LibreOffice both place and rule it), after the blank lines down to
// where the PDF has it. sigEnd is what signature returned.
func (w *wdoc) colophon(d Doc, qrCode *qr.Code, share bool, sigEnd int) {
	brows := colophonRows(d, qrCode, share)
	if len(brows) == 0 {
		return
	}
	// Blank lines down to where the PDF has the block (a new page when
	// the PDF has one), so that its last rule is the type area's foot.
	if w.lo != nil {
		w.colophonSpace(brows, d.Printer != "" || !d.PrintDate.IsZero(), sigEnd)
	}
	w.colophonTable(brows)
}

// colophonRows are the rows of the colophon: the QR code unless it stands
// beside the signature, 抄送, then 印发机关 and 印发日期.
func colophonRows(d Doc, qrCode *qr.Code, share bool) []colophonRow {
	var brows []colophonRow
	if qrCode != nil && !share {
		brows = append(brows, colophonRow{qr: true, p: wpara{role: fangSong, halfPt: 28, text: "核验码：" + d.Verify.Code}})
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
		brows = append(brows, colophonRow{p: wpara{role: fangSong, halfPt: 28, text: cc, ind: `<w:ind w:left="1120" w:leftChars="400" w:right="280" w:rightChars="100" w:hanging="840" w:hangingChars="300"/>`}, bdr: line("top", thickRule) + bottom})
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
		brows = append(brows, colophonRow{p: wpara{role: fangSong, halfPt: 28, text: d.Printer + "\t" + date, ppr: tabs, ind: `<w:ind w:left="280" w:leftChars="100"/>`}, bdr: top + line("bottom", thickRule)})
	}
	return brows
}

// colophonSpace writes the blank lines (and the page break) before the
// colophon and sets its rows' heights as the engine laid them out.
func (w *wdoc) colophonSpace(brows []colophonRow, printer bool, sigEnd int) {
	lo := w.lo
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

// colophonTable writes the colophon's table: two columns, the QR code and
// its text beside it; the 版记's rows span both.
func (w *wdoc) colophonTable(brows []colophonRow) {
	body := &w.b
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

// sectPr is the section: the page and margins of GB/T 9704-2012, the odd
// and even footers, the document grid.
func (w *wdoc) sectPr() {
	fmt.Fprintf(&w.b, `<w:sectPr><w:footerReference w:type="default" r:id="rIdF1"/><w:footerReference w:type="even" r:id="rIdF2"/><w:pgSz w:w="%d" w:h="%d"/><w:pgMar w:top="%d" w:right="%d" w:bottom="%d" w:left="%d" w:header="851" w:footer="%d" w:gutter="0"/><w:cols w:space="425"/><w:docGrid w:linePitch="%d" w:charSpace="%d"/></w:sectPr>`,
		tw(PageW), tw(PageH), tw(Top), tw(Right), tw(Bottom), tw(Left), tw(PageH-Top-TypeH-pageNumBelow-5), linePitchTw, charSpace)
}

// qrAnchor is the QR code floating at the type area's left edge, y EMU
// below the top of the paragraph that holds it, text not wrapped.
func qrAnchor(y int) string {
	emu := int(qrMM * 36000)
	return fmt.Sprintf(`<w:r><w:drawing><wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="1" behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/><wp:positionH relativeFrom="margin"><wp:posOffset>0</wp:posOffset></wp:positionH><wp:positionV relativeFrom="paragraph"><wp:posOffset>%d</wp:posOffset></wp:positionV><wp:extent cx="%[2]d" cy="%[2]d"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapNone/><wp:docPr id="2" name="核验二维码"/><wp:cNvGraphicFramePr/>`+qrGraphic+`</wp:anchor></w:drawing></w:r>`, y, emu)
}

// qrGraphic is the QR code's picture (media/qr.png), %[2]d its size in EMU.
const qrGraphic = `<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:nvPicPr><pic:cNvPr id="1" name="qr.png"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:embed="rIdQR"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="%[2]d" cy="%[2]d"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic>`
