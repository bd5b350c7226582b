package accounts_test

import (
	"testing"

	"zhitong"
	"zhitong/internal/accounts"
	"zhitong/internal/app"
	"zhitong/internal/setup"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

func auditCount(t *testing.T, a *app.App, action string) (n int) {
	t.Helper()
	testkit.Must(0, a.DB().QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = ?`, action).Scan(&n))(t)
	return n
}

func userCount(t *testing.T, a *app.App) (n int) {
	t.Helper()
	testkit.Must(0, a.DB().QueryRow(ctx, `SELECT COUNT(*) FROM users`).Scan(&n))(t)
	return n
}

// TestTwoPersonRule: a security administrator cannot create a security
// administrator, nor make an account one, alone; a refusal writes only its
// audit entry. A request is decided by a second person (an auditor of the
// jurisdiction, or another security administrator), never the requester nor
// an account the requester created, and never twice.
func TestTwoPersonRule(t *testing.T) {
	a, _ := testkit.MustApp(t)
	res := testkit.SetUp(t, a, "360783")
	sec := testkit.Principal(t, a, res, zhitong.RoleSecAdmin)
	svc := accounts.New(a)

	users := userCount(t, a)
	err := testkit.Err(svc.Create(ctx, sec, app.UserInput{Username: "anquan2", Role: zhitong.RoleSecAdmin, RegionCode: "360783"}))
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
	if zhitong.ErrorField(err) != "role" || userCount(t, a) != users || auditCount(t, a, "user.add_refused") != 1 {
		t.Fatalf("refused creation: %v, users %d→%d, refusals audited %d", err, users, userCount(t, a), auditCount(t, a, "user.add_refused"))
	}
	clerk := testkit.Must(svc.Create(ctx, sec, app.UserInput{Username: "clerk", Role: zhitong.RoleOfficer, RegionCode: "360783"}))(t)
	secRole := zhitong.RoleSecAdmin
	testkit.WantCode(t, testkit.Err(svc.Update(ctx, sec, clerk.ID, accounts.Change{Role: &secRole})), zhitong.EFORBIDDEN)
	if u := testkit.Must(store.GetUser(ctx, a.DB(), clerk.ID))(t); u.Role != zhitong.RoleOfficer || auditCount(t, a, "user.update_refused") != 1 {
		t.Fatalf("refused promotion changed the account or was not audited: %s", u.Role)
	}

	// The request, and who may not decide it.
	req := testkit.Must(svc.File(ctx, sec, accounts.RequestInput{Kind: "create", Username: "anquan2", DisplayName: "第二安全员", Region: "360783"}))(t)
	if req.Status != accounts.RequestPending || req.StatusLabel != "待审批" {
		t.Fatalf("filed request answers status %q (%q), the stored row is pending", req.Status, req.StatusLabel)
	}
	testkit.WantCode(t, testkit.Err(svc.File(ctx, sec, accounts.RequestInput{Kind: "create", Username: "anquan2", Region: "360783"})), zhitong.ECONFLICT)
	testkit.WantCode(t, testkit.Err(svc.Approve(ctx, sec, req.ID)), zhitong.EFORBIDDEN)
	// An auditor the requester created is not a second person.
	own := testkit.Must(svc.Create(ctx, sec, app.UserInput{Username: "shenji", Role: zhitong.RoleAuditor, RegionCode: "360783"}))(t)
	ownP := testkit.Must(store.GetUser(ctx, a.DB(), own.ID))(t).Principal()
	// Nor the committee, nor an auditor of another county.
	testkit.Must(setup.New(a).Run(ctx, app.System, setup.Input{Region: "360728", Add: true, SecAdmin: "anquandn", Committee: "gongweidn"}))(t)
	other := testkit.Must(a.AddUser(ctx, app.System, app.UserInput{Username: "shenji-dn", Role: zhitong.RoleAuditor, RegionCode: "360728", Password: "Test-Passw0rd"}))(t)
	users = userCount(t, a)
	testkit.WantCode(t, testkit.Err(svc.Approve(ctx, ownP, req.ID)), zhitong.EFORBIDDEN)
	testkit.WantCode(t, testkit.Err(svc.Approve(ctx, testkit.Principal(t, a, res, zhitong.RoleCommittee), req.ID)), zhitong.EFORBIDDEN)
	testkit.WantCode(t, testkit.Err(svc.Approve(ctx, other.Principal(), req.ID)), zhitong.EFORBIDDEN)
	if userCount(t, a) != users {
		t.Fatal("a refused approval wrote an account")
	}

	// An auditor the operator created approves; the password goes to them.
	auditor := testkit.Must(a.AddUser(ctx, app.System, app.UserInput{Username: "shenji-ln", Role: zhitong.RoleAuditor, RegionCode: "360783", Password: "Test-Passw0rd"}))(t)
	done := testkit.Must(svc.Approve(ctx, auditor.Principal(), req.ID))(t)
	if done.Request.Status != accounts.RequestApproved || done.Account == nil || done.Account.Role != zhitong.RoleSecAdmin ||
		done.Account.Password == "" || !done.Account.MustChangePassword {
		t.Fatalf("approved: %+v", done)
	}
	err = testkit.Err(svc.Approve(ctx, auditor.Principal(), req.ID))
	testkit.WantCode(t, err, zhitong.ECONFLICT)
	if msg := zhitong.ErrorMessage(err); msg != "该申请已批准" {
		t.Errorf("approving twice: %q, want 该申请已批准", msg)
	}
	if auditCount(t, a, "account_request.approve") != 1 || auditCount(t, a, "account_request.file") != 1 {
		t.Fatal("request and approval not audited")
	}

	// Promotion. The administrator created on sec's request is not a
	// second person for sec (an account the requester created), but sec is
	// one for them.
	second := testkit.Must(store.GetUser(ctx, a.DB(), done.Account.ID))(t).Principal()
	pr := testkit.Must(svc.File(ctx, sec, accounts.RequestInput{Kind: "promote", UserID: clerk.ID}))(t)
	testkit.WantCode(t, testkit.Err(svc.Cancel(ctx, second, pr.ID)), zhitong.EFORBIDDEN)
	testkit.WantCode(t, testkit.Err(svc.Reject(ctx, second, pr.ID, "")), zhitong.EFORBIDDEN)
	rej := testkit.Must(svc.Reject(ctx, auditor.Principal(), pr.ID, "岗位不符"))(t)
	if rej.Request.Status != accounts.RequestRejected {
		t.Fatalf("rejected: %+v", rej)
	}
	pr = testkit.Must(svc.File(ctx, second, accounts.RequestInput{Kind: "promote", UserID: clerk.ID}))(t)
	done = testkit.Must(svc.Approve(ctx, sec, pr.ID))(t)
	if u := testkit.Must(store.GetUser(ctx, a.DB(), clerk.ID))(t); u.Role != zhitong.RoleSecAdmin {
		t.Fatalf("promoted: %s", u.Role)
	}
	// Bad input.
	testkit.WantCode(t, testkit.Err(svc.File(ctx, sec, accounts.RequestInput{Kind: "delete"})), zhitong.EINVALID)
	testkit.WantCode(t, testkit.Err(svc.File(ctx, sec, accounts.RequestInput{Kind: "create", Username: "x y z", Region: "360783"})), zhitong.EINVALID)
	testkit.WantCode(t, testkit.Err(svc.File(ctx, sec, accounts.RequestInput{Kind: "create", Username: "far", Region: "360728"})), zhitong.EINVALID)
	testkit.WantCode(t, testkit.Err(svc.File(ctx, auditor.Principal(), accounts.RequestInput{Kind: "create", Username: "abc", Region: "360783"})), zhitong.EFORBIDDEN)
	// The operator on the server is not bound by it.
	testkit.Must(a.AddUser(ctx, app.System, app.UserInput{Username: "anquan3", Role: zhitong.RoleSecAdmin, RegionCode: "360783", Password: "Test-Passw0rd"}))(t)
}
