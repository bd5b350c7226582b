package pii

import (
	"errors"
	"testing"
	"time"
)

func TestNormalizePhone(t *testing.T) {
	tests := []struct {
		in      string
		want    string
		wantErr error
	}{
		{"13812341234", "13812341234", nil},
		{"19912341234", "19912341234", nil},
		{"138 1234 1234", "13812341234", nil},
		{"138-1234-1234", "13812341234", nil},
		{" 13812341234\t", "13812341234", nil},
		{"+8613812341234", "13812341234", nil},
		{"+86 138 1234 1234", "13812341234", nil},
		{"+86-138-1234-1234", "13812341234", nil},
		{"8613812341234", "13812341234", nil},
		{"008613812341234", "13812341234", nil},
		{"１３８１２３４１２３４", "13812341234", nil},
		{"１３８－１２３４－１２３４", "13812341234", nil},
		{"", "", ErrPhoneEmpty},
		{"  ", "", ErrPhoneEmpty},
		{"1381234123", "", ErrPhoneFormat},
		{"138123412345", "", ErrPhoneFormat},
		{"12812341234", "", ErrPhoneFormat},
		{"10812341234", "", ErrPhoneFormat},
		{"23812341234", "", ErrPhoneFormat},
		{"1381234123a", "", ErrPhoneFormat},
		{"010-12345678", "", ErrPhoneFormat},
		{"+85291234567", "", ErrPhoneFormat},
		{"+8612812341234", "", ErrPhoneFormat},
		{"8613812341", "", ErrPhoneFormat},
		{"138１２３４１２３４x", "", ErrPhoneFormat},
		{"一三八一二三四一二三四", "", ErrPhoneFormat},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := NormalizePhone(tt.in)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("NormalizePhone(%q) error = %v, want %v", tt.in, err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("NormalizePhone(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// withCheck appends the GB 11643 check character, computed independently of
// idCheckChar: weight i is 2^(17-i) mod 11.
func withCheck(t *testing.T, first17 string) string {
	t.Helper()
	if len(first17) != 17 {
		t.Fatalf("withCheck(%q): need 17 digits", first17)
	}
	sum := 0
	for i := 0; i < 17; i++ {
		w := 1
		for range 17 - i {
			w = w * 2 % 11
		}
		sum += int(first17[i]-'0') * w
	}
	// The check value c satisfies (sum + c) ≡ 1 (mod 11); 10 is written X.
	c := (12 - sum%11) % 11
	if c == 10 {
		return first17 + "X"
	}
	return first17 + string(rune('0'+c))
}

// withBadCheck returns first17 followed by a check character that is wrong.
func withBadCheck(t *testing.T, first17 string) string {
	good := withCheck(t, first17)
	if good[17] == '0' {
		return first17 + "1"
	}
	return first17 + "0"
}

func TestWithCheckAgreesWithPublishedExamples(t *testing.T) {
	// Published examples, so the test helper is itself checked.
	for _, id := range []string{"11010519491231002X", "360728199001011236"} {
		if got := withCheck(t, id[:17]); got != id {
			t.Errorf("withCheck(%q) = %q, want %q", id[:17], got, id)
		}
	}
}

func TestNormalizeIDCard(t *testing.T) {
	tomorrow := time.Now().In(chinaTime).AddDate(0, 0, 1).Format("20060102")
	today := time.Now().In(chinaTime).Format("20060102")
	tests := []struct {
		name    string
		in      string
		want    string
		wantErr error
	}{
		{"valid", "360728199001011236", "360728199001011236", nil},
		{"valid X", "11010519491231002X", "11010519491231002X", nil},
		{"lower-case x", "11010519491231002x", "11010519491231002X", nil},
		{"spaces", " 360728 19900101 1236 ", "360728199001011236", nil},
		{"full-width", "３６０７２８１９９００１０１１２３６", "360728199001011236", nil},
		{"full-width x", "１１０１０５１９４９１２３１００２ｘ", "11010519491231002X", nil},
		{"leap day", withCheck(t, "36072820000229123"), withCheck(t, "36072820000229123"), nil},
		{"born 1900", withCheck(t, "36072819000101123"), withCheck(t, "36072819000101123"), nil},
		{"born today", withCheck(t, "360728"+today+"123"), withCheck(t, "360728"+today+"123"), nil},

		{"empty", "", "", ErrIDCardEmpty},
		{"17 digits", "36072819900101123", "", ErrIDCardLength},
		{"19 digits", "3607281990010112361", "", ErrIDCardLength},
		{"15-digit old format", "360728900101123", "", ErrIDCardLength},
		{"letter inside", "36072819900A011235", "", ErrIDCardFormat},
		{"X not last", "3607281990010112X5", "", ErrIDCardFormat},
		{"other check letter", "36072819900101123Y", "", ErrIDCardFormat},
		{"chinese character", "36072819900101123五", "", ErrIDCardFormat},

		{"wrong check digit", withBadCheck(t, "36072819900101123"), "", ErrIDCardChecksum},
		{"X where digit due", "36072819900101123X", "", ErrIDCardChecksum},
		{"digit where X due", "110105194912310020", "", ErrIDCardChecksum},
		{"swapped digits", "360728199001011326", "", ErrIDCardChecksum},

		{"month 13", withCheck(t, "36072819901301123"), "", ErrIDCardBirthDate},
		{"month 00", withCheck(t, "36072819900001123"), "", ErrIDCardBirthDate},
		{"day 00", withCheck(t, "36072819900100123"), "", ErrIDCardBirthDate},
		{"31 April", withCheck(t, "36072819900431123"), "", ErrIDCardBirthDate},
		{"29 Feb non-leap", withCheck(t, "36072819900229123"), "", ErrIDCardBirthDate},
		{"29 Feb 1900", withCheck(t, "36072819000229123"), "", ErrIDCardBirthDate},
		{"before 1900", withCheck(t, "36072818991231123"), "", ErrIDCardBirthDate},
		{"tomorrow", withCheck(t, "360728"+tomorrow+"123"), "", ErrIDCardBirthDate},
		{"far future", withCheck(t, "36072829990101123"), "", ErrIDCardBirthDate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NormalizeIDCard(tt.in)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("NormalizeIDCard(%q) error = %v, want %v", tt.in, err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("NormalizeIDCard(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestValidationMessagesAreDistinctChinese(t *testing.T) {
	errs := []error{ErrPhoneEmpty, ErrPhoneFormat, ErrContactFormat, ErrIDCardEmpty, ErrIDCardLength, ErrIDCardFormat, ErrIDCardBirthDate, ErrIDCardChecksum}
	seen := map[string]bool{}
	for _, err := range errs {
		msg := err.Error()
		if seen[msg] {
			t.Errorf("duplicate message %q", msg)
		}
		seen[msg] = true
		han := false
		for _, r := range msg {
			if r >= 0x4e00 && r <= 0x9fff {
				han = true
				break
			}
		}
		if !han {
			t.Errorf("message %q is not Chinese", msg)
		}
	}
}

func TestNormalizeContactPhone(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"138 1234 1234", "13812341234"},
		{"0797-4281234", "0797-4281234"},
		{"07974281234", "0797-4281234"},
		{"（0797）4281234", "0797-4281234"},
		{"0797 42812345", "0797-42812345"},
		{"010-62345678", "010-62345678"},
		{"02088886666", "020-88886666"},
		{"4281234", ""},         // no area code
		{"0797-428123", ""},     // local number too short
		{"010-12345678", ""},    // a local number does not start with 1
		{"0797-4281234567", ""}, // too long
		{"0797-42812a4", ""},
	} {
		got, err := NormalizeContactPhone(tc.in)
		if got != tc.want || (tc.want == "") != (err == ErrContactFormat) {
			t.Errorf("NormalizeContactPhone(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
		if tc.want != "" && IsMobile(got) != (tc.want[0] == '1') {
			t.Errorf("IsMobile(%q) = %v", got, IsMobile(got))
		}
	}
}
