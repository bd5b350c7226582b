package search

import (
	"slices"
	"strings"
	"testing"
)

// matches is the in-Go model of what both databases do with our columns:
// a query matches when all its tokens are among the document's tokens.
func matches(doc, query string) bool {
	q := Query(query)
	if len(q) == 0 {
		return false
	}
	have := map[string]bool{}
	for _, t := range strings.Fields(Document(doc)) {
		have[t] = true
	}
	for _, t := range q {
		if !have[t] {
			return false
		}
	}
	return true
}

func TestTokens(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{"小区停车难", []string{"小区", "区停", "停车", "车难"}},
		{"难", []string{"难"}},
		{"", nil},
		{"  ，。！？  ", nil},
		{"G105国道", []string{"g105", "国道"}},
		{"国道G105路段", []string{"国道", "g105", "路段"}},
		{"Ｇ１０５国道", []string{"g105", "国道"}},
		{"１２３４５", []string{"12345"}},
		{"ＡＢＣ ａｂｃ", []string{"abc"}},
		{"WiFi信号差，WIFI", []string{"wifi", "信号", "号差"}},
		{"噪音噪音，噪音", []string{"噪音", "音噪"}},
		{"路、桥", []string{"路", "桥"}},
		{"3月5日", []string{"3", "月", "5", "日"}},
		{"12345热线", []string{"12345", "热线"}},
		{"a-b_c.d", []string{"a", "b", "c", "d"}},
		{"Café naïve", []string{"café", "naïve"}},
		{"Cafe\u0301", []string{"cafe\u0301"}},
		{"\xff小区\xfe停车", []string{"小区", "停车"}},
		{"⺀⿰人口", []string{"人口"}},
		{"〇", []string{"〇"}},
		{"𠀀𠀁", []string{"𠀀𠀁"}}, // CJK Extension B
		{"'\"\\:&|!()<->*^", nil},
	}
	for _, c := range cases {
		got := Tokens(c.in)
		if !slices.Equal(got, c.want) {
			t.Errorf("Tokens(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestDocument(t *testing.T) {
	if got := Document("晚上广场舞噪音太大"); got != "晚上 上广 广场 场舞 舞噪 噪音 音太 太大" {
		t.Errorf("Document = %q", got)
	}
	if Document("！？") != "" {
		t.Error("Document of punctuation should be empty")
	}
}

func TestMatch(t *testing.T) {
	cases := []struct {
		doc, q string
		want   bool
	}{
		{"晚上广场舞噪音太大", "噪音", true},
		{"晚上广场舞噪音太大", "广场舞", true},
		{"晚上广场舞噪音太大", "广场舞噪音", true},
		{"小区停车位不足", "停车", true},
		{"小区停车位不足", "停车位", true},
		{"小区停车位不足", "小区 停车", true},
		{"小区停车位不足", "噪音", false},
		{"小区停车位不足", "停车难", false},
		{"晚上广场舞噪音太大", "停车", false},
		{"G105国道定南段路面破损", "g105", true},
		{"G105国道定南段路面破损", "Ｇ１０５", true},
		{"G105国道定南段路面破损", "G105 路面", true},
		{"G105国道定南段路面破损", "G10", false},
		{"G105国道定南段路面破损", "G106", false},
		{"拨打１２３４５热线无人接听", "12345", true},
		{"拨打12345热线无人接听", "１２３４５热线", true},
		{"小区停车位不足", "", false},
		{"小区停车位不足", "！！", false},
	}
	for _, c := range cases {
		if got := matches(c.doc, c.q); got != c.want {
			t.Errorf("match(%q, %q) = %v, want %v", c.doc, c.q, got, c.want)
		}
	}
}

func TestQuery(t *testing.T) {
	if q := Query("  ？！ "); q != nil {
		t.Errorf("Query(punct) = %q", q)
	}
	if q := Query("停车 停车"); !slices.Equal(q, []string{"停车"}) {
		t.Errorf("Query dedup = %q", q)
	}
	long := strings.Repeat("一二三四五六七八九十", 50)
	if n := len(Query(long)); n > MaxQueryTokens {
		t.Errorf("Query(long) gave %d tokens", n)
	}
}

var nasty = []string{
	`"`, `""`, `'`, `''`, `\`, `\\`, `\'`, `'\`, `a"b`, `a'b`, `a\b`,
	`x:*`, `a:AB`, `a & b`, `a | b`, `!a`, `(a)`, `a <-> b`, `a <2> b`,
	`NEAR(a b)`, `a OR b`, `NOT a`, `col:a`, `^a`, `a*`, `'); DROP TABLE cases; --`,
	`" OR "" = "`, `' | 'x`, "\x00", "\n", "停'车", `停"车`,
}

// parseFTS5 decodes FTS5Match output, failing on anything outside quotes
// other than the AND separators.
func parseFTS5(t *testing.T, s string) []string {
	t.Helper()
	var out []string
	for i := 0; i < len(s); {
		if len(out) > 0 {
			if !strings.HasPrefix(s[i:], " AND ") {
				t.Fatalf("%q: expected AND at %d", s, i)
			}
			i += len(" AND ")
		}
		if s[i] != '"' {
			t.Fatalf("%q: expected quote at %d", s, i)
		}
		i++
		var b strings.Builder
		for {
			if i >= len(s) {
				t.Fatalf("%q: unterminated string", s)
			}
			if s[i] == '"' {
				if i+1 < len(s) && s[i+1] == '"' {
					b.WriteByte('"')
					i += 2
					continue
				}
				i++
				break
			}
			b.WriteByte(s[i])
			i++
		}
		out = append(out, b.String())
	}
	return out
}

// parseTSQuery decodes TSQuery output the way PostgreSQL's tsquery parser
// reads quoted operands (doubled quotes, backslash escapes), failing on
// anything outside quotes other than the & separators.
func parseTSQuery(t *testing.T, s string) []string {
	t.Helper()
	var out []string
	for i := 0; i < len(s); {
		if len(out) > 0 {
			if !strings.HasPrefix(s[i:], " & ") {
				t.Fatalf("%q: expected & at %d", s, i)
			}
			i += len(" & ")
		}
		if s[i] != '\'' {
			t.Fatalf("%q: expected quote at %d", s, i)
		}
		i++
		var b strings.Builder
		for {
			if i >= len(s) {
				t.Fatalf("%q: unterminated string", s)
			}
			switch {
			case s[i] == '\\':
				if i+1 >= len(s) {
					t.Fatalf("%q: dangling backslash", s)
				}
				b.WriteByte(s[i+1])
				i += 2
				continue
			case s[i] == '\'' && i+1 < len(s) && s[i+1] == '\'':
				b.WriteByte('\'')
				i += 2
				continue
			case s[i] == '\'':
				i++
			default:
				b.WriteByte(s[i])
				i++
				continue
			}
			break
		}
		out = append(out, b.String())
	}
	return out
}

func TestInjection(t *testing.T) {
	// Raw strings straight into the builders: they must round-trip.
	for _, s := range nasty {
		toks := []string{s, "停车"}
		if got := parseFTS5(t, FTS5Match(toks)); !slices.Equal(got, toks) {
			t.Errorf("FTS5Match(%q) = %q decodes to %q", toks, FTS5Match(toks), got)
		}
		if got := parseTSQuery(t, TSQuery(toks)); !slices.Equal(got, toks) {
			t.Errorf("TSQuery(%q) = %q decodes to %q", toks, TSQuery(toks), got)
		}
	}
	// Through Query, operators never survive tokenization at all.
	for _, s := range nasty {
		for _, tok := range Query(s) {
			if strings.ContainsAny(tok, "\"'\\:&|!()<>*^-;= \x00\n") {
				t.Errorf("Query(%q) produced token %q", s, tok)
			}
		}
	}
	if got := FTS5Match(Query(`停车" OR "1`)); got != `"停车" AND "or" AND "1"` {
		t.Errorf("FTS5Match = %s", got)
	}
	if got := TSQuery(Query(`停车' | '1`)); got != `'停车' & '1'` {
		t.Errorf("TSQuery = %s", got)
	}
}

func TestBuilders(t *testing.T) {
	toks := []string{"小区", "停车"}
	if got := FTS5Match(toks); got != `"小区" AND "停车"` {
		t.Errorf("FTS5Match = %s", got)
	}
	if got := TSQuery(toks); got != `'小区' & '停车'` {
		t.Errorf("TSQuery = %s", got)
	}
	if got := FTS5Match([]string{`a"b`}); got != `"a""b"` {
		t.Errorf("FTS5Match quote = %s", got)
	}
	if got := TSQuery([]string{`a'b\c`}); got != `'a''b\\c'` {
		t.Errorf("TSQuery quote = %s", got)
	}
	if FTS5Match(nil) != "" || TSQuery(nil) != "" || FTS5Match([]string{""}) != "" || TSQuery([]string{"", ""}) != "" {
		t.Error("no tokens should give empty expressions")
	}
	if got := TSQuery([]string{"", "a"}); got != `'a'` {
		t.Errorf("TSQuery skip empty = %s", got)
	}
}

func FuzzTokens(f *testing.F) {
	for _, s := range append(nasty, "小区停车难", "G105国道", "Ｇ１０５") {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		toks := Query(s)
		if len(toks) > MaxQueryTokens {
			t.Fatal("too many tokens")
		}
		seen := map[string]bool{}
		for _, tok := range toks {
			if tok == "" || seen[tok] || strings.ContainsAny(tok, "\"'\\ \t\n&|!():*") {
				t.Fatalf("bad token %q from %q", tok, s)
			}
			seen[tok] = true
		}
		if got := parseFTS5(t, FTS5Match(toks)); len(toks) > 0 && !slices.Equal(got, toks) {
			t.Fatalf("FTS5 round trip %q", s)
		}
		if got := parseTSQuery(t, TSQuery(toks)); len(toks) > 0 && !slices.Equal(got, toks) {
			t.Fatalf("tsquery round trip %q", s)
		}
	})
}
