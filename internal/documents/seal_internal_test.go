package documents

import (
	"crypto/rand"
	"strings"
	"testing"

	"github.com/emmansun/gmsm/sm2"

	"zhitong/internal/documents/layout"
)

// TestPDFSeal seals bytes that stand for a PDF (layout builds real ones)
// and checks the seal: intact, tampered, stripped, another key.
func TestPDFSeal(t *testing.T) {
	key, _ := sm2.GenerateKey(rand.Reader)
	other, _ := sm2.GenerateKey(rand.Reader)
	pdf := []byte("%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF")
	sealed, tr, err := sealPDF(pdf, key, Trailer{Code: "ABCDEFGH23", Number: "龙人大交〔2026〕1号", Issuer: "360783", Name: "龙南市人大常委会"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := OpenPDF(sealed)
	if err != nil || got.Number != tr.Number || got.SM3 != Digest(append(pdf, '\n')) {
		t.Fatalf("open: %+v %v", got, err)
	}
	if err := CheckKey(got, &key.PublicKey); err != nil {
		t.Error(err)
	}
	if err := CheckKey(got, &other.PublicKey); err == nil || !strings.Contains(err.Error(), "不是发文机关") {
		t.Errorf("another key: %v", err)
	}
	bad := append([]byte(nil), sealed...)
	bad[10] ^= 1
	if _, err := OpenPDF(bad); err == nil || !strings.Contains(err.Error(), "被改动") {
		t.Errorf("tampered: %v", err)
	}
	if _, err := OpenPDF(pdf); err != ErrNoSeal {
		t.Errorf("no seal: %v", err)
	}
	// A signature by another key over the same bytes, with this key's name on it.
	forged, _, _ := sealPDF(pdf, other, Trailer{Code: "ABCDEFGH23"})
	ft, err := OpenPDF(forged)
	if err != nil {
		t.Fatal(err)
	}
	if CheckKey(ft, &key.PublicKey) == nil {
		t.Error("a seal by another key passes as the issuer's")
	}
}

func TestChineseDates(t *testing.T) {
	doc := layout.Doc{Title: "2026-12-01至2026-12-31", Body: []layout.Block{{Kind: layout.Para, Text: "查询码 AB-2026-12-07X，2026-13-01，于 2027-01-15 前"}}}
	chineseDates(&doc)
	if doc.Title != "2026年12月1日至2026年12月31日" || doc.Body[0].Text != "查询码 AB-2026-12-07X，2026-13-01，于 2027年1月15日 前" {
		t.Errorf("%q %q", doc.Title, doc.Body[0].Text)
	}
}
