package documents

import (
	"regexp"
	"strings"

	"zhitong/internal/documents/layout"
)

// isoDay is a date written 2026-12-28; it counts only standing alone, not
// inside a code of letters, digits and hyphens (a tracking code).
var isoDay = regexp.MustCompile(`\d{4}-\d{2}-\d{2}`)

// codeChar may continue a code around a date-like run.
func codeChar(b byte) bool {
	return b == '-' || b >= '0' && b <= '9' || b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z'
}

// chineseDates rewrites every date a document would print as 2026-12-28
// (staff notes, a report's text) as a 公文 writes it: 2026年12月28日.
// The text the product composes already writes its dates so; this keeps
// what people type in line. A string that is not a real date is kept.
func chineseDates(doc *layout.Doc) {
	*doc = layout.MapText(*doc, func(s string, _ bool) string {
		var b strings.Builder
		last := 0
		for _, m := range isoDay.FindAllStringIndex(s, -1) {
			if (m[0] > 0 && codeChar(s[m[0]-1])) || (m[1] < len(s) && codeChar(s[m[1]])) {
				continue
			}
			b.WriteString(s[last:m[0]])
			b.WriteString(chineseDate(s[m[0]:m[1]]))
			last = m[1]
		}
		if last == 0 {
			return s
		}
		return b.String() + s[last:]
	})
}
