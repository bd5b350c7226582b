package exchange_test

import (
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/exchange"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// TestSatisfactionGoesBack: the citizen rates a case that came from 12345;
// a status carrying the satisfaction is queued in the rating's own
// transaction and delivered to the fake 12345 (step rated), and the
// finished status that follows carries it too.
func TestSatisfactionGoesBack(t *testing.T) {
	d := newDeployment(t, exchange.Options{})
	wo := exchange.WorkOrder{OrderNo: "GD20261207200", Title: "路灯不亮", Content: "村口路灯坏了一个月，希望代表督促修复", Category: "A01",
		AreaCode: d.town, CitizenName: "周九", CitizenPhone: "13900139003", CreatedAt: d.clock.Now()}
	rc := testkit.Must(d.svc.Receive(ctx, "jx12345", "orders", d.signed(t, "orders", "", wo)))(t)
	unit := zhitong.Unit{Name: "县城管局", Kind: "department", RegionCode: "360783"}
	testkit.Must(0, d.a.DB().Write(ctx, func(tx *store.Tx) error { return tx.InsertUnit(ctx, &unit) }))(t)
	lead := zhitong.Principal{Role: zhitong.RoleUnit, UnitID: unit.ID, RegionCode: "360783", Name: "unit", UserID: 998}
	c := testkit.Must(store.GetCase(ctx, d.a.DB(), rc.CaseID))(t)
	cs := testkit.Must(d.a.Register(ctx, d.committee, c.ID, app.RegisterInput{Version: c.Version, CategoryCode: d.category, RegionCode: d.town}))(t)
	cs = testkit.Must(d.a.Assign(ctx, d.committee, c.ID, app.AssignInput{Version: cs.Version, LeadUnit: unit.ID}))(t)
	cs = testkit.Must(d.a.Accept(ctx, lead, c.ID, app.TextInput{Version: cs.Version}))(t)
	cs = testkit.Must(d.a.Reply(ctx, lead, c.ID, app.ReplyInput{Version: cs.Version, Outcome: zhitong.OutcomeSolved, Text: "已更换路灯"}))(t)
	d.deliver(t)
	_, before, _ := d.fake.Snapshot()

	// A rating refused (no such rating) queues nothing.
	_, err := d.a.Evaluate(ctx, cs.Code, app.EvaluateInput{Version: cs.Version, Rating: "great"})
	testkit.WantCode(t, err, zhitong.EINVALID)
	if n := d.count(t, `SELECT COUNT(*) FROM exchange_messages WHERE status = 'pending'`); n != 0 {
		t.Fatalf("%d messages queued by a refused rating", n)
	}
	cs = testkit.Must(d.a.Evaluate(ctx, cs.Code, app.EvaluateInput{Version: cs.Version, Rating: zhitong.RatingBasically}))(t)
	if n := d.count(t, `SELECT COUNT(*) FROM exchange_messages WHERE status = 'pending' AND case_id = ?`, c.ID); n != 1 {
		t.Fatalf("%d messages queued by the rating, want 1", n)
	}
	if n := d.deliver(t); n != 1 {
		t.Fatalf("delivered %d, want 1", n)
	}
	_, sts, _ := d.fake.Snapshot()
	if len(sts) != len(before)+1 {
		t.Fatalf("12345 has %d statuses, had %d", len(sts), len(before))
	}
	rated := sts[len(sts)-1]
	if rated.OrderNo != wo.OrderNo || rated.Step != exchange.StepRated || rated.Satisfaction != "基本满意" {
		t.Fatalf("12345 got %+v", rated)
	}
	testkit.Must(d.a.Close(ctx, d.committee, c.ID, app.TextInput{Version: cs.Version}))(t)
	d.deliver(t)
	_, sts, _ = d.fake.Snapshot()
	if fin := sts[len(sts)-1]; fin.Step != exchange.StepFinished || fin.Satisfaction != "基本满意" {
		t.Fatalf("finished status %+v", fin)
	}
}
