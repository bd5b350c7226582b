package app_test

import (
	"strings"
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

var market147 = []int{1, 4, 7, 11, 14, 17, 21, 24, 27}

// receptionFixture gives the fixture's station 每周二 (holidays skip) and
// 逢农历一、四、七 (holidays keep), and a second deputy there.
func receptionFixture(t *testing.T) (*app.App, *testkit.Fixture, int64) {
	t.Helper()
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	second := &zhitong.Deputy{Name: "王代表", Levels: []string{"township"}, RegionCode: f.Town, StationID: f.Station}
	if err := a.DB().Write(ctx, func(tx *store.Tx) error { return tx.InsertDeputy(ctx, second) }); err != nil {
		t.Fatal(err)
	}
	rules := []zhitong.ReceptionRule{
		{Kind: zhitong.RuleWeekday, Weekday: 2},
		{Kind: zhitong.RuleLunar, Days: market147, Holidays: zhitong.HolidayKeep},
	}
	if _, err := a.SetReceptionRules(ctx, f.In[zhitong.RoleCommittee], f.Station, rules, nil); err != nil {
		t.Fatal(err)
	}
	return a, f, second.ID
}

func TestReceptionDaysWithDeputiesOnDuty(t *testing.T) {
	a, f, second := receptionFixture(t)
	// 2026-11-24 is a Tuesday; 11-25 is 十月十七 and 11-29 十月廿一.
	putDuty(t, a, f.Station, f.Deputy, "2026-11-24", "planned")
	putDuty(t, a, f.Station, second, "2026-11-24", "excused")
	putDuty(t, a, f.Station, second, "2026-11-25", "checked_in")
	putDuty(t, a, f.Station, f.Deputy, "2026-11-29", "no_show")
	putDuty(t, a, f.OtherStation, f.OtherDeputy, "2026-11-24", "planned")
	days := testkit.Must(a.ReceptionDays(ctx, f.Station, "2026-11-23", "2026-11-30"))(t)
	var got []string
	for _, d := range days {
		var names []string
		for _, dep := range d.Deputies {
			names = append(names, dep.Name)
		}
		got = append(got, d.Day+" "+d.Weekday+" "+d.Lunar+" "+d.Reason+" "+strings.Join(names, "、"))
	}
	want := []string{
		"2026-11-24 星期二 十月十六 每周二 刘代表",
		"2026-11-25 星期三 十月十七 逢农历一、四、七 王代表",
		"2026-11-29 星期日 十月廿一 逢农历一、四、七 刘代表",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("reception days:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, tt := range []struct{ from, to, field string }{
		{"2026-11", "2026-11-30", "from"}, {"2026-11-01", "", "to"}, {"2026-11-30", "2026-11-01", "to"}, {"2026-01-01", "2027-12-31", "to"}, {"1900-01-01", "1900-01-31", "from"},
	} {
		_, err := a.ReceptionDays(ctx, f.Station, tt.from, tt.to)
		if zhitong.ErrorCode(err) != zhitong.EINVALID || zhitong.ErrorField(err) != tt.field {
			t.Errorf("%s..%s: %v, want invalid %s", tt.from, tt.to, err, tt.field)
		}
	}
	_, err := a.ReceptionDays(ctx, 99999, "2026-11-01", "2026-11-30")
	testkit.WantCode(t, err, zhitong.ENOTFOUND)
}

func TestSetReceptionRulesPermissionAndAudit(t *testing.T) {
	a, f, _ := receptionFixture(t)
	rules := []zhitong.ReceptionRule{{Kind: zhitong.RuleWeekday, Weekday: 1, Nth: 1}}
	ex := []zhitong.ReceptionException{{Day: "2026-12-07", MovedTo: "2026-12-08", Note: "县人代会"}}
	for _, tt := range []struct {
		name string
		p    zhitong.Principal
		code string
	}{
		{"citizen", zhitong.Citizen, zhitong.EUNAUTHORIZED},
		{"deputy", f.In[zhitong.RoleDeputy], zhitong.EFORBIDDEN},
		{"unit", f.In[zhitong.RoleUnit], zhitong.EFORBIDDEN},
		{"officer of another county", f.Out[zhitong.RoleOfficer], zhitong.EFORBIDDEN},
		{"head of another station", f.Out[zhitong.RoleStationHead], zhitong.EFORBIDDEN},
	} {
		testkit.WantCode(t, testkit.Err(a.SetReceptionRules(ctx, tt.p, f.Station, rules, ex)), tt.code)
	}
	testkit.WantCode(t, testkit.Err(a.SetReceptionRules(ctx, f.In[zhitong.RoleStationHead], f.Station,
		rules, []zhitong.ReceptionException{{Day: "2026-12-08"}})), zhitong.EINVALID)
	if _, err := a.SetReceptionRules(ctx, f.In[zhitong.RoleStationHead], f.Station, rules, ex); err != nil {
		t.Fatal(err)
	}
	set := testkit.Must(a.ReceptionRules(ctx, f.Station))(t)
	if len(set.Rules) != 1 || set.Rules[0].Text != "每月第一个星期一，遇法定节假日暂停" || set.Rules[0].Holidays != zhitong.HolidaySkip ||
		len(set.Exceptions) != 1 || set.Exceptions[0].MovedTo != "2026-12-08" {
		t.Errorf("stored set %+v", set)
	}
	days := testkit.Must(a.ReceptionDays(ctx, f.Station, "2026-12-01", "2027-01-31"))(t)
	if len(days) != 2 || days[0].Day != "2026-12-08" || days[0].Reason != "由12月7日调整" || days[1].Day != "2027-01-04" {
		t.Errorf("days after the move %+v", days)
	}
	entries := testkit.Must(a.Audit(ctx, f.In[zhitong.RoleAuditor], storeQuery("station:"+itoa(f.Station))))(t)
	if len(entries) != 2 {
		t.Fatalf("%d audit entries, want 2 (fixture, head)", len(entries))
	}
	found := false
	for _, e := range entries {
		found = found || e.Action == "station.reception_rules" && strings.Contains(e.Detail, `"old"`) &&
			strings.Contains(e.Detail, "逢农历一、四、七") && strings.Contains(e.Detail, `"moved_to":"2026-12-08"`)
	}
	if !found {
		t.Errorf("no audit entry with the old and new rules: %+v", entries)
	}
}

func TestUpcomingReceptionForEveryStation(t *testing.T) {
	a, f, second := receptionFixture(t)
	if _, err := a.SetReceptionRules(ctx, f.Out[zhitong.RoleCommittee], f.OtherStation,
		[]zhitong.ReceptionRule{{Kind: zhitong.RuleMonthDay, Days: []int{15}}}, nil); err != nil {
		t.Fatal(err)
	}
	// This week is Monday 23 to Sunday 29 November 2026; today is the 25th.
	putDuty(t, a, f.Station, f.Deputy, "2026-11-24", "checked_in")
	putDuty(t, a, f.Station, second, "2026-11-29", "planned")
	putDuty(t, a, f.Station, f.Deputy, "2026-11-29", "planned")
	putDuty(t, a, f.Station, second, "2026-12-01", "planned")
	up := testkit.Must(a.UpcomingReception(ctx, 3))(t)
	s := up[f.Station]
	if s == nil || !s.Lunar || len(s.Next) != 3 || s.Next[0].Day != "2026-11-25" || s.Next[1].Day != "2026-11-29" || s.Next[2].Day != "2026-12-01" {
		t.Fatalf("station %+v", s)
	}
	if len(s.WeekDuty) != 2 || s.WeekDuty[0].Name != "刘代表" || s.WeekDuty[1].Name != "王代表" {
		t.Errorf("week duty %+v", s.WeekDuty)
	}
	o := up[f.OtherStation]
	if o == nil || o.Lunar || len(o.Next) != 3 || o.Next[0].Day != "2026-12-15" || o.Next[2].Day != "2027-02-15" || len(o.WeekDuty) != 0 {
		t.Errorf("other station %+v", o)
	}
}
