package testkit

import (
	"context"
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/setup"
	"zhitong/internal/store"
)

// SetUp sets up region (e.g. "360783", 龙南市) on a's empty database the way
// zhitong init does — regions, organisation, default categories, a security
// administrator and a committee account — and returns what it did; the
// accounts' initial passwords are in the result.
func SetUp(tb testing.TB, a *app.App, region string) *setup.Result {
	tb.Helper()
	res, err := setup.New(a).Run(context.Background(), app.System, setup.Input{Region: region, Via: "test"})
	if err != nil {
		tb.Fatalf("set up %s: %v", region, err)
	}
	return res
}

// Principal returns the principal of the account set-up created with the
// given role (secadmin or committee).
func Principal(tb testing.TB, a *app.App, res *setup.Result, role zhitong.Role) zhitong.Principal {
	tb.Helper()
	for _, acc := range res.Accounts {
		if acc.Role == role {
			u, err := store.GetUser(context.Background(), a.DB(), acc.ID)
			if err != nil {
				tb.Fatal(err)
			}
			return u.Principal()
		}
	}
	tb.Fatalf("set-up created no %s account", role)
	return zhitong.Principal{}
}
