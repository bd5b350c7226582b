package demo

import (
	"context"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/signin"
)

// demoSignIn makes two-factor sign-in optional in the demo county, so that
// anyone trying it signs in with the printed password alone; every account
// may still turn it on under 我的账号 → 两步验证 to see how it works. A real
// deployment (zhitong init) keeps signin.DefaultPolicy: the three
// administrators and the committee must use it. Only when no policy was
// saved yet: a demo database whose administrator chose one keeps it.
func demoSignIn(ctx context.Context, a *app.App) error {
	svc := signin.New(a)
	saved, err := svc.Saved(ctx)
	if err != nil || saved {
		return err
	}
	pol := signin.DefaultPolicy()
	pol.TwoFactorRoles = []zhitong.Role{}
	_, err = svc.SetPolicy(ctx, app.System, pol)
	return err
}
