// Package search turns Chinese (and mixed) text into the token strings that
// the databases index. Both back ends index a space-separated token column
// produced by Document — SQLite FTS5 with tokenize='unicode61' and
// PostgreSQL to_tsvector('simple', …) — so segmentation happens here, not in
// the database:
//
//   - a run of Han characters yields overlapping character bigrams
//     ("小区停车难" → 小区 区停 停车 车难), because most Chinese words are two
//     characters long and trigram indexes miss them; a one-character run
//     yields that character;
//   - a run of other letters and digits (Latin, digits, …) yields one
//     lower-cased token, with full-width ASCII letters and digits folded to
//     half-width ("Ｇ１０５" → g105);
//   - everything else (spaces, punctuation, symbols) separates runs, and a
//     change between Han and non-Han also ends a run ("G105国道" → g105 国道).
//
// A query matches a document when every query token occurs among the
// document's tokens (FTS5Match, TSQuery). Known limits of bigram indexing:
// a one-character query (路) only matches documents where that character
// stood alone, and a multi-character query matches documents that contain
// all its bigrams even when they are not adjacent.
package search

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxQueryTokens caps the number of tokens Query returns, so that a very long
// query cannot produce an unbounded MATCH expression. Dropping trailing tokens
// only makes a query less strict.
const MaxQueryTokens = 64

type class uint8

const (
	sep class = iota
	han
	word
)

// fold maps full-width ASCII letters and digits to half-width.
func fold(r rune) rune {
	switch {
	case r >= '０' && r <= '９', r >= 'Ａ' && r <= 'Ｚ', r >= 'ａ' && r <= 'ｚ':
		return r - 0xFEE0
	}
	return r
}

func classify(r rune) class {
	switch {
	case unicode.Is(unicode.Han, r):
		// unicode.Han also covers radicals and other symbols (⺀, ⿰) that
		// the database tokenizers treat as separators; keep only
		// ideographs proper.
		if unicode.IsLetter(r) || unicode.IsNumber(r) {
			return han
		}
		return sep
	case unicode.IsLetter(r), unicode.IsDigit(r):
		return word
	}
	return sep
}

// Tokens splits text into search tokens (see the package doc), deduplicated
// in first-seen order. Invalid UTF-8 bytes act as separators.
func Tokens(text string) []string {
	var (
		out  []string
		seen = map[string]bool{}
	)
	emit := func(tok string) {
		if tok != "" && !seen[tok] {
			seen[tok] = true
			out = append(out, tok)
		}
	}
	var (
		cur     class           // class of the current run
		hanRun  []rune          // current Han run
		wordRun strings.Builder // current letter/digit run
	)
	flush := func() {
		switch cur {
		case han:
			if len(hanRun) == 1 {
				emit(string(hanRun))
			}
			for i := 0; i+1 < len(hanRun); i++ {
				emit(string(hanRun[i : i+2]))
			}
			hanRun = hanRun[:0]
		case word:
			emit(strings.ToLower(wordRun.String()))
			wordRun.Reset()
		}
		cur = sep
	}
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		if r == utf8.RuneError && size == 1 {
			flush()
			continue
		}
		r = fold(r)
		c := classify(r)
		if c == word && cur == word {
			wordRun.WriteRune(r)
			continue
		}
		// Combining marks continue a letter/digit run (decomposed accents).
		if cur == word && unicode.Is(unicode.M, r) {
			wordRun.WriteRune(r)
			continue
		}
		if c != cur {
			flush()
			cur = c
		}
		switch c {
		case han:
			hanRun = append(hanRun, r)
		case word:
			wordRun.WriteRune(r)
		}
	}
	flush()
	return out
}

// Document returns the space-separated tokens of text, for the index column.
func Document(text string) string {
	return strings.Join(Tokens(text), " ")
}

// Query returns the tokens of a user query under the same rules as
// Document, at most MaxQueryTokens of them. It returns nil when the query
// has nothing searchable; callers should then skip full-text filtering
// rather than build an empty MATCH expression.
func Query(q string) []string {
	toks := Tokens(q)
	if len(toks) > MaxQueryTokens {
		toks = toks[:MaxQueryTokens]
	}
	return toks
}

// FTS5Match builds an SQLite FTS5 MATCH expression that requires every
// token: each token becomes a double-quoted string (embedded " doubled),
// joined with " AND ". Empty tokens are skipped; no tokens gives "". Pass
// the result as a bound parameter (… WHERE t MATCH ?).
func FTS5Match(tokens []string) string {
	var b strings.Builder
	for _, t := range tokens {
		if t == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(" AND ")
		}
		b.WriteByte('"')
		b.WriteString(strings.ReplaceAll(t, `"`, `""`))
		b.WriteByte('"')
	}
	return b.String()
}

// TSQuery builds a PostgreSQL tsquery text for to_tsquery('simple', $1)
// that requires every token: each token is single-quoted (backslash
// escaped as \\, ' doubled), joined with " & ". Inside quotes the tsquery
// operators & | ! ( ) : <-> are plain text, so any input is safe. Empty
// tokens are skipped; no tokens gives "". Pass the result as a bound
// parameter, never by string interpolation into SQL.
func TSQuery(tokens []string) string {
	var b strings.Builder
	for _, t := range tokens {
		if t == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(" & ")
		}
		b.WriteByte('\'')
		for _, r := range t {
			switch r {
			case '\\':
				b.WriteString(`\\`)
			case '\'':
				b.WriteString(`''`)
			default:
				b.WriteRune(r)
			}
		}
		b.WriteByte('\'')
	}
	return b.String()
}
