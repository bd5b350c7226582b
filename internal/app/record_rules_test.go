package app_test

import (
	"strings"
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// recordPeople adds, in the fixture's county, a colleague posted to the
// fixture's station and a deputy of another station of the county.
type recordPeople struct {
	Colleague, Elsewhere, ElsewhereStation int64
}

func seedRecordPeople(t *testing.T, a *app.App, f *testkit.Fixture) recordPeople {
	t.Helper()
	var p recordPeople
	err := a.DB().Write(ctx, func(tx *store.Tx) error {
		st := &zhitong.Station{Name: "岭北镇人大代表联络站", RegionCode: f.Town, Kind: "fixed"}
		if err := tx.InsertStation(ctx, st); err != nil {
			return err
		}
		colleague := &zhitong.Deputy{Name: "赖同站", Levels: []string{"county"}, RegionCode: f.Town, StationID: f.Station}
		elsewhere := &zhitong.Deputy{Name: "黄别站", Levels: []string{"county"}, RegionCode: f.Town, StationID: st.ID}
		for _, d := range []*zhitong.Deputy{colleague, elsewhere} {
			if err := tx.InsertDeputy(ctx, d); err != nil {
				return err
			}
		}
		p = recordPeople{colleague.ID, elsewhere.ID, st.ID}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func wantInvalid(t *testing.T, name string, err error, field string) {
	t.Helper()
	if zhitong.ErrorCode(err) != zhitong.EINVALID || zhitong.ErrorField(err) != field {
		t.Errorf("%s: %v (field %q), want invalid on %s", name, err, zhitong.ErrorField(err), field)
	} else if !strings.ContainsFunc(zhitong.ErrorMessage(err), func(r rune) bool { return r >= 0x4e00 && r <= 0x9fff }) {
		t.Errorf("%s: message %q is not in Chinese", name, zhitong.ErrorMessage(err))
	}
}

// The audit's findings: an absurd head-count, backdating, a station the
// deputy is not posted to, a non-reception day, another station's deputy
// named for points. Each is now refused, with a field error.
func TestRecordRulesRefuseTheAuditFindings(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	people := seedRecordPeople(t, a, f)
	deputy, officer := f.In[zhitong.RoleDeputy], f.In[zhitong.RoleOfficer]
	receptionOn(t, a, f, day(0), day(-20), day(-31))
	putDuty(t, a, f.Station, f.Deputy, day(-3), "checked_in") // an unplanned visit, not a reception day
	putDuty(t, a, f.Station, f.Deputy, day(-20), "no_show")
	recv := func(d string, station int64, visitors int, deputies ...int64) app.RecordInput {
		return app.RecordInput{Kind: zhitong.RecordReception, Day: d, StationID: station, Visitors: visitors, DeputyIDs: deputies}
	}
	mediation := func(station int64, deputies ...int64) app.RecordInput {
		return app.RecordInput{Kind: zhitong.RecordMediation, Day: day(-1), StationID: station, Title: "邻里纠纷", Result: "和解", DeputyIDs: deputies}
	}
	for _, tc := range []struct {
		name  string
		p     zhitong.Principal
		in    app.RecordInput
		field string
	}{
		{"5000 visitors", deputy, recv(day(0), f.Station, 5000), "visitors"},
		{"501 visitors by staff", officer, recv(day(0), f.Station, 501, f.Deputy), "visitors"},
		{"future", officer, recv(day(1), f.Station, 3, f.Deputy), "day"},
		{"backdated to 2020", deputy, recv("2020-01-01", f.Station, 5), "day"},
		{"31 days ago, a reception day", deputy, recv(day(-31), f.Station, 5), "day"},
		{"station not posted to", deputy, recv(day(0), f.OtherStation, 5), "station_id"},
		{"another county station", deputy, recv(day(0), people.ElsewhereStation, 5), "station_id"},
		{"not a reception day, no duty", deputy, recv(day(-2), f.Station, 5), "day"},
		{"reception day marked no-show", deputy, recv(day(-20), f.Station, 5), "day"},
		{"reception naming a colleague", deputy, recv(day(0), f.Station, 5, f.Deputy, people.Colleague), "deputy_ids"},
		{"mediation naming another station's deputy", deputy, mediation(f.Station, f.Deputy, people.Elsewhere), "deputy_ids"},
		{"mediation without station, another station's deputy", deputy, mediation(0, f.Deputy, people.Elsewhere), "deputy_ids"},
		{"staff reception of a deputy not posted there", officer, recv(day(0), f.Station, 3, people.Elsewhere), "deputy_ids"},
		{"staff late entry without a reason", officer, recv(day(-40), f.Station, 3, f.Deputy), "reason"},
		{"staff entry older than a year", officer, app.RecordInput{Kind: zhitong.RecordReception, Day: "2020-01-01", StationID: f.Station,
			DeputyIDs: []int64{f.Deputy}, Reason: "补录"}, "day"},
	} {
		_, err := a.CreateRecord(ctx, tc.p, tc.in)
		wantInvalid(t, tc.name, err, tc.field)
	}
	if n := countRows(t, a, "duty_records"); n != 0 {
		t.Fatalf("%d refused records were stored", n)
	}
	// The other station's deputy was never credited: still on the list.
	list := testkit.Must(a.Inactive(ctx, f.In[zhitong.RoleCommittee], 5))(t)
	if !containsDeputy(list.Items, people.Elsewhere) {
		t.Fatalf("the other station's deputy left the inactivity list: %+v", list.Items)
	}
	sc := testkit.Must(a.Scorecard(ctx, people.Elsewhere, "", ""))(t)
	if sc.Points != 0 || sc.Mediations != 0 {
		t.Fatalf("the other station's deputy got %+v", sc)
	}

	// Within the rules each is accepted.
	for _, tc := range []struct {
		name string
		p    zhitong.Principal
		in   app.RecordInput
	}{
		{"500 visitors on a reception day", deputy, recv(day(0), f.Station, 500)},
		{"an unplanned visit checked in", deputy, recv(day(-3), f.Station, 4)},
		{"mediation with a colleague", deputy, mediation(f.Station, f.Deputy, people.Colleague)},
		{"mediation without station, a colleague", deputy, mediation(0, f.Deputy, people.Colleague)},
		{"staff on a day without reception", officer, recv(day(-2), f.Station, 3, f.Deputy)},
		{"staff for another station's deputy", officer, mediation(people.ElsewhereStation, people.Elsewhere)},
		{"staff late entry with a reason", officer, app.RecordInput{Kind: zhitong.RecordReception, Day: day(-40), StationID: f.Station,
			Visitors: 6, DeputyIDs: []int64{f.Deputy}, Reason: "依据纸质登记簿补录"}},
	} {
		if _, err := a.CreateRecord(ctx, tc.p, tc.in); err != nil {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
	var late int
	testkit.Must(0, a.DB().QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'duty_record.create' AND detail LIKE ?`, "%依据纸质登记簿补录%").Scan(&late))(t)
	if late != 1 {
		t.Fatalf("the late entry's reason is audited %d times, want 1", late)
	}
	// A station head records only for the deputies of their station.
	_, err := a.CreateRecord(ctx, f.In[zhitong.RoleStationHead], mediation(f.Station, people.Elsewhere))
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
}

func containsDeputy(items []app.InactiveDeputy, id int64) bool {
	for _, it := range items {
		if it.DeputyID == id {
			return true
		}
	}
	return false
}
