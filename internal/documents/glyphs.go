package documents

import (
	"fmt"
	"strings"

	"zhitong/internal/documents/layout"
)

// substitute replaces in doc every character no installed font has a glyph
// for (a private-use character; a character beyond U+FFFF such as 𠮷 when
// no installed font has it — Noto CJK has it, and then it prints)
// by a visible, faithful stand-in: □ and its code point, 𠮷 → □(U+20BB7).
// It runs before the number is drawn, so what is sealed and stored is what
// prints: an issued document always renders. It returns the characters
// replaced (none when no Chinese font is installed at all: that is a
// deployment fault every rendering reports, not the document's).
func substitute(doc *layout.Doc) []rune {
	if layout.FontsErr() != nil {
		return nil
	}
	missing := layout.Missing(*doc)
	if len(missing) == 0 {
		return nil
	}
	box := "□"
	if len(layout.Missing(layout.Doc{Title: box})) > 0 {
		box = ""
	}
	pairs := make([]string, 0, 2*len(missing))
	for _, r := range missing {
		pairs = append(pairs, string(r), fmt.Sprintf("%s(U+%04X)", box, r))
	}
	rep := strings.NewReplacer(pairs...).Replace
	*doc = layout.MapText(*doc, func(s string, _ bool) string { return rep(s) })
	return missing
}
