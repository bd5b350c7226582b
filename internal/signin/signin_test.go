package signin

import (
	"strings"
	"testing"
	"time"

	"zhitong"
)

func TestPolicyValidation(t *testing.T) {
	if err := DefaultPolicy().Validate(); err != nil {
		t.Fatalf("default policy: %v", err)
	}
	for _, tc := range []struct {
		change func(*Policy)
		field  string
	}{
		{func(p *Policy) { p.TwoFactorRoles = []zhitong.Role{"boss"} }, "two_factor_roles"},
		{func(p *Policy) { p.TwoFactorRoles = []zhitong.Role{zhitong.RoleIntegration} }, "two_factor_roles"},
		{func(p *Policy) { p.PasswordMaxAgeDays = -1 }, "password_max_age_days"},
		{func(p *Policy) { p.IdleMinutes = 4 }, "idle_minutes"},
		{func(p *Policy) { p.IdleMinutes = 481 }, "idle_minutes"},
		{func(p *Policy) { p.AbsoluteHours = 25 }, "absolute_hours"},
		{func(p *Policy) { p.AbsoluteHours, p.IdleMinutes = 1, 90 }, "idle_minutes"},
		{func(p *Policy) { p.WarnMinutes = 30 }, "warn_minutes"},
		{func(p *Policy) { p.WarnMinutes = 0 }, "warn_minutes"},
	} {
		p := DefaultPolicy()
		tc.change(&p)
		if err := p.Validate(); zhitong.ErrorField(err) != tc.field {
			t.Errorf("%+v: %v, want field %s", p, err, tc.field)
		}
	}
}

func TestRecoveryCodes(t *testing.T) {
	codes := newRecoveryCodes()
	seen := map[string]bool{}
	for _, c := range codes {
		if len(c) != 14 || c[4] != '-' || c[9] != '-' || strings.ContainsAny(c, "01ilo") {
			t.Errorf("recovery code %q", c)
		}
		seen[c] = true
	}
	if len(codes) != RecoveryCodes || len(seen) != RecoveryCodes {
		t.Fatalf("%d codes, %d distinct", len(codes), len(seen))
	}
	// Typed without dashes or in capitals: the same code; another user's: not.
	if recoveryHash(1, codes[0]) != recoveryHash(1, strings.ToUpper(strings.ReplaceAll(codes[0], "-", " "))) {
		t.Error("a recovery code typed differently hashes differently")
	}
	if recoveryHash(1, codes[0]) == recoveryHash(2, codes[0]) {
		t.Error("recovery hashes are not bound to the user")
	}
}

func TestMatchStep(t *testing.T) {
	const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	now := time.Date(2026, 12, 7, 9, 0, 10, 0, time.UTC)
	for d := int64(-2); d <= 2; d++ {
		code, err := Code(secret, now.Add(time.Duration(d*Period)*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		step, ok := matchStep(secret, code, now)
		if want := d >= -Skew && d <= Skew; ok != want || (ok && step != Step(now)+d) {
			t.Errorf("code of step %+d: matched %v at %d", d, ok, step)
		}
	}
	if _, err := decodeSecret("not base32!"); err == nil {
		t.Error("a bad secret decodes")
	}
	e := enrolment("gongwei", secret)
	if !strings.HasPrefix(e.URL, "otpauth://totp/") || !strings.Contains(e.URL, "secret="+secret) || !strings.Contains(e.URL, "issuer=") {
		t.Errorf("otpauth URL %s", e.URL)
	}
}
