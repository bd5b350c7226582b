package layout

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"
)

// TestSupplementaryCharactersPrint: a deputy's name with 𠮷 (U+20BB7,
// beyond U+FFFF) prints from an installed font that has it (Noto CJK,
// which CI installs with fonts-noto-cjk): it is not missing, the line sets
// it as its glyph's outline in the font's width, and the PDF draws that
// outline with the character as its ActualText.
func TestSupplementaryCharactersPrint(t *testing.T) {
	needFonts(t)
	const ji = '\U00020BB7'
	if loadedFonts().faceFor(fangSong, ji) == nil {
		if os.Getenv("ZHITONG_FONTS") == "required" {
			t.Fatal("no installed font has 𠮷 (U+20BB7): install fonts-noto-cjk")
		}
		t.Skip("no installed font has 𠮷 (U+20BB7)")
	}
	d := sample(0)
	d.Addressee = "王𠮷明代表"
	d.Body = []Block{{Kind: Para, Text: "代表王𠮷明反映：𠮷野家门口的路灯不亮。"}}
	if m := Missing(d); len(m) > 0 {
		t.Fatalf("missing %q", string(m))
	}
	lo, err := lay(d)
	if err != nil {
		t.Fatal(err)
	}
	outlines := 0
	for _, l := range lo.pages[0].lines {
		for i, s := range l.spans {
			if strings.ContainsRune(s.text, ji) {
				if !s.outline || s.text != string(ji) || s.face == nil {
					t.Errorf("span %q of %q: outline %v", s.text, l.text, s.outline)
				}
				// The next character starts one em on: 𠮷 is as wide as 王.
				if i+1 < len(l.spans) {
					if w := l.spans[i+1].dx - s.dx; w < 0.9*l.size*ptMM || w > 1.1*l.size*ptMM+l.tc {
						t.Errorf("𠮷 is %.2f mm wide at %.1f pt", w, l.size)
					}
				}
				outlines++
			}
		}
	}
	if outlines != 3 {
		t.Errorf("%d outline spans of 𠮷, want 3", outlines)
	}
	compress = false
	defer func() { compress = true }()
	pdf, err := pdfDoc(d)
	if err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(pdf, []byte("/Span <</ActualText <FEFFD842DFB7>>> BDC")); n != 3 {
		t.Errorf("%d drawn 𠮷, want 3", n)
	}
	if bytes.Contains(pdf, []byte("□")) {
		t.Error("the PDF has a stand-in box")
	}
}

// TestFallbackFaceDrawsOutlines: a basic-plane character no chosen
// (TrueType) face has but another installed face has (Noto CJK, CFF) is
// not missing: it is drawn as that face's outline.
func TestFallbackFaceDrawsOutlines(t *testing.T) {
	needFonts(t)
	fs := loadedFonts()
	var rare rune
	for r := rune(0x3400); r <= 0x9FFF && rare == 0; r++ {
		if f := fs.faceFor(fangSong, r); f != nil && !fs.chosen(f) {
			rare = r
		}
	}
	if rare == 0 {
		t.Skip("every CJK character the fonts have is in a chosen face")
	}
	d := sample(0)
	d.Body = []Block{{Kind: Para, Text: "生僻字" + string(rare) + "照印"}}
	if m := Missing(d); len(m) > 0 {
		t.Fatalf("missing %q", string(m))
	}
	compress = false
	defer func() { compress = true }()
	pdf, err := pdfDoc(d)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(pdf, []byte(fmt.Sprintf("/Span <</ActualText <FEFF%04X>>> BDC", rare))) {
		t.Errorf("%c (U+%04X) not drawn as an outline", rare, rare)
	}
}
