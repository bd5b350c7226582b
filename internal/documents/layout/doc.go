// Package layout sets an official document (公文) in the GB/T 9704-2012
// layout (党政机关公文格式) as a PDF, an editable .docx and a print-exact
// HTML view. It knows nothing of cases or databases: internal/documents
// fills a Doc and issues it.
package layout

import (
	"html/template"
	"time"
)

// Doc is one official document, as its parts are named in GB/T 9704-2012.
type Doc struct {
	Kind        string    // assign (交办函), supervise (督办函), reply (答复函), bulletin (通报), report (研判报告), duty_report (述职报告)
	Authority   string    // 发文机关标志, printed in red above the rule: 定南县人大常委会办公室
	Number      string    // 发文字号: 定人大督〔2026〕3号
	Copy        string    // 份号, optional
	Secret      string    // 密级和保密期限, optional
	Urgency     string    // 紧急程度, optional
	Title       string    // 标题
	Addressee   string    // 主送机关
	Body        []Block   // 正文
	Attachments []string  // 附件说明, one line per attachment
	Signer      string    // 发文机关署名
	Date        time.Time // 成文日期, printed 2026年12月7日
	CC          []string  // 抄送机关 (版记)
	Printer     string    // 印发机关 (版记)
	PrintDate   time.Time // 印发日期 (版记)
	Verify      *Verify   // verification code and QR code, when issued
}

// BlockKind tells how a block of the body is set.
type BlockKind int

const (
	Para     BlockKind = iota // a paragraph, first line indented two characters
	Heading1                  // 一、 黑体
	Heading2                  // （一） 楷体
	Heading3                  // 1. 仿宋 bold
	Heading4                  // （1） 仿宋
	Table                     // Rows, the first row a header
)

// Block is one paragraph, heading or table of the body.
type Block struct {
	Kind BlockKind
	Text string
	Rows [][]string
}

// Verify is how a reader checks the document: a short code and the public
// page it opens, printed with a QR code of URL.
type Verify struct {
	Code string
	URL  string
}

// PDF sets d as a PDF with its fonts embedded (subset). The same Doc gives
// the same bytes (the creation date is d.Date). A character no installed
// font has a glyph for makes it fail with a *MissingGlyphsError: a
// character the role's own font lacks is set in another installed font
// that has it (see Missing).
func PDF(d Doc) ([]byte, error) { return pdfDoc(d) }

// DOCX sets d as an editable Word document with the same layout.
func DOCX(d Doc) ([]byte, error) { return docx(d) }

// HTML sets d as a print-exact page fragment: one SVG page per PDF page,
// every line where the PDF has it; it needs /static/documents.css.
func HTML(d Doc) (template.HTML, error) { return htmlDoc(d) }

// Missing lists the characters of d that no available font has a glyph for,
// in code point order (every character when no Chinese font is installed).
func Missing(d Doc) []rune {
	lo, err := lay(d)
	if err != nil {
		return allRunes(d)
	}
	return lo.missing
}

// FontsErr is the error every rendering fails with when no Chinese font is
// installed (wrapping ErrNoFonts), nil when fonts are there.
func FontsErr() error { return loadedFonts().err }
