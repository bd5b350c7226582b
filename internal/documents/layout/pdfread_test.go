package layout

import (
	"bytes"
	"regexp"
	"strconv"
	"testing"
	"unicode/utf16"
)

// A small reader of the uncompressed content streams this package writes,
// so that tests measure where things are on the page, in millimetres from
// the page's top-left corner.

type pdfText struct {
	x, y float64 // baseline origin, mm from the top-left corner
	size float64 // pt
	font string
	red  bool
	tc   float64 // pt
	tz   float64
	bold bool // text render mode 2: filled and stroked
	text string
}

type pdfLine struct {
	x1, y1, x2, y2, w float64
	red               bool
}

type pdfRect struct{ x, y, w, h float64 }

type pdfPage struct {
	texts []pdfText
	lines []pdfLine
	rects []pdfRect
}

type pdfFile struct {
	mediaW, mediaH float64 // mm
	pages          []pdfPage
}

const mmPt = 25.4 / 72

var (
	streamRE = regexp.MustCompile(`(?s)<</Length (\d+)>>\nstream\n`)
	mediaRE  = regexp.MustCompile(`/MediaBox \[0 0 ([0-9.]+) ([0-9.]+)\]`)
)

func readPDF(t *testing.T, b []byte) pdfFile {
	t.Helper()
	var f pdfFile
	m := mediaRE.FindSubmatch(b)
	if m == nil {
		t.Fatal("no MediaBox")
	}
	f.mediaW = atof(string(m[1])) * mmPt
	f.mediaH = atof(string(m[2])) * mmPt
	for _, loc := range streamRE.FindAllSubmatchIndex(b, -1) {
		n, _ := strconv.Atoi(string(b[loc[2]:loc[3]]))
		body := b[loc[1] : loc[1]+n]
		if !bytes.Contains(body, []byte(" Tz")) {
			continue // not a page: every page sets its page number
		}
		f.pages = append(f.pages, parseContent(body, f.mediaH))
	}
	return f
}

func atof(s string) float64 {
	v, _ := strconv.ParseFloat(s, 64)
	return v
}

func parseContent(b []byte, pageH float64) pdfPage {
	var p pdfPage
	var ops []string
	type gstate struct {
		fillRed, strokeRed bool
		lw                 float64
	}
	g := gstate{}
	var stack []gstate
	var tx, ty, size, tc, tz float64 = 0, 0, 0, 0, 100
	var font string
	tr, trStack := 0.0, []float64{}
	var mx, my float64
	num := func(i int) float64 { return atof(ops[len(ops)-i]) }
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c == ' ' || c == '\n' || c == '\r' || c == '\t':
			i++
			continue
		case c == '(':
			j, depth := i+1, 1
			var s []byte
			for ; j < len(b) && depth > 0; j++ {
				switch b[j] {
				case '\\':
					j++
					switch b[j] {
					case 'n':
						s = append(s, '\n')
					case 'r':
						s = append(s, '\r')
					case 't':
						s = append(s, '\t')
					default:
						s = append(s, b[j])
					}
					continue
				case '(':
					depth++
				case ')':
					depth--
					if depth == 0 {
						continue
					}
				}
				s = append(s, b[j])
			}
			ops = append(ops, "("+string(s))
			i = j
			continue
		}
		j := i
		for j < len(b) && b[j] != ' ' && b[j] != '\n' && b[j] != '(' {
			j++
		}
		tok := string(b[i:j])
		i = j
		if tok[0] == '/' || tok[0] == '-' || tok[0] == '.' || (tok[0] >= '0' && tok[0] <= '9') {
			ops = append(ops, tok)
			continue
		}
		switch tok {
		case "q":
			stack = append(stack, g)
			trStack = append(trStack, tr)
		case "Q":
			g = stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			tr = trStack[len(trStack)-1]
			trStack = trStack[:len(trStack)-1]
		case "Tr":
			tr = num(1)
		case "rg":
			g.fillRed = num(3) == 1 && num(2) == 0 && num(1) == 0
		case "g":
			g.fillRed = false
		case "G":
			g.strokeRed = false
		case "RG":
			g.strokeRed = num(3) == 1 && num(2) == 0 && num(1) == 0
		case "w":
			g.lw = num(1) * mmPt
		case "Tc":
			tc = num(1)
		case "Tz":
			tz = num(1)
		case "Tf":
			font, size = ops[len(ops)-2], num(1)
		case "Td":
			tx, ty = num(2)*mmPt, pageH-num(1)*mmPt
		case "Tj":
			s := ops[len(ops)-1][1:]
			u := make([]uint16, len(s)/2)
			for k := range u {
				u[k] = uint16(s[2*k])<<8 | uint16(s[2*k+1])
			}
			p.texts = append(p.texts, pdfText{x: tx, y: ty, size: size, font: font, red: g.fillRed, tc: tc, tz: tz, bold: tr == 2, text: string(utf16.Decode(u))})
		case "m":
			mx, my = num(2)*mmPt, pageH-num(1)*mmPt
		case "l":
			p.lines = append(p.lines, pdfLine{x1: mx, y1: my, x2: num(2) * mmPt, y2: pageH - num(1)*mmPt, w: g.lw, red: g.strokeRed})
		case "re":
			p.rects = append(p.rects, pdfRect{x: num(4) * mmPt, y: pageH - num(3)*mmPt, w: num(2) * mmPt, h: -num(1) * mmPt})
		}
		ops = ops[:0]
	}
	return p
}
