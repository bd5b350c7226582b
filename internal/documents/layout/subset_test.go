package layout

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var (
	baseFontRE = regexp.MustCompile(`/(?:BaseFont|FontName) /([^\s/<>\[\]()]+)`)
	tagRE      = regexp.MustCompile(`^([A-Z]{6})\+([!-~]+)$`)
)

// fontNames reads the BaseFont and FontName entries of a PDF: every name
// given, and per PostScript name its subset tags.
func fontNames(t *testing.T, b []byte) (all []string, tags map[string][]string) {
	t.Helper()
	tags = map[string][]string{}
	for _, m := range baseFontRE.FindAllSubmatch(b, -1) {
		n := string(m[1])
		all = append(all, n)
		tm := tagRE.FindStringSubmatch(n)
		if tm == nil {
			t.Errorf("font %q has no subset tag (ABCDEF+Name)", n)
			continue
		}
		tags[tm[2]] = append(tags[tm[2]], tm[1])
	}
	return all, tags
}

// checkXref checks that every in-use cross-reference entry points at its
// object's "N 0 obj" and startxref at the table.
func checkXref(t *testing.T, b []byte) {
	t.Helper()
	m := regexp.MustCompile(`startxref\n(\d+)\n%%EOF\n$`).FindSubmatch(b)
	if m == nil {
		t.Fatal("no startxref at the end")
	}
	x, _ := strconv.Atoi(string(m[1]))
	if !bytes.HasPrefix(b[x:], []byte("xref\n0 ")) {
		t.Fatalf("startxref %d does not point at the xref table", x)
	}
	lines := strings.Split(string(b[x:]), "\n")
	n, _ := strconv.Atoi(strings.Fields(lines[1])[1])
	for j := 1; j < n; j++ {
		off, err := strconv.Atoi(lines[2+j][:10])
		if err != nil || off >= len(b) || !bytes.HasPrefix(b[off:], []byte(strconv.Itoa(j)+" 0 obj")) {
			t.Errorf("xref entry %d (%q) does not point at object %d", j, lines[2+j], j)
		}
	}
}

func TestPDFSubsetFontNames(t *testing.T) {
	needFonts(t)
	d := sample(3)
	b, err := PDF(d)
	if err != nil {
		t.Fatal(err)
	}
	checkXref(t, b)
	all, tags := fontNames(t, b)
	fs := loadedFonts()
	lo, _ := lay(d)
	want := map[string]bool{}
	for _, p := range lo.pages {
		for _, l := range p.lines {
			for _, s := range l.spans {
				for i, f := range fs.all {
					if f == s.face {
						want[f.postScriptName(i)] = true
					}
				}
			}
		}
	}
	if len(all) != 3*len(want) {
		t.Errorf("%d font names for %d fonts, want 3 each (Type0, CIDFont, FontDescriptor): %v", len(all), len(want), all)
	}
	for ps := range want {
		ts := tags[ps]
		if len(ts) != 3 || ts[0] != ts[1] || ts[1] != ts[2] {
			t.Errorf("font %s: tags %v, want one tag in its three dictionaries", ps, ts)
		}
	}
	for ps := range tags {
		if !want[ps] {
			t.Errorf("font %s named but not used by the layout", ps)
		}
	}
	// The tag follows the subset: other characters in the same font give
	// another tag, the same ones the same.
	fang := fs.faces[fangSong].postScriptName(slicesIndex(fs.all, fs.faces[fangSong]))
	other := Doc{Title: "通知", Body: []Block{{Kind: Para, Text: "请于本周五前报送材料。"}}}
	b2, err := PDF(other)
	if err != nil {
		t.Fatal(err)
	}
	checkXref(t, b2)
	_, tags2 := fontNames(t, b2)
	if len(tags2[fang]) == 0 || len(tags[fang]) == 0 || tags2[fang][0] == tags[fang][0] {
		t.Errorf("font %s: tag %v in one document, %v in another with other characters", fang, tags[fang], tags2[fang])
	}
	b3, _ := PDF(other)
	if _, tags3 := fontNames(t, b3); tags3[fang][0] != tags2[fang][0] {
		t.Error("the same document gave another subset tag")
	}
	// poppler's pdffonts, when installed, reads the PDF and sees subsets.
	if _, err := exec.LookPath("pdffonts"); err != nil {
		t.Log("pdffonts not installed: not run")
		return
	}
	path := filepath.Join(t.TempDir(), "d.pdf")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdffonts", path).CombinedOutput()
	if err != nil {
		t.Fatalf("pdffonts: %v\n%s", err, out)
	}
	rows := 0
	for _, ln := range strings.Split(string(out), "\n")[2:] {
		f := strings.Fields(ln)
		if len(f) < 7 {
			continue
		}
		rows++
		// name, type (CID TrueType: two words), encoding, emb, sub, uni, ...
		if f[len(f)-4] != "yes" || !tagRE.MatchString(f[0]) {
			t.Errorf("pdffonts: %q is not a named subset", ln)
		}
	}
	if rows != len(want) {
		t.Errorf("pdffonts lists %d fonts, want %d:\n%s", rows, len(want), out)
	}
}

func slicesIndex(all []*face, f *face) int {
	for i, g := range all {
		if g == f {
			return i
		}
	}
	return -1
}
