package testkit

import (
	"context"
	"testing"
	"time"

	"zhitong/internal/app"
	"zhitong/internal/signin"
	"zhitong/internal/store"
)

// TOTPSecret is the two-factor secret TwoFactorCode enrols test accounts
// with (Base32, as authenticator apps take it).
const TOTPSecret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

// TwoFactorCode prepares username for signing in and returns the code to
// send with the password (POST /login's or POST /api/v1/session's "code"),
// or "" when the account needs none. An account whose role the sign-in
// policy requires two factors of (fresh deployments: the three
// administrators and the committee) is enrolled with TOTPSecret first,
// unless it is enrolled already — with TOTPSecret, by this helper; an
// account enrolled otherwise cannot be signed in by it. The code is one the
// server has not accepted yet (a code is good once): within the ±30 s the
// server accepts, or else the test clock (a *Clock) moves on 30 s.
//
// Every test that signs in goes through this (the server's, the web's and
// the browser tests' login helpers call it); new tests should use those
// helpers rather than post /login by hand.
func TwoFactorCode(tb testing.TB, a *app.App, username string) string {
	tb.Helper()
	ctx := context.Background()
	u, err := store.GetUserByName(ctx, a.DB(), username)
	if err != nil {
		tb.Fatalf("two-factor code for %s: %v", username, err)
	}
	svc := signin.New(a)
	enrolled, err := svc.Enrolled(ctx, u.ID)
	if err != nil {
		tb.Fatal(err)
	}
	if !enrolled {
		pol, err := svc.Policy(ctx)
		if err != nil {
			tb.Fatal(err)
		}
		if !pol.Requires(u.Role) {
			return ""
		}
		if err := svc.EnrolSecret(ctx, app.System, u.ID, TOTPSecret); err != nil {
			tb.Fatalf("enrol %s: %v", username, err)
		}
	}
	return NextCode(tb, a, u.ID, TOTPSecret)
}

// NextCode returns the code of secret for the first time step the server
// will still accept for the user (see TwoFactorCode).
func NextCode(tb testing.TB, a *app.App, userID int64, secret string) string {
	tb.Helper()
	last, err := signin.New(a).LastStep(context.Background(), userID)
	if err != nil {
		tb.Fatal(err)
	}
	for range 2 {
		now := a.Now()
		for d := int64(-signin.Skew); d <= signin.Skew; d++ {
			if step := signin.Step(now) + d; step > last {
				code, err := signin.Code(secret, time.Unix(step*signin.Period, 0))
				if err != nil {
					tb.Fatal(err)
				}
				return code
			}
		}
		c, ok := a.Clock().(*Clock)
		if !ok {
			break
		}
		tb.Logf("two-factor: every code around %s was used; the test clock moves on %d s", now.Format(time.TimeOnly), signin.Period)
		c.Advance(signin.Period * time.Second)
	}
	tb.Fatalf("no unused two-factor code for user %d now", userID)
	return ""
}
