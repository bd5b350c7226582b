package app_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// TestOperatorSeesDeliveriesByState drives notices into every state through
// the real outbox, then reads them as committee staff of the county, of
// another county and as the system administrator.
func TestOperatorSeesDeliveriesByState(t *testing.T) {
	a, clock := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	rec := &recorder{}
	d := app.Delivery{SMS: rec, Quiet: app.QuietHours{Off: true}, Lease: time.Minute}

	sent := submit(t, a, f, "建设路路灯不亮")
	deliver(t, a, d)
	rec.fail, rec.perm = 1, true
	failed := submit(t, a, f, "小区门口井盖缺失")
	deliver(t, a, d)
	rec.fail, rec.perm = 0, false
	lost := submit(t, a, f, "菜市场污水横流")
	n := citizenRows(t, a, lost.ID)[0] // a process died after claiming it
	from, claimed := n.Status, n.ClaimedAt
	n.Status, n.Attempts, n.ClaimedAt = "sending", 1, clock.Now()
	testkit.Must(0, a.DB().Write(ctx, func(tx *store.Tx) error { _, err := tx.UpdateNotification(ctx, n, from, claimed); return err }))(t)
	clock.Advance(2 * time.Minute)
	deliver(t, a, d) // no confirmer: failed, result unknown
	held := submit(t, a, f, "路口信号灯故障")
	deliver(t, a, app.Delivery{SMS: rec, Quiet: app.QuietHours{Start: 0, End: 23}})
	anonymous := testkit.Must(a.Submit(ctx, zhitong.Citizen, app.IntakeInput{Body: "匿名反映噪音扰民", RegionCode: f.Town, Anonymous: true}))(t)
	deliver(t, a, d)
	pending := submit(t, a, f, "路边树木倒伏挡路")

	committee := f.In[zhitong.RoleCommittee]
	page := testkit.Must(a.Deliveries(ctx, committee, app.DeliveriesInput{PageInput: app.PageInput{PerPage: 50}}))(t)
	// The live states are counted; the sent history is not.
	wantCounts := map[string]int{"failed": 1, "unknown": 1, "held": 1, "pending": 1}
	if fmt.Sprint(page.Counts) != fmt.Sprint(wantCounts) {
		t.Errorf("counts %v, want %v", page.Counts, wantCounts)
	}
	if len(page.Items) != 6 || page.Next != "" || page.Prev != "" {
		t.Fatalf("%d items (next %q, prev %q), want 6 on one page", len(page.Items), page.Next, page.Prev)
	}
	byCase := map[int64]app.DeliveryRow{}
	for _, r := range page.Items {
		byCase[r.CaseID] = r
	}
	for id, want := range map[int64]string{sent.ID: "sent", failed.ID: "failed", lost.ID: "unknown", held.ID: "held", anonymous.ID: "skipped", pending.ID: "pending"} {
		if byCase[id].State != want {
			t.Errorf("case %d: state %q, want %q", id, byCase[id].State, want)
		}
	}
	if r := byCase[failed.ID]; r.Recipient != "139****1234" || r.Attempts != 1 || r.LastError == "" || r.Template != "case.acknowledged" || r.Label == r.Template {
		t.Errorf("failed row = %+v", r)
	}
	if r := byCase[anonymous.ID]; r.Recipient != "群众（未留手机号）" {
		t.Errorf("anonymous row recipient %q", r.Recipient)
	}

	only := testkit.Must(a.Deliveries(ctx, committee, app.DeliveriesInput{State: "unknown", PageInput: app.PageInput{PerPage: 50}}))(t)
	if len(only.Items) != 1 || only.Items[0].CaseID != lost.ID || only.Counts["unknown"] != 1 {
		t.Errorf("state=unknown: %+v", only)
	}
	later := testkit.Must(a.Deliveries(ctx, committee, app.DeliveriesInput{From: "2026-11-26", PageInput: app.PageInput{PerPage: 50}}))(t)
	if len(later.Items) != 0 || later.Counts["failed"] != 0 {
		t.Errorf("from tomorrow: %+v", later)
	}
	today := testkit.Must(a.Deliveries(ctx, committee, app.DeliveriesInput{From: "2026-11-25", To: "2026-11-25", PageInput: app.PageInput{PerPage: 50}}))(t)
	if len(today.Items) != 6 {
		t.Errorf("from=to=today: %d rows", len(today.Items))
	}
	if other := testkit.Must(a.Deliveries(ctx, f.Out[zhitong.RoleCommittee], app.DeliveriesInput{PageInput: app.PageInput{PerPage: 50}}))(t); len(other.Items) != 0 {
		t.Errorf("committee of another county sees %d rows", len(other.Items))
	}
	if sys := testkit.Must(a.Deliveries(ctx, f.In[zhitong.RoleSysAdmin], app.DeliveriesInput{PageInput: app.PageInput{PerPage: 50}}))(t); len(sys.Items) != 6 {
		t.Errorf("system administrator sees %d rows", len(sys.Items))
	}
	_, err := a.Deliveries(ctx, f.In[zhitong.RoleOfficer], app.DeliveriesInput{})
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
	_, err = a.Deliveries(ctx, committee, app.DeliveriesInput{State: "lost"})
	testkit.WantCode(t, err, zhitong.EINVALID)
	_, err = a.Deliveries(ctx, committee, app.DeliveriesInput{From: "25.11.2026"})
	testkit.WantCode(t, err, zhitong.EINVALID)

	// Health: no sweep yet, one failure and one unknown today; after 15
	// minutes the untouched pending row is overdue (the held one waits for 23:00).
	h := testkit.Must(a.Health(ctx, committee))(t)
	if h.Status != "warning" || !h.Sweep.LastFinishedAt.IsZero() || h.Deliveries.Failed != 1 || h.Deliveries.Unknown != 1 ||
		h.Deliveries.FailedRecently != 2 || h.Deliveries.Held != 1 || h.Deliveries.OverduePending != 0 {
		t.Errorf("health = %+v", h)
	}
	clock.Advance(20 * time.Minute)
	sweep(t, a)
	h = testkit.Must(a.Health(ctx, committee))(t)
	if !h.Sweep.LastFinishedAt.Equal(clock.Now()) || h.Sweep.Errors != 0 || h.Deliveries.OverduePending != 1 ||
		!strings.Contains(strings.Join(h.Warnings, "；"), "1 条通知到期超过 15 分钟") {
		t.Errorf("health after 20 minutes = %+v", h)
	}
	clock.Advance(25 * time.Hour)
	deliver(t, a, d)
	sweep(t, a)
	if h = testkit.Must(a.Health(ctx, committee))(t); h.Status != "ok" || len(h.Warnings) != 0 || h.Deliveries.Failed != 1 {
		t.Errorf("health a day later, all delivered = %+v", h)
	}
}
