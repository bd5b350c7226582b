package app_test

import (
	"strings"
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/testkit"
)

// TestAuditChainDetectsTampering alters one entry behind the application's
// back (after lifting the append-only trigger, as an attacker with database
// access could) and expects verification to name that entry.
func TestAuditChainDetectsTampering(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	for range 5 {
		walkIn(t, a, f, "审计测试：路面破损需要修补")
	}
	brk, n := testkit.Must2(a.VerifyAudit(ctx, app.System))(t)
	if brk != nil || n < 5 {
		t.Fatalf("intact chain: %+v after %d", brk, n)
	}
	// The trigger refuses changes.
	_, err := a.DB().Exec(ctx, `UPDATE audit_log SET actor = 'x' WHERE seq = 3`)
	if err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Fatalf("update of audit_log allowed: %v", err)
	}
	lift := `DROP TRIGGER audit_log_no_update`
	if testkit.Postgres() {
		lift = `ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change`
	}
	if _, err := a.DB().Exec(ctx, lift); err != nil {
		t.Fatal(err)
	}
	if _, err := a.DB().Exec(ctx, `UPDATE audit_log SET detail = '{"code":"forged"}' WHERE seq = 3`); err != nil {
		t.Fatal(err)
	}
	brk, _ = testkit.Must2(a.VerifyAudit(ctx, app.System))(t)
	if brk == nil || brk.Seq != 3 {
		t.Fatalf("tampered entry 3, verify says %+v", brk)
	}
	_, _, err = a.VerifyAudit(ctx, f.In[zhitong.RoleCommittee])
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
}
