package pii

import (
	"errors"
	"strings"
	"time"
)

// Validation errors. Their text is shown to citizens and staff as is.
var (
	ErrPhoneEmpty      = errors.New("请填写手机号码")
	ErrPhoneFormat     = errors.New("手机号码格式不正确，请填写11位大陆手机号码")
	ErrContactFormat   = errors.New("电话号码格式不正确：请填写11位手机号码，或带区号的固定电话（如 0797-4281234）")
	ErrIDCardEmpty     = errors.New("请填写身份证号码")
	ErrIDCardLength    = errors.New("身份证号码应为18位，请核对后重新填写")
	ErrIDCardFormat    = errors.New("身份证号码格式不正确：前17位应为数字，最后一位应为数字或字母X")
	ErrIDCardBirthDate = errors.New("身份证号码中的出生日期无效，请核对后重新填写")
	ErrIDCardChecksum  = errors.New("身份证号码校验位不正确，请核对后重新填写")
)

// fold turns full-width digits, letters and punctuation, which Chinese input
// methods produce easily, into ASCII, and drops the separators people type
// between digit groups.
func fold(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == ' ' || r == '\t' || r == '\u3000' || r == '-' || r == '－' || r == '—' || r == '–':
			continue
		case r >= '！' && r <= '～':
			r -= '！' - '!'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// NormalizePhone returns the 11-digit form of a mainland mobile number, so
// that the same phone always yields the same blind index however it was
// typed.
func NormalizePhone(s string) (string, error) {
	s = fold(s)
	if s == "" {
		return "", ErrPhoneEmpty
	}
	switch {
	case strings.HasPrefix(s, "+86"):
		s = s[3:]
	case strings.HasPrefix(s, "0086"):
		s = s[4:]
	case strings.HasPrefix(s, "86") && len(s) == 13:
		s = s[2:]
	}
	if len(s) != 11 || s[0] != '1' || s[1] < '3' || s[1] > '9' || !allDigits(s) {
		return "", ErrPhoneFormat
	}
	return s, nil
}

// NormalizeContactPhone accepts what a citizen leaves as a contact number:
// a mainland mobile (returned in NormalizePhone's 11-digit form) or a
// landline with its area code, returned as area code, dash, local number
// ("0797-4281234"), however it was typed. Only mobiles receive text
// messages (IsMobile).
func NormalizeContactPhone(s string) (string, error) {
	if p, err := NormalizePhone(s); err == nil || err == ErrPhoneEmpty {
		return p, err
	}
	d := strings.NewReplacer("(", "", ")", "", "（", "", "）", "").Replace(fold(s))
	if len(d) < 10 || len(d) > 12 || d[0] != '0' || !allDigits(d) {
		return "", ErrContactFormat
	}
	area := 4 // 0797: most area codes have four digits …
	if d[1] == '1' || d[1] == '2' {
		area = 3 // … Beijing (010) and the 02x cities have three
	}
	local := d[area:]
	if len(local) < 7 || len(local) > 8 || local[0] < '2' {
		return "", ErrContactFormat
	}
	return d[:area] + "-" + local, nil
}

// IsMobile reports whether a normalised contact number is a mobile, which
// can receive text messages.
func IsMobile(phone string) bool { return len(phone) == 11 && phone[0] == '1' && allDigits(phone) }

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// chinaTime avoids depending on the tz database, which minimal containers
// often lack; China has had no DST since 1991.
var chinaTime = time.FixedZone("CST", 8*60*60)

// NormalizeIDCard checks an 18-character resident identity card number
// (GB 11643-1999) and returns it with an upper-case check character. A typo
// is caught here rather than stored, since a wrong ID is hard to notice later.
func NormalizeIDCard(s string) (string, error) {
	s = strings.ToUpper(fold(s))
	if s == "" {
		return "", ErrIDCardEmpty
	}
	if len(s) != 18 {
		// Count runes so that, e.g., a Chinese character does not make a
		// 17-character entry look like "too long".
		if len([]rune(s)) != 18 {
			return "", ErrIDCardLength
		}
		return "", ErrIDCardFormat
	}
	if !allDigits(s[:17]) || !(s[17] == 'X' || s[17] >= '0' && s[17] <= '9') {
		return "", ErrIDCardFormat
	}
	// Birth date before checksum: a mistyped date usually breaks both, and
	// pointing at the date tells the person where to look.
	birth, err := time.ParseInLocation("20060102", s[6:14], chinaTime)
	if err != nil || birth.Year() < 1900 || birth.After(time.Now().In(chinaTime)) {
		return "", ErrIDCardBirthDate
	}
	if idCheckChar(s[:17]) != s[17] {
		return "", ErrIDCardChecksum
	}
	return s, nil
}

// idCheckChar computes the ISO 7064 MOD 11-2 check character of the first 17
// digits.
func idCheckChar(d string) byte {
	weights := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(d[i]-'0') * w
	}
	return "10X98765432"[sum%11]
}
