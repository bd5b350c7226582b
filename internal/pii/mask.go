package pii

import "strings"

// Masks hide most of a value on screen while leaving enough for staff to
// tell records apart and for citizens to recognise their own. They work on
// runes, never bytes, so Chinese text is never cut mid-character.

// MaskName keeps the surname's first character, e.g. "张三" → "张*".
func MaskName(s string) string {
	r := []rune(strings.TrimSpace(s))
	switch len(r) {
	case 0:
		return ""
	case 1:
		return "*"
	}
	return string(r[0]) + strings.Repeat("*", len(r)-1)
}

// MaskPhone shows a mobile number as "138****1234". Other lengths (landlines,
// unnormalised input) keep at most the first 3 and last 2 characters, and
// never more than half, so short values are not left readable.
func MaskPhone(s string) string {
	r := []rune(s)
	if len(r) == 11 {
		return maskMiddle(r, 3, 4)
	}
	return maskMiddle(r, min(3, len(r)/4), min(2, len(r)/4))
}

// MaskPhoneTail shows only the first 3 characters of a phone number, as
// "138********": for pages where the last four digits are a secret, such
// as the booking page that asks for them before cancelling.
func MaskPhoneTail(s string) string {
	r := []rune(s)
	head := min(3, len(r)/4)
	if len(r) == 11 {
		head = 3
	}
	return string(r[:head]) + strings.Repeat("*", len(r)-head)
}

// MaskIDCard keeps the 6-digit region code and the last 4 characters, e.g.
// "360728********1234"; other lengths keep proportionally less.
func MaskIDCard(s string) string {
	r := []rune(s)
	return maskMiddle(r, min(6, len(r)/3), min(4, len(r)/4))
}

// MaskAddress keeps the first 6 characters, usually enough to show the
// district, and hides the rest behind a fixed "****" so the length does not
// leak either. Addresses of 6 characters or fewer keep only the first half.
func MaskAddress(s string) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) == 0 {
		return ""
	}
	keep := 6
	if len(r) <= keep {
		keep = len(r) / 2
	}
	return string(r[:keep]) + "****"
}

func maskMiddle(r []rune, head, tail int) string {
	if len(r) == 0 {
		return ""
	}
	return string(r[:head]) + strings.Repeat("*", len(r)-head-tail) + string(r[len(r)-tail:])
}
