package levels_test

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/admin"
	"zhitong/internal/app"
	"zhitong/internal/levels"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

func (d *cityDeployment) count(t *testing.T, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := d.a.DB().QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// state is what a refused transfer must leave as it was.
func (d *cityDeployment) state(t *testing.T, id int64) [4]int {
	c := testkit.Must(store.GetCase(context.Background(), d.a.DB(), id))(t)
	return [4]int{c.Version, d.count(t, `SELECT COUNT(*) FROM levels_transfers`), d.count(t, `SELECT COUNT(*) FROM audit_log`),
		d.count(t, `SELECT COUNT(*) FROM notifications`)}
}

// TestTransferBetweenLevels: 龙南's office moves a road case up to the city
// congress (赣州市人大常委会) with a reason; refusals change nothing; the city
// can move it back down; the sending side then reads it only; both sides
// are told and the citizen's tracking page says where it went, without the
// reason; the city's assignment starts its own deadline.
func TestTransferBetweenLevels(t *testing.T) {
	ctx := context.Background()
	d := newCity(t)
	lv := levels.New(d.a)
	cityUnit := testkit.Must(admin.New(d.a).CreateUnit(ctx, d.city, admin.UnitInput{Name: "赣州市交通运输局", Kind: "department", Region: "3607"}))(t)
	c := d.intake(t, d.lnCo, town(t, "360783"), "国道路面塌陷")
	const reason = "该路段为市管国道，属市交通运输局职责"

	// Refused, nothing written.
	before := d.state(t, c.ID)
	for _, tc := range []struct {
		p      zhitong.Principal
		in     levels.TransferInput
		code   string
		field  string
		reason string
	}{
		{d.lnCo, levels.TransferInput{To: "360728", Reason: reason}, zhitong.EINVALID, "to", "sibling county"},
		{d.lnCo, levels.TransferInput{To: "999999", Reason: reason}, zhitong.EINVALID, "to", "unknown organisation"},
		{d.lnCo, levels.TransferInput{To: "360783", Reason: reason}, zhitong.EINVALID, "to", "its own holder"},
		{d.lnCo, levels.TransferInput{To: "", Reason: reason}, zhitong.EINVALID, "to", "no target"},
		{d.lnCo, levels.TransferInput{To: "3607", Reason: " "}, zhitong.EINVALID, "reason", "no reason"},
		{d.lnCo, levels.TransferInput{To: "3607", Reason: strings.Repeat("长", 501)}, zhitong.EINVALID, "reason", "long reason"},
		{d.lnCo, levels.TransferInput{To: "3607", Reason: reason, Version: c.Version + 5}, zhitong.ECONFLICT, "", "stale version"},
		{d.dnCo, levels.TransferInput{To: "3607", Reason: reason}, zhitong.EFORBIDDEN, "", "another county's case"},
	} {
		_, err := lv.Transfer(ctx, tc.p, c.ID, tc.in)
		if zhitong.ErrorCode(err) != tc.code || zhitong.ErrorField(err) != tc.field {
			t.Errorf("%s: %v (code %s field %s), want %s on %q", tc.reason, err, zhitong.ErrorCode(err), zhitong.ErrorField(err), tc.code, tc.field)
		}
		if tc.code == zhitong.EINVALID && !strings.ContainsFunc(zhitong.ErrorMessage(err), func(r rune) bool { return r >= 0x4e00 }) {
			t.Errorf("%s: message %q is not in Chinese", tc.reason, zhitong.ErrorMessage(err))
		}
	}
	if after := d.state(t, c.ID); after != before {
		t.Fatalf("refused transfers wrote something: %v → %v", before, after)
	}

	// 龙南 may move it up to the city only; not down (no organisation below it).
	if ts := testkit.Must(lv.Targets(ctx, d.lnCo, c.ID))(t); len(ts) != 1 || ts[0].RegionCode != "3607" || !ts[0].Up {
		t.Errorf("龙南's targets %+v", ts)
	}
	moved := testkit.Must(lv.Transfer(ctx, d.lnCo, c.ID, levels.TransferInput{Version: c.Version, To: "3607", Reason: reason}))(t)
	if moved.Status != zhitong.StatusRegistered || moved.Version != c.Version+1 {
		t.Errorf("moved case: status %s version %d", moved.Status, moved.Version)
	}
	// The sending side reads it, without any action left; a step is refused.
	v := testkit.Must(d.a.Get(ctx, d.lnCo, c.ID))(t)
	if len(v.Actions) != 0 || v.HeldBy != "3607" {
		t.Errorf("龙南 after the move: actions %v, held by %q", v.Actions, v.HeldBy)
	}
	testkit.WantCode(t, testkit.Err(d.a.Decline(ctx, d.lnCo, c.ID, app.TextInput{Version: moved.Version, Text: "不予受理"})), zhitong.EFORBIDDEN)
	testkit.WantCode(t, testkit.Err(lv.Transfer(ctx, d.lnCo, c.ID, levels.TransferInput{To: "3607", Reason: reason})), zhitong.EFORBIDDEN)
	// The city has it in its triage queue, with the actions of the holder.
	cv := testkit.Must(d.a.Get(ctx, d.city, c.ID))(t)
	if !slices.Contains(cv.Actions, zhitong.ActionAssign) || !slices.Contains(cv.Actions, zhitong.ActionTransfer) {
		t.Errorf("city's actions %v", cv.Actions)
	}
	queue := testkit.Must2(d.a.List(ctx, d.city, app.ListInput{Status: []zhitong.Status{zhitong.StatusRegistered}}))
	if items, _ := queue(t); !slices.ContainsFunc(items, func(s app.CaseSummary) bool { return s.ID == c.ID }) {
		t.Error("the city's triage queue lacks the moved case")
	}
	// History: the case kept its events and has the move with the reason.
	last := cv.Events[len(cv.Events)-1]
	if len(cv.Events) < 2 || last.Action != zhitong.ActionTransfer || !strings.Contains(last.Note, reason) || !strings.Contains(last.Note, "赣州市人大常委会") {
		t.Errorf("events %+v", cv.Events)
	}
	if n := d.count(t, `SELECT COUNT(*) FROM audit_log WHERE action = 'levels.transfer' AND object = ?`, "case:"+itoa(c.ID)); n != 1 {
		t.Errorf("%d levels.transfer audit entries", n)
	}
	if n := d.count(t, `SELECT COUNT(*) FROM audit_log WHERE action = 'case.transfer' AND object = ?`, "case:"+itoa(c.ID)); n != 1 {
		t.Errorf("%d case.transfer audit entries", n)
	}
	// Both sides told: the city's committee in-app; the citizen by SMS and on the tracking page, without the reason.
	if inbox := testkit.Must(d.a.Inbox(ctx, d.city, app.PageInput{PerPage: 10}))(t).Items; len(inbox) == 0 || !strings.Contains(inbox[0].Text, c.Code) || inbox[0].CaseID != c.ID {
		t.Errorf("city committee's inbox %+v", inbox)
	}
	if n := d.count(t, `SELECT COUNT(*) FROM notifications WHERE template = 'case.transferred' AND case_id = ? AND recipient = 'citizen'`, c.ID); n != 1 {
		t.Errorf("%d citizen notices", n)
	}
	tv := testkit.Must(d.a.Track(ctx, c.Code))(t)
	js, _ := json.Marshal(tv)
	if !strings.Contains(string(js), "已移交赣州市人大常委会办理") || strings.Contains(string(js), "市管国道") {
		t.Errorf("tracking page: %s", js)
	}

	// The city moves it back down: 龙南 acts again; then up once more.
	if ts := testkit.Must(lv.Targets(ctx, d.city, c.ID))(t); len(ts) != 1 || ts[0].RegionCode != "360783" || ts[0].Up {
		t.Errorf("city's targets %+v (定南 does not hold the case's region)", ts)
	}
	down := testkit.Must(lv.Transfer(ctx, d.city, c.ID, levels.TransferInput{To: "360783", Reason: "经核实为县道"}))(t)
	if v := testkit.Must(d.a.Get(ctx, d.lnCo, c.ID))(t); !slices.Contains(v.Actions, zhitong.ActionAssign) || v.HeldBy != "360783" {
		t.Errorf("龙南 after the move down: actions %v held by %q", v.Actions, v.HeldBy)
	}
	if inbox := testkit.Must(d.a.Inbox(ctx, d.lnCo, app.PageInput{PerPage: 10}))(t).Items; len(inbox) == 0 || !strings.Contains(inbox[0].Text, "经核实为县道") {
		t.Errorf("龙南 committee's inbox %+v", inbox)
	}
	up := testkit.Must(lv.Transfer(ctx, d.lnCo, c.ID, levels.TransferInput{Version: down.Version, To: "3607", Reason: reason}))(t)

	// The city's office assigns it three days later: the deadline runs from
	// its own assignment under the policy, working days only.
	d.clock.Advance(72 * time.Hour)
	as := testkit.Must(d.a.Assign(ctx, d.city, c.ID, app.AssignInput{Version: up.Version, LeadUnit: cityUnit.ID}))(t)
	from := d.clock.Now().In(zhitong.China).Format(time.DateOnly)
	days := d.a.Calendar() // the national working-day calendar
	want, _ := days.AddWorkdays(testkit.Must(time.Parse(time.DateOnly, from))(t), as.DueDays)
	if as.DueDate != want.Format(time.DateOnly) || as.DueFrom != from || as.DueDays != 15 {
		t.Errorf("deadline after the move: from %s, %d days, due %s; want from %s, 15 days, due %s", as.DueFrom, as.DueDays, as.DueDate, from, want.Format(time.DateOnly))
	}
	// 定南 never saw any of it.
	testkit.WantCode(t, testkit.Err(d.a.Get(ctx, d.dnCo, c.ID)), zhitong.EFORBIDDEN)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
