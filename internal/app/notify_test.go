package app_test

import (
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

func TestNotifyWritesOneRowPerRecipientOnce(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	c := testkit.Must(a.Submit(ctx, zhitong.Citizen, app.IntakeInput{Body: "建设路路灯不亮，夜间出行不便", StationID: f.Station, Phone: "13979701234"}))(t)
	handler := testkit.Must(a.AddUser(ctx, app.System, app.UserInput{Username: "jtj", DisplayName: "交通局经办人",
		Role: zhitong.RoleUnit, UnitID: f.Lead, Password: "Zhitong@2026"}))(t)
	n := app.Notice{Key: "case:" + itoa(c.ID) + ":test", Template: "case.assigned", CaseID: c.ID, Citizen: true,
		UnitID: f.Lead, Vars: map[string]string{"code": c.Code}}
	added := testkit.Must(a.Notify(ctx, n))(t)
	if added != 2 {
		t.Fatalf("first notice added %d rows, want the citizen's SMS and one for the unit's handler", added)
	}
	if again := testkit.Must(a.Notify(ctx, n))(t); again != 0 {
		t.Errorf("the same notice again added %d rows, want 0", again)
	}
	var rows []*store.Notification
	for _, r := range testkit.Must(store.ListNotifications(ctx, a.DB(), c.ID))(t) {
		if r.Template == n.Template { // the submission's own acknowledgement is there too
			rows = append(rows, r)
		}
	}
	if len(rows) != added {
		t.Fatalf("outbox holds %d rows for the case, want %d", len(rows), added)
	}
	if rows[0].Channel != "sms" || rows[0].Recipient != "citizen" || rows[0].Status != "pending" {
		t.Errorf("first row = %+v, want a pending SMS to the citizen", rows[0])
	}
	for _, r := range rows[1:] {
		if r.Channel != "inapp" || r.UserID != handler.ID {
			t.Errorf("staff row = %+v, want an in-app notice to a user", r)
		}
	}
	if _, err := a.Notify(ctx, app.Notice{Key: "x", Template: "t", Citizen: true}); err == nil {
		t.Error("a citizen notice without a case was accepted")
	}
}
