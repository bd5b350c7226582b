package cli

import (
	"context"
	"strings"
	"testing"

	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// TestUserResetTwoFactor: zhitong user reset-2fa removes an enrolment (the
// last security administrator who lost their phone); nothing to reset is an
// error.
func TestUserResetTwoFactor(t *testing.T) {
	ctx := context.Background()
	dsn, run := commandRunner(t)
	if code, out := run("user", "add", "--username", "sec1", "--role", "secadmin", "--password", "Test-Passw0rd"); code != 0 {
		t.Fatal(out)
	}
	if code, out := run("user", "reset-2fa", "--username", "sec1"); code != 1 || !strings.Contains(out, "没有绑定两步验证") {
		t.Fatalf("reset of nothing: %d %s", code, out)
	}
	// Enrolled (written straight into the table: the secret is not read).
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	u := testkit.Must(store.GetUserByName(ctx, db, "sec1"))(t)
	if err := db.Write(ctx, func(tx *store.Tx) error {
		return tx.PutTwoFactor(ctx, &store.TwoFactor{UserID: u.ID, Secret: "sealed", ConfirmedAt: testkit.Start, CreatedAt: testkit.Start})
	}); err != nil {
		t.Fatal(err)
	}
	if code, out := run("user", "reset-2fa", "--username", "sec1"); code != 0 || !strings.Contains(out, "已重置 sec1 的两步验证") {
		t.Fatalf("reset: %d %s", code, out)
	}
	if _, err := store.GetTwoFactor(ctx, db, u.ID); err == nil {
		t.Error("the enrolment is still there")
	}
}
