package demo

import (
	"context"
	"testing"

	"zhitong"
	"zhitong/internal/signin"
	"zhitong/internal/testkit"
)

// TestDemoTwoFactorIsOptional: the demo county's sign-in needs no code (the
// printed password is enough), while a fresh deployment's default policy
// requires it of the administrators and the committee; a policy someone
// saved on a demo database is kept.
func TestDemoTwoFactorIsOptional(t *testing.T) {
	ctx := context.Background()
	a, _ := testkit.MustApp(t)
	svc := signin.New(a)
	if pol := testkit.Must(svc.Policy(ctx))(t); !pol.Requires(zhitong.RoleSecAdmin) || !pol.Requires(zhitong.RoleCommittee) {
		t.Fatalf("default policy %+v", pol)
	}
	if err := demoSignIn(ctx, a); err != nil {
		t.Fatal(err)
	}
	if pol := testkit.Must(svc.Policy(ctx))(t); len(pol.TwoFactorRoles) != 0 {
		t.Fatalf("demo policy requires %v", pol.TwoFactorRoles)
	}
	pol := signin.DefaultPolicy()
	testkit.Must(svc.SetPolicy(ctx, zhitong.Principal{Name: "system"}, pol))(t)
	if err := demoSignIn(ctx, a); err != nil {
		t.Fatal(err)
	}
	if got := testkit.Must(svc.Policy(ctx))(t); !got.Requires(zhitong.RoleSecAdmin) {
		t.Error("demo loading again dropped the saved policy")
	}
}
