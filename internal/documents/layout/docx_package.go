package layout

import (
	"archive/zip"
	"bytes"
	"html"
	"strconv"

	"rsc.io/qr"
)

// pack zips the document written so far with its styles, settings,
// footers, font table and the QR code's picture into a .docx, dated d.Date.
func (w *wdoc) pack(d Doc, qrCode *qr.Code) ([]byte, error) {
	rels := ""
	var media []byte
	if qrCode != nil {
		media = qrCode.PNG()
		rels = `<Relationship Id="rIdQR" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/qr.png"/>`
	}
	docXML := w.b.String()
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
