package layout

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Punctuation that may not begin a line (行首禁则) or end one (行尾禁则).
const (
	noStart = "，。、；：？！）》」』】〕〉”’…—·,.;:?!)]}%"
	noEnd   = "（《「『【〔〈“‘([{"
)

// wrap breaks s into lines: the first first mm wide, the others rest mm,
// each character followed by tc mm. Runs of Latin letters and digits are
// kept whole when they fit a line.
func (e *engine) wrap(ro role, size float64, s string, first, rest, tc float64) []string {
	type unit struct {
		s string
		w float64
	}
	var units []unit
	rs := []rune(s)
	for i := 0; i < len(rs); {
		j := i + 1
		if isWordRune(rs[i]) {
			for j < len(rs) && isWordRune(rs[j]) {
				j++
			}
		}
		u := string(rs[i:j])
		w := e.width(ro, size, u, tc)
		if j-i > 1 && w > rest {
			j = i + 1
			u = string(rs[i:j])
			w = e.width(ro, size, u, tc)
		}
		units = append(units, unit{u, w})
		i = j
	}
	var lines []string
	avail := first
	for len(units) > 0 {
		n, w := 0, 0.0
		for n < len(units) && w+units[n].w <= avail+0.01 {
			w += units[n].w
			n++
		}
		if n == 0 {
			n = 1
		}
		if n < len(units) {
			// 禁则: pull the character before a closing mark down with it,
			// and never end a line on an opening mark.
			for n > 1 && strings.Contains(noStart, firstRune(units[n].s)) {
				n--
			}
			for n > 1 && strings.Contains(noEnd, lastRune(units[n-1].s)) {
				n--
			}
		}
		var b strings.Builder
		for _, u := range units[:n] {
			b.WriteString(u.s)
		}
		lines = append(lines, b.String())
		units = units[n:]
		avail = rest
	}
	if len(lines) == 0 {
		lines = []string{""}
	}
	return lines
}

// widestWord is the width of the widest run of Latin letters and digits
// in s (what wrap keeps whole).
func (e *engine) widestWord(ro role, size float64, s string) float64 {
	w := 0.0
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		if !isWordRune(rs[i]) {
			continue
		}
		j := i + 1
		for j < len(rs) && isWordRune(rs[j]) {
			j++
		}
		w = max(w, e.width(ro, size, string(rs[i:j]), 0))
		i = j
	}
	return w
}

func isWordRune(r rune) bool {
	return r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.' || r == '-' || r == '/' || r == '_' || r == ':' || r == '%')
}

func firstRune(s string) string {
	_, n := utf8.DecodeRuneInString(s)
	return s[:n]
}

func lastRune(s string) string {
	_, n := utf8.DecodeLastRuneInString(s)
	return s[len(s)-n:]
}

// bodyTC is the spacing that puts 28 characters of 3号 in 156 mm.
var bodyTC = CharPitch - size3*ptMM

// para sets a paragraph on the grid: indent characters in on its first
// line, hang characters in on the others, justified but for its last line.
func (e *engine) para(ro role, s string, indent, hang float64) {
	first := TypeW - indent*CharPitch
	rest := TypeW - hang*CharPitch
	lines := e.wrap(ro, size3, s, first, rest, bodyTC)
	for i, ln := range lines {
		e.part = i
		e.need(1)
		x, avail := Left+hang*CharPitch, rest
		if i == 0 {
			x, avail = Left+indent*CharPitch, first
		}
		tc := bodyTC
		if i < len(lines)-1 {
			if n := utf8.RuneCountInString(ln); n > 0 {
				nat := e.width(ro, size3, ln, 0)
				tc = (avail - nat) / float64(n)
			}
		}
		e.put(ro, size3, ln, x, tc, e.row)
		e.row++
	}
	e.part = 0
}
