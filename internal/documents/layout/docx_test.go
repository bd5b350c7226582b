package layout

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"regexp"
	"strings"
	"testing"
)

func unzip(t *testing.T, b []byte) map[string]string {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("docx is not a zip: %v", err)
	}
	files := map[string]string{}
	for _, f := range z.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(r)
		r.Close()
		files[f.Name] = string(data)
		if strings.HasSuffix(f.Name, ".xml") || strings.HasSuffix(f.Name, ".rels") {
			dec := xml.NewDecoder(bytes.NewReader(data))
			for {
				if _, err := dec.Token(); err == io.EOF {
					break
				} else if err != nil {
					t.Fatalf("%s is not well-formed XML: %v", f.Name, err)
				}
			}
		}
	}
	return files
}

func TestDOCX(t *testing.T) {
	d := sample(3)
	d.Body = append(d.Body, Block{Kind: Para, Text: "标记<b>与&符号\x01\x0b"})
	b, err := DOCX(d)
	if err != nil {
		t.Fatal(err)
	}
	f := unzip(t, b)
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/styles.xml", "word/settings.xml", "word/footer1.xml", "word/footer2.xml", "word/_rels/document.xml.rels", "word/media/qr.png"} {
		if _, ok := f[name]; !ok {
			t.Errorf("docx lacks %s", name)
		}
	}
	doc := f["word/document.xml"]
	// A4, 天头 37 mm, 订口 28 mm, right 26 mm, bottom 35 mm, in twips;
	// 22 lines of 225/22 mm.
	for _, want := range []string{
		`<w:pgSz w:w="11906" w:h="16838"/>`,
		`<w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1587"`,
		`<w:docGrid w:linePitch="579" w:charSpace="-848"/>`,
		`<w:spacing w:before="0" w:after="0" w:line="579" w:lineRule="exact"/>`,
		`<w:spacing w:val="-5"/>`,
		`w:footerReference w:type="even" r:id="rIdF2"`,
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("document.xml lacks %s", want)
		}
	}
	if strings.Count(doc, "<w:sectPr>") != 1 || !strings.HasSuffix(strings.TrimSuffix(doc, "</w:body></w:document>"), "</w:sectPr>") {
		t.Error("sectPr is not the body's last element")
	}
	// The mark: red, 方正小标宋简体, narrowed to the type area.
	mark := regexp.MustCompile(`<w:r><w:rPr><w:rFonts w:ascii="` + regexp.QuoteMeta(roleFont(xiaoBiaoSong)) + `"[^>]*/><w:color w:val="FF0000"/>(<w:w w:val="\d+"/>)?<w:sz w:val="(\d+)"/>.*?<w:t xml:space="preserve">定南县人大常委会办公室</w:t>`)
	if m := mark.FindStringSubmatch(doc); m == nil {
		t.Errorf("no red %s mark", roleFont(xiaoBiaoSong))
	}
	// The red rule: the bottom border of the 发文字号's paragraph.
	if !regexp.MustCompile(`<w:pBdr><w:bottom w:val="single" w:sz="\d+" w:space="\d+" w:color="FF0000"/></w:pBdr>.*?定人大督〔2026〕3号`).MatchString(doc) {
		t.Error("no red rule under the 发文字号")
	}
	for _, want := range []string{`w:eastAsia="` + roleFont(fangSong) + `"`, `w:eastAsia="` + roleFont(heiTi) + `"`, `w:eastAsia="` + roleFont(kaiTi) + `"`, "一、基本情况", "（一）群众反映的问题", "1.办理要求", "（1）按时答复",
		`<w:b/><w:bCs/><w:spacing w:val="-5"/><w:sz w:val="32"/><w:szCs w:val="32"/></w:rPr><w:t xml:space="preserve">1.办理要求`, "附件：1.群众来信摘要", "2.现场照片", "2026年12月7日", "抄送：县人民政府办公室，县生态环境局。", "2026年12月7日印发", "核验码：K7Q2</w:t><w:noBreakHyphen/><w:t xml:space=\"preserve\">9XPM", "<w:tbl>", "<w:tblHeader/>", "标记&lt;b&gt;与&amp;符号", `<w:trHeight w:val="1158" w:hRule="exact"/>`, `<w:tcBorders><w:top w:val="single" w:sz="8"`} {
		if !strings.Contains(doc, want) {
			t.Errorf("document.xml lacks %s", want)
		}
	}
	if !strings.Contains(f["word/settings.xml"], "<w:evenAndOddHeaders/>") {
		t.Error("odd and even footers not distinguished")
	}
	if !strings.Contains(f["word/footer1.xml"], `<w:ind w:right="280" w:rightChars="100"/><w:jc w:val="right"/>`) || !strings.Contains(f["word/footer2.xml"], `<w:jc w:val="left"/>`) || !strings.Contains(f["word/footer1.xml"], " PAGE ") {
		t.Error("page numbers: odd right, even left, a PAGE field")
	}
	if !strings.Contains(f["word/_rels/document.xml.rels"], "media/qr.png") {
		t.Error("QR code not related")
	}
	b2, _ := DOCX(d)
	if !bytes.Equal(b, b2) {
		t.Error("the same Doc gave different .docx bytes")
	}
}

// roleFont is the font name the .docx gives a role: the face the engine
// sets it in, or the office name when no font is installed.
func roleFont(ro role) string {
	fs := loadedFonts()
	if fs.err != nil {
		return docxFont[ro]
	}
	return faceName(fs.faces[ro], ro)
}
