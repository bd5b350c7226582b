package layout

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// The PDF names an embedded subset font TAG+PostScriptName, the tag six
// uppercase letters that differ from one subset to another (PDF 32000-1
// §9.6.4): readers then know the font is a subset, and two subsets of one
// font in two documents are not taken for each other. fpdf writes its own
// name (utf8f0) in the font dictionaries; renameFonts puts these names in
// and mends the cross-reference table.

// subsetTag is six uppercase letters derived from the font and the
// characters of its subset.
func subsetTag(ps string, runes map[rune]bool) string {
	rs := make([]rune, 0, len(runes))
	for r := range runes {
		rs = append(rs, r)
	}
	slices.Sort(rs)
	sum := sha256.Sum256([]byte(ps + "\x00" + string(rs)))
	tag := make([]byte, 6)
	for i := range tag {
		tag[i] = 'A' + sum[i]%26
	}
	return string(tag)
}

// postScriptName is the face's PostScript name (name ID 6) as a PDF name:
// printable ASCII without delimiters; a face without one is called after
// its place among the chosen fonts.
func (f *face) postScriptName(i int) string {
	n := strings.Map(func(r rune) rune {
		if r <= ' ' || r > '~' || strings.ContainsRune("()<>[]{}/%#", r) {
			return -1
		}
		return r
	}, f.ps)
	if n == "" {
		n = fmt.Sprintf("ZhitongFont%d", i)
	}
	return n
}

var (
	fontNameRE  = regexp.MustCompile(`/(BaseFont|FontName) /([!-~]+?)([\s/<>\[\]()]|$)`)
	startxrefRE = regexp.MustCompile(`startxref\s+(\d+)\s+%%EOF\s*$`)
)

// renameFonts replaces the BaseFont and FontName of the fonts in names
// (fpdf's name → the new one) in the objects' dictionaries (never inside
// a stream) and writes the cross-reference table again for the objects'
// new offsets.
func renameFonts(pdf []byte, names map[string]string) ([]byte, error) {
	bad := errors.New("layout: pdf: unexpected cross-reference table")
	m := startxrefRE.FindSubmatch(pdf)
	if m == nil {
		return nil, bad
	}
	xref, err := strconv.Atoi(string(m[1]))
	if err != nil || xref >= len(pdf) || !bytes.HasPrefix(pdf[xref:], []byte("xref\n0 ")) {
		return nil, bad
	}
	// xref\n0 N\n then N entries of 20 bytes, then the trailer.
	p := xref + len("xref\n0 ")
	nl := bytes.IndexByte(pdf[p:], '\n')
	if nl < 0 {
		return nil, bad
	}
	n, err := strconv.Atoi(string(pdf[p : p+nl]))
	p += nl + 1
	if err != nil || n < 1 || p+20*n > len(pdf) {
		return nil, bad
	}
	offs := make([]int, n)
	for j := 1; j < n; j++ {
		e := pdf[p+20*j : p+20*j+20]
		if e[17] != 'n' {
			return nil, bad
		}
		if offs[j], err = strconv.Atoi(string(e[:10])); err != nil || offs[j] >= xref {
			return nil, bad
		}
	}
	trailer := pdf[p+20*n : len(pdf)-len(m[0])]
	order := make([]int, 0, n-1)
	for j := 1; j < n; j++ {
		order = append(order, j)
	}
	slices.SortFunc(order, func(a, b int) int { return offs[a] - offs[b] })
	var out bytes.Buffer
	out.Grow(len(pdf) + 64*len(names))
	newOffs := make([]int, n)
	pos := 0
	for _, j := range order {
		off := offs[j]
		out.Write(pdf[pos:off])
		newOffs[j] = out.Len()
		// The dictionary: up to the stream's data or the object's end.
		end := xref
		for _, kw := range []string{"stream\n", "endobj"} {
			if k := bytes.Index(pdf[off:xref], []byte(kw)); k >= 0 {
				end = min(end, off+k)
			}
		}
		out.Write(fontNameRE.ReplaceAllFunc(pdf[off:end], func(s []byte) []byte {
			sm := fontNameRE.FindSubmatch(s)
			if to, ok := names[string(sm[2])]; ok {
				return []byte("/" + string(sm[1]) + " /" + to + string(sm[3]))
			}
			return s
		}))
		pos = end
	}
	out.Write(pdf[pos:xref])
	start := out.Len()
	fmt.Fprintf(&out, "xref\n0 %d\n0000000000 65535 f \n", n)
	for j := 1; j < n; j++ {
		fmt.Fprintf(&out, "%010d 00000 n \n", newOffs[j])
	}
	out.Write(trailer)
	fmt.Fprintf(&out, "startxref\n%d\n%%%%EOF\n", start)
	return out.Bytes(), nil
}
