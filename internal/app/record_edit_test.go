package app_test

import (
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/testkit"
)

func editOf(r *zhitong.DutyRecord, reason string) app.RecordEdit {
	return app.RecordEdit{Activity: r.Activity, Day: r.Day, StationID: r.StationID, Title: r.Title, Visitors: r.Visitors, Answered: r.Answered,
		Result: r.Result, Others: r.Others, DeputyIDs: r.DeputyIDs, Reason: reason}
}

func auditCount(t *testing.T, a *app.App, action string, id int64) int {
	t.Helper()
	var n int
	testkit.Must(0, a.DB().QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = ? AND object = ?`, action, "duty_record:"+itoa(id)).Scan(&n))(t)
	return n
}

// Who may correct or void a record, and when.
func TestRecordCorrectionPermissions(t *testing.T) {
	a, clock := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	deputy, officer := f.In[zhitong.RoleDeputy], f.In[zhitong.RoleOfficer]
	receptionOn(t, a, f, day(0))
	own := testkit.Must(a.CreateRecord(ctx, deputy, app.RecordInput{Kind: zhitong.RecordReception, Day: day(0), StationID: f.Station, Visitors: 9}))(t)
	staffs := testkit.Must(a.CreateRecord(ctx, officer, app.RecordInput{Kind: zhitong.RecordMediation, Day: day(0), StationID: f.Station,
		Title: "排水纠纷", Result: "和解", DeputyIDs: []int64{f.Deputy}}))(t)

	fixed := editOf(own, "人次登记有误")
	fixed.Visitors = 7
	for _, tc := range []struct {
		name string
		p    zhitong.Principal
		id   int64
		want string
	}{
		{"deputy, a record of the office", deputy, staffs.ID, zhitong.EFORBIDDEN},
		{"officer out", f.Out[zhitong.RoleOfficer], own.ID, zhitong.EFORBIDDEN},
		{"station head of another station", f.Out[zhitong.RoleStationHead], own.ID, zhitong.EFORBIDDEN},
		{"another deputy", f.Out[zhitong.RoleDeputy], own.ID, zhitong.EFORBIDDEN},
		{"unit", f.In[zhitong.RoleUnit], own.ID, zhitong.EFORBIDDEN},
		{"analyst", f.In[zhitong.RoleAnalyst], own.ID, zhitong.EFORBIDDEN},
		{"citizen", zhitong.Citizen, own.ID, zhitong.EUNAUTHORIZED},
		{"no such record", officer, 9999, zhitong.ENOTFOUND},
	} {
		_, err := a.UpdateRecord(ctx, tc.p, tc.id, fixed)
		if got := zhitong.ErrorCode(err); got != tc.want {
			t.Errorf("update, %s: %q (%v), want %q", tc.name, got, err, tc.want)
		}
		_, err = a.VoidRecord(ctx, tc.p, tc.id, "重复登记")
		if got := zhitong.ErrorCode(err); got != tc.want {
			t.Errorf("void, %s: %q (%v), want %q", tc.name, got, err, tc.want)
		}
	}
	// The deputy corrects their own within the window, under the same rules.
	bad := fixed
	bad.Visitors = 5000
	_, err := a.UpdateRecord(ctx, deputy, own.ID, bad)
	wantInvalid(t, "5000 visitors", err, "visitors")
	_, err = a.UpdateRecord(ctx, deputy, own.ID, editOf(own, ""))
	wantInvalid(t, "no reason", err, "reason")
	got := testkit.Must(a.UpdateRecord(ctx, deputy, own.ID, fixed))(t)
	if got.Visitors != 7 || got.UpdatedAt == nil || got.UpdatedBy != deputy.UserID || got.CreatedBy != deputy.UserID {
		t.Fatalf("corrected = %+v", got)
	}
	// After the window, only staff.
	clock.Advance(31 * 24 * time.Hour)
	_, err = a.UpdateRecord(ctx, deputy, own.ID, fixed)
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
	_, err = a.VoidRecord(ctx, deputy, own.ID, "重复")
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
	testkit.Must(a.UpdateRecord(ctx, f.In[zhitong.RoleStationHead], own.ID, editOf(got, "站长核对")))(t)
	testkit.Must(a.VoidRecord(ctx, f.In[zhitong.RoleCommittee], staffs.ID, "重复登记"))(t)
	_, err = a.VoidRecord(ctx, officer, staffs.ID, "重复登记")
	testkit.WantCode(t, err, zhitong.ECONFLICT)
	_, err = a.UpdateRecord(ctx, officer, staffs.ID, editOf(staffs, "更正"))
	testkit.WantCode(t, err, zhitong.ECONFLICT)
	if auditCount(t, a, "duty_record.update", own.ID) != 2 || auditCount(t, a, "duty_record.void", staffs.ID) != 1 {
		t.Fatalf("audit: %d updates, %d voids", auditCount(t, a, "duty_record.update", own.ID), auditCount(t, a, "duty_record.void", staffs.ID))
	}
}

// A correction or a void moves the ledgers, the scorecard, the county
// sentence and the inactivity list with it.
func TestRecordCorrectionMovesTheNumbers(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	people := seedRecordPeople(t, a, f)
	officer, committee := f.In[zhitong.RoleOfficer], f.In[zhitong.RoleCommittee]
	rules := map[zhitong.PointEvent]int{}
	for _, r := range testkit.Must(a.PointRules(ctx))(t) {
		rules[r.Event] = r.Points
	}
	online := submit(t, a, f, "村里自来水经常停水，希望代表反映")
	rec := testkit.Must(a.CreateRecord(ctx, officer, app.RecordInput{Kind: zhitong.RecordReception, Day: day(-2), StationID: f.Station,
		Visitors: 500, DeputyIDs: []int64{f.Deputy}, LinkCases: []string{online.Code}}))(t)
	med := testkit.Must(a.CreateRecord(ctx, officer, app.RecordInput{Kind: zhitong.RecordMediation, Day: day(-2), Title: "用水纠纷",
		Result: "和解", DeputyIDs: []int64{f.Deputy}}))(t)
	sc := testkit.Must(a.Scorecard(ctx, f.Deputy, "", ""))(t)
	if sc.Visits != 1 || sc.Received != 500 || sc.Cases != 1 || sc.Mediations != 1 {
		t.Fatalf("before = %+v", sc)
	}
	// The mediation was the colleague's, not the deputy's.
	e := editOf(med, "参加代表登记错误")
	e.DeputyIDs = []int64{people.Colleague}
	testkit.Must(a.UpdateRecord(ctx, officer, med.ID, e))(t)
	if got := sumPoints(ledger(t, a, f.Deputy), zhitong.PointMediation); got != 0 {
		t.Fatalf("the deputy keeps %d mediation points", got)
	}
	if got := sumPoints(ledger(t, a, people.Colleague), zhitong.PointMediation); got != rules[zhitong.PointMediation] {
		t.Fatalf("the colleague has %d mediation points", got)
	}
	// The reception was entered twice elsewhere: void it.
	testkit.Must(a.VoidRecord(ctx, officer, rec.ID, "与纸质台账重复"))(t)
	sc = testkit.Must(a.Scorecard(ctx, f.Deputy, "", ""))(t)
	if sc.Visits != 0 || sc.Received != 0 || sc.Cases != 0 || sc.Points != 0 {
		t.Fatalf("after the void = %+v", sc)
	}
	if l := ledger(t, a, f.Deputy); len(l) != 0 {
		t.Fatalf("ledger after the void = %+v", l)
	}
	if tot := testkit.Must(a.CountyTotals(ctx, f.County))(t); tot.Received != 0 {
		t.Fatalf("county received %d after the void", tot.Received)
	}
	list := testkit.Must(a.Inactive(ctx, committee, 1))(t)
	if !containsDeputy(list.Items, f.Deputy) {
		t.Fatalf("the deputy is not back on the inactivity list: %+v", list.Items)
	}
	v := testkit.Must(a.VoterReport(ctx, officer, f.Deputy, day(-30), day(0)))(t)
	if len(v.Records) != 0 || len(v.Cases) != 0 {
		t.Fatalf("the report to voters still lists %d records, %d cases", len(v.Records), len(v.Cases))
	}
	// The list still shows it, marked.
	recs := testkit.Must(a.Records(ctx, officer, app.RecordQuery{Kind: zhitong.RecordReception}))(t)
	if len(recs) != 1 || !recs[0].Voided() || recs[0].VoidReason != "与纸质台账重复" {
		t.Fatalf("listed = %+v", recs)
	}
}

func ledger(t *testing.T, a *app.App, deputyID int64) []zhitong.PointEntry {
	t.Helper()
	return testkit.Must(a.Ledger(ctx, zhitong.Principal{UserID: 1, Role: zhitong.RoleCommittee, RegionCode: "360728"}, deputyID, "", ""))(t)
}
