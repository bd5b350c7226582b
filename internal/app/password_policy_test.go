package app_test

import (
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/testkit"
)

func TestPasswordPolicyRefusesCommonPasswordsAndTheUserName(t *testing.T) {
	for _, c := range []struct {
		user, pw string
		ok       bool
	}{
		{"wangxm", "Password@123", false},
		{"wangxm", "P@ssw0rd123!", false},
		{"wangxm", "Admin@2024!", false},
		{"wangxm", "Qwerty@12345", false},
		{"wangxm", "1qaz@WSX3edc", false},
		{"wangxm", "1qaz2wsx#QAZ", false},
		{"wangxm", "Welcome#2026", false},
		{"wangxm", "Woaini@1314", false},
		{"wangxm", "Abc@123456789", false},
		{"wangxm", "2026@Root!!", false},
		{"wangxm", "Wangxm@2026x", false}, // contains the user name
		{"wangxm", "mxgnaW#2026", false},  // the user name reversed
		{"wangxm", "Hu@ngShan-river7", true},
		{"wangxm", "Zt#48193027q", true},
		{"wangxm", "Test-Passw0rd", true},
		{"wangxm", "Zhitong@2026", true}, // the demo's, printed at start-up
	} {
		err := app.ValidateUserPassword(c.user, c.pw)
		if (err == nil) != c.ok {
			t.Errorf("%q for %q: %v, want ok=%v", c.pw, c.user, err, c.ok)
		}
		if err != nil && (zhitong.ErrorCode(err) != zhitong.EINVALID || zhitong.ErrorField(err) != "password") {
			t.Errorf("%q: %v, want invalid on password", c.pw, err)
		}
	}
	// The account paths use it.
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	p := f.In[zhitong.RoleOfficer]
	if _, err := a.AddUser(ctx, app.System, app.UserInput{Username: "lixh", Role: p.Role, RegionCode: p.RegionCode, Password: "Password@123"}); zhitong.ErrorCode(err) != zhitong.EINVALID {
		t.Errorf("add user with Password@123: %v", err)
	}
	if _, err := a.AddUser(ctx, app.System, app.UserInput{Username: "lixh", Role: p.Role, RegionCode: p.RegionCode, Password: "Hu@ngShan-river7"}); err != nil {
		t.Fatal(err)
	}
	if err := a.SetPassword(ctx, app.System, "lixh", "Lixh#20261207"); zhitong.ErrorCode(err) != zhitong.EINVALID {
		t.Errorf("set a password containing the user name: %v", err)
	}
}
