package layout

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Chinese date as GB/T 9704-2012 prints it: 2026年12月7日.
func cnDate(t time.Time) string {
	return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
}

func cnNum(n int) string {
	d := []string{"", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	switch {
	case n <= 0:
		return strconv.Itoa(n)
	case n < 10:
		return d[n]
	case n < 20:
		return "十" + d[n%10]
	case n < 100:
		return d[n/10] + "十" + d[n%10]
	}
	return strconv.Itoa(n)
}

var headingPrefix = map[BlockKind]*regexp.Regexp{
	Heading1: regexp.MustCompile(`^[一二三四五六七八九十百]+、`),
	Heading2: regexp.MustCompile(`^（[一二三四五六七八九十百]+）`),
	Heading3: regexp.MustCompile(`^[0-9]+[.．]`),
	Heading4: regexp.MustCompile(`^（[0-9]+）`),
}

var headingRole = map[BlockKind]role{Heading1: heiTi, Heading2: kaiTi, Heading3: fangSong, Heading4: fangSong}

// MapText returns d with every text the layout prints passed through f:
// the mark, number, 份号, 密级, 紧急程度, title, addressee, signer, 印发机关,
// the body's paragraphs, headings and table cells, the attachments, the
// 抄送 and the verification code. lines is true for the texts that may
// hold line breaks (the title and body paragraphs). d's slices are not
// changed: the result has its own.
func MapText(d Doc, f func(s string, lines bool) string) Doc {
	one := func(s string) string { return f(s, false) }
	d.Authority, d.Number, d.Copy, d.Secret, d.Urgency = one(d.Authority), one(d.Number), one(d.Copy), one(d.Secret), one(d.Urgency)
	d.Title, d.Addressee, d.Signer, d.Printer = f(d.Title, true), one(d.Addressee), one(d.Signer), one(d.Printer)
	if d.Body != nil {
		body := make([]Block, len(d.Body))
		for i, b := range d.Body {
			b.Text = f(b.Text, b.Kind == Para)
			if b.Rows != nil {
				rows := make([][]string, len(b.Rows))
				for j, r := range b.Rows {
					rows[j] = make([]string, len(r))
					for k, cell := range r {
						rows[j][k] = one(cell)
					}
				}
				b.Rows = rows
			}
			body[i] = b
		}
		d.Body = body
	}
	list := func(l []string) []string {
		if l == nil {
			return nil
		}
		out := make([]string, len(l))
		for i, s := range l {
			out[i] = one(s)
		}
		return out
	}
	d.Attachments, d.CC = list(d.Attachments), list(d.CC)
	if d.Verify != nil {
		v := *d.Verify
		v.Code = one(v.Code)
		d.Verify = &v
	}
	return d
}

// allRunes is every printed character of d, for Missing without fonts.
func allRunes(d Doc) []rune {
	seen := map[rune]bool{}
	MapText(d, func(s string, _ bool) string {
		for _, r := range s {
			if !unicode.IsSpace(r) {
				seen[r] = true
			}
		}
		return s
	})
	out := make([]rune, 0, len(seen))
	for r := range seen {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// clean drops control characters (but line breaks in the title and body
// paragraphs) and turns tabs into spaces: they have no glyph and print
// nothing.
func clean(d Doc) Doc {
	c := func(s string) string {
		return strings.Map(func(r rune) rune {
			switch {
			case r == '\t':
				return ' '
			case r == '\n':
				return r
			case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
				return -1
			}
			return r
		}, s)
	}
	one := func(s string) string { return strings.ReplaceAll(c(s), "\n", " ") }
	d.Kind = one(d.Kind)
	return MapText(d, func(s string, lines bool) string {
		if lines {
			return c(s)
		}
		return one(s)
	})
}
