package sso

import "testing"

func TestClaimPhone(t *testing.T) {
	for claim, want := range map[string]string{
		"+86 138 0013 8000": "13800138000",
		"+8613800138000":    "13800138000",
		"8613800138000":     "13800138000",
		"13800138000":       "13800138000",
		"0797-4281234":      "07974281234",
		"(0797) 4281234":    "07974281234",
		"+1 415 555 0100":   "", // another country
		"138-0013-800x":     "", // not a number
		"12345":             "", // too short
		"":                  "",
	} {
		if got := claimPhone(claim); got != want {
			t.Errorf("claimPhone(%q) = %q, want %q", claim, got, want)
		}
	}
}

func TestMask(t *testing.T) {
	for s, want := range map[string]string{"officer-0001": "of********01", "abcd": "****", "张三丰五": "****", "张三丰五六": "张三*五六", "": ""} {
		if got := mask(s); got != want {
			t.Errorf("mask(%q) = %q, want %q", s, got, want)
		}
	}
}
