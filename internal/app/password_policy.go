package app

import (
	"strings"

	"zhitong"
)

// Common passwords pass a character-class rule: Password@123 has all four
// classes. What people actually choose is a common word or keyboard walk
// dressed with a capital, a symbol and a year. The check takes the word
// back out — digits and symbols at either end stripped, look-alike
// characters (@→a, 0→o, $→s …) undone — and refuses it when it is a common
// base, or when the password contains the account's user name.

// commonBases are the words under most guessed passwords, lower case.
var commonBases = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`password passwd passw pass pwd admin administrator root
		qwerty qwert qwer asdf asdfgh zxcv zxcvbn qaz qazwsx qazwsxedc wsx abc abcd abcde abcdef
		welcome hello letmein iloveyou love test testing user guest login default changeme master
		super superman manager system sysadmin secadmin auditor security server china beijing
		woaini aini zhongguo huawei baidu taobao tencent qq wechat weixin minyi renda
		daibiao lianluozhan monkey dragon sunshine princess shadow football baseball trustno
		aa aaa aaaa abab xyz`) {
		commonBases[w] = true
	}
}

// commonWalks are keyboard walks and sequences, lower case, letters and
// digits only; a password made of one (and digits or symbols) is refused.
var commonWalks = []string{"1qaz2wsx3edc4rfv", "zaq12wsx", "1qazxsw2", "1q2w3e4r5t", "qwertyuiop",
	"asdfghjkl", "zxcvbnm", "qazwsxedcrfv", "1234567890", "0987654321", "abcdefghijk"}

var shifted = strings.NewReplacer("!", "1", "@", "2", "#", "3", "$", "4", "%", "5", "^", "6", "&", "7", "*", "8", "(", "9", ")", "0")

var lookAlike = strings.NewReplacer("@", "a", "4", "a", "0", "o", "1", "i", "!", "i", "3", "e", "$", "s", "5", "s", "7", "t", "+", "t")

// commonPassword reports whether pw is a common base word or keyboard walk
// in disguise.
func commonPassword(pw string) bool {
	lower := strings.ToLower(pw)
	// The letters and digits only, for keyboard walks; a shifted digit
	// (@ for 2) counts as the digit.
	var alnum strings.Builder
	for _, r := range shifted.Replace(lower) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			alnum.WriteRune(r)
		}
	}
	for _, w := range commonWalks {
		if a := alnum.String(); len(a) >= 6 && (strings.Contains(w, a) || strings.Contains(a, w[:min(8, len(w))])) {
			return true
		}
	}
	// The word: strip digits and symbols at either end, undo look-alikes,
	// keep the letters.
	core := strings.TrimFunc(lower, func(r rune) bool { return !(r >= 'a' && r <= 'z') })
	core = lookAlike.Replace(core)
	var letters strings.Builder
	for _, r := range core {
		if r >= 'a' && r <= 'z' {
			letters.WriteRune(r)
		}
	}
	word := letters.String()
	if commonBases[word] || word == "" {
		return true
	}
	return false
}

// ValidateUserPassword is ValidatePassword for an account: the password
// must also not contain the user name (nor the name reversed).
func ValidateUserPassword(username, pw string) error {
	if err := ValidatePassword(pw); err != nil {
		return err
	}
	u, lower := strings.ToLower(strings.TrimSpace(username)), strings.ToLower(pw)
	if len([]rune(u)) >= 3 && (strings.Contains(lower, u) || strings.Contains(lower, reverse(u))) {
		return zhitong.Invalid("password", "密码不能包含用户名")
	}
	return nil
}

func reverse(s string) string {
	r := []rune(s)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r)
}
