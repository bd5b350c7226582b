package app_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// rosterStation adds a station in the fixture's town with n deputies and
// reception days on the given weekdays; it returns the station and deputies.
func rosterStation(t *testing.T, a *app.App, f *testkit.Fixture, name string, n int, weekdays ...int) (int64, []int64) {
	t.Helper()
	var station int64
	var deps []int64
	err := a.DB().Write(ctx, func(tx *store.Tx) error {
		st := &zhitong.Station{Name: name, RegionCode: f.Town, Kind: "fixed"}
		if err := tx.InsertStation(ctx, st); err != nil {
			return err
		}
		station = st.ID
		for i := range n {
			d := &zhitong.Deputy{Name: fmt.Sprintf("%s代表%d", name, i+1), Levels: []string{"township"}, RegionCode: f.Town, StationID: st.ID}
			if err := tx.InsertDeputy(ctx, d); err != nil {
				return err
			}
			deps = append(deps, d.ID)
		}
		var rules []zhitong.ReceptionRule
		for _, w := range weekdays {
			rules = append(rules, zhitong.ReceptionRule{Kind: zhitong.RuleWeekday, Weekday: w, Holidays: zhitong.HolidayKeep})
		}
		return tx.ReplaceReceptionRules(ctx, st.ID, rules, nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	return station, deps
}

// rosterOf maps day → deputies on duty at a station, from the database.
func rosterOf(t *testing.T, a *app.App, station int64, from, to string) map[string][]int64 {
	t.Helper()
	duties := testkit.Must(store.ListDuties(ctx, a.DB(), store.DutyFilter{StationID: station, From: from, To: to}))(t)
	out := map[string][]int64{}
	for _, d := range duties {
		out[d.Day] = append(out[d.Day], d.DeputyID)
	}
	return out
}

func rosterAuditCount(t *testing.T, a *app.App, action string) int {
	t.Helper()
	var n int
	if err := a.DB().QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = ?`, action).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// A rotation is even (counts within one of each other in every period),
// never puts a deputy on two reception days in a row when there are enough
// deputies, fills every day, continues fairly from month to month and is
// the same when generated again.
func TestRosterIsFair(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	staff := f.In[zhitong.RoleCommittee]
	months := [][2]string{{"2026-12-01", "2026-12-31"}, {"2027-01-01", "2027-01-31"}, {"2027-02-01", "2027-02-28"}, {"2027-03-01", "2027-04-15"}}
	for n := 1; n <= 7; n++ {
		for perDay := 1; perDay <= min(3, n); perDay++ {
			weekdays := [][]int{{2}, {2, 5}, {1, 3, 5}}[(n+perDay)%3]
			station, deps := rosterStation(t, a, f, fmt.Sprintf("站%d-%d", n, perDay), n, weekdays...)
			total := map[int64]int{}
			var days []string
			for _, m := range months {
				plan := testkit.Must(a.GenerateRoster(ctx, staff, station, m[0], m[1], perDay))(t)
				got := rosterOf(t, a, station, m[0], m[1])
				if plan.Planned != plan.Days*perDay || len(got) != plan.Days || plan.Days == 0 {
					t.Fatalf("n=%d perDay=%d %s: plan %+v, %d days on the roster", n, perDay, m[0], plan, len(got))
				}
				count := map[int64]int{}
				for day, ids := range got {
					if len(ids) != perDay {
						t.Fatalf("n=%d perDay=%d: %s has %v", n, perDay, day, ids)
					}
					for _, id := range ids {
						count[id]++
						total[id]++
					}
					days = append(days, day)
				}
				lo, hi := rosterSpread(deps, count)
				if hi-lo > 1 {
					t.Errorf("n=%d perDay=%d %s: counts %v differ by more than one", n, perDay, m[0], count)
				}
				// Generating the same period again gives the same roster.
				testkit.Must(a.GenerateRoster(ctx, staff, station, m[0], m[1], perDay))(t)
				if again := rosterOf(t, a, station, m[0], m[1]); fmt.Sprint(again) != fmt.Sprint(got) {
					t.Errorf("n=%d perDay=%d %s: regenerated %v, first %v", n, perDay, m[0], again, got)
				}
			}
			if lo, hi := rosterSpread(deps, total); hi-lo > 2 {
				t.Errorf("n=%d perDay=%d: totals over four periods %v", n, perDay, total)
			}
			if n < 2*perDay {
				continue
			}
			slices.Sort(days)
			all := rosterOf(t, a, station, days[0], days[len(days)-1])
			for i := 1; i < len(days); i++ {
				for _, id := range all[days[i]] {
					if slices.Contains(all[days[i-1]], id) {
						t.Errorf("n=%d perDay=%d: deputy %d on %s and %s", n, perDay, id, days[i-1], days[i])
					}
				}
			}
		}
	}
	if got := rosterAuditCount(t, a, "roster.generate"); got < 40 {
		t.Fatalf("roster.generate audited %d times", got)
	}
}

func rosterSpread(deps []int64, count map[int64]int) (lo, hi int) {
	lo = 1 << 30
	for _, id := range deps {
		lo, hi = min(lo, count[id]), max(hi, count[id])
	}
	return lo, hi
}

// Whoever served least, and least lately, before a period goes first.
func TestRosterContinuesFromHistory(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	staff := f.In[zhitong.RoleOfficer]
	station, deps := rosterStation(t, a, f, "历史站", 3, 2)
	// December has five Tuesdays: 1, 8, 15, 22, 29; one deputy serves twice.
	testkit.Must(a.GenerateRoster(ctx, staff, station, "2026-12-01", "2026-12-31", 1))(t)
	dec := rosterOf(t, a, station, "2026-12-01", "2026-12-31")
	count := map[int64]int{}
	for _, ids := range dec {
		count[ids[0]]++
	}
	testkit.Must(a.GenerateRoster(ctx, staff, station, "2027-01-01", "2027-01-31", 1))(t)
	jan := rosterOf(t, a, station, "2027-01-01", "2027-01-31")
	first := jan["2027-01-05"][0]
	if count[first] != 1 || first == dec["2026-12-29"][0] {
		t.Fatalf("January starts with %d; December counts %v, last %v", first, count, dec["2026-12-29"])
	}
	_ = deps
}

// Regenerating replaces planned duties only: check-ins stay, past days are
// never touched, and perDay is bounded by the station's deputies.
func TestRegenerateKeepsFacts(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	staff := f.In[zhitong.RoleStationHead]
	var err error
	err = a.DB().Write(ctx, func(tx *store.Tx) error {
		return tx.ReplaceReceptionRules(ctx, f.Station, []zhitong.ReceptionRule{{Kind: zhitong.RuleWeekday, Weekday: 3, Holidays: zhitong.HolidayKeep}}, nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	second := rosterAddDeputy(t, a, f, "李代表")
	past := putDuty(t, a, f.Station, second, day(-7), "planned")
	plan := testkit.Must(a.GenerateRoster(ctx, staff, f.Station, day(-14), day(28), 1))(t)
	if plan.From != day(0) || plan.Days != 5 || plan.Planned != 5 {
		t.Fatalf("plan = %+v", plan)
	}
	if d := testkit.Must(store.GetDuty(ctx, a.DB(), past))(t); d.Status != "planned" {
		t.Fatalf("past duty = %+v", d)
	}
	todays := rosterOf(t, a, f.Station, day(0), day(0))[day(0)]
	var todayDuty *zhitong.Duty
	for _, d := range testkit.Must(store.ListDuties(ctx, a.DB(), store.DutyFilter{StationID: f.Station, Day: day(0)}))(t) {
		todayDuty = d
	}
	dep := zhitong.Principal{UserID: 77, Name: "值班代表", Role: zhitong.RoleDeputy, RegionCode: f.Town, DeputyID: todays[0]}
	testkit.Must(a.CheckIn(ctx, dep, todayDuty.ID, app.CheckInInput{}))(t)
	plan = testkit.Must(a.GenerateRoster(ctx, staff, f.Station, day(0), day(28), 1))(t)
	if plan.Kept != 1 || plan.Removed != 4 || plan.Planned != 4 {
		t.Fatalf("regenerated: %+v", plan)
	}
	if d := testkit.Must(store.GetDuty(ctx, a.DB(), todayDuty.ID))(t); d.Status != zhitong.DutyCheckedIn {
		t.Fatalf("today's check-in became %+v", d)
	}
	_, err = a.GenerateRoster(ctx, staff, f.Station, day(0), day(27), 3)
	testkit.WantCode(t, err, zhitong.EINVALID)
	_, err = a.GenerateRoster(ctx, staff, f.Station, day(-30), day(-1), 1)
	testkit.WantCode(t, err, zhitong.EINVALID)
	_, err = a.GenerateRoster(ctx, f.Out[zhitong.RoleOfficer], f.Station, day(0), day(27), 1)
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
	_, err = a.GenerateRoster(ctx, f.In[zhitong.RoleUnit], f.Station, day(0), day(27), 1)
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
	_, err = a.GenerateRoster(ctx, f.In[zhitong.RoleDeputy], f.Station, day(0), day(27), 1)
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
}

func rosterAddDeputy(t *testing.T, a *app.App, f *testkit.Fixture, name string) int64 {
	t.Helper()
	d := &zhitong.Deputy{Name: name, Levels: []string{"township"}, RegionCode: f.Town, StationID: f.Station}
	if err := a.DB().Write(ctx, func(tx *store.Tx) error { return tx.InsertDeputy(ctx, d) }); err != nil {
		t.Fatal(err)
	}
	return d.ID
}

// rosterWeekly gives the fixture's station Wednesday reception days and a
// second deputy, and rosters the next four weeks.
func rosterWeekly(t *testing.T, a *app.App, f *testkit.Fixture) int64 {
	t.Helper()
	err := a.DB().Write(ctx, func(tx *store.Tx) error {
		return tx.ReplaceReceptionRules(ctx, f.Station, []zhitong.ReceptionRule{{Kind: zhitong.RuleWeekday, Weekday: 3, Holidays: zhitong.HolidayKeep}}, nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	second := rosterAddDeputy(t, a, f, "李代表")
	testkit.Must(a.GenerateRoster(ctx, f.In[zhitong.RoleOfficer], f.Station, day(0), day(27), 1))(t)
	return second
}

func rosterDutyOn(t *testing.T, a *app.App, station int64, d string) *zhitong.Duty {
	t.Helper()
	list := testkit.Must(store.ListDuties(ctx, a.DB(), store.DutyFilter{StationID: station, Day: d}))(t)
	if len(list) != 1 {
		t.Fatalf("%d duties on %s", len(list), d)
	}
	return list[0]
}

func TestEditRosterByHand(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	second := rosterWeekly(t, a, f)
	officer := f.In[zhitong.RoleOfficer]
	// Only reception days, only the station's deputies, only days to come.
	_, err := a.AddDuty(ctx, officer, f.Station, second, day(1))
	testkit.WantCode(t, err, zhitong.EINVALID)
	_, err = a.AddDuty(ctx, officer, f.Station, f.OtherDeputy, day(7))
	testkit.WantCode(t, err, zhitong.EINVALID)
	_, err = a.AddDuty(ctx, officer, f.Station, second, day(-7))
	testkit.WantCode(t, err, zhitong.EINVALID)
	_, err = a.AddDuty(ctx, f.Out[zhitong.RoleOfficer], f.Station, second, day(7))
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
	wk := rosterDutyOn(t, a, f.Station, day(7))
	other := f.Deputy
	if wk.DeputyID == f.Deputy {
		other = second
	}
	added := testkit.Must(a.AddDuty(ctx, officer, f.Station, other, day(7)))(t)
	_, err = a.AddDuty(ctx, officer, f.Station, other, day(7))
	testkit.WantCode(t, err, zhitong.ECONFLICT)
	testkit.Must(0, a.RemoveDuty(ctx, officer, added.ID))(t)
	replaced := testkit.Must(a.ReplaceDuty(ctx, officer, wk.ID, other))(t)
	if replaced.DeputyID != other || replaced.Day != day(7) {
		t.Fatalf("replaced = %+v", replaced)
	}
	_, err = a.ReplaceDuty(ctx, officer, wk.ID, f.OtherDeputy)
	testkit.WantCode(t, err, zhitong.EINVALID)
	for action, want := range map[string]int{"duty.add": 1, "duty.remove": 1, "duty.replace": 1} {
		if got := rosterAuditCount(t, a, action); got != want {
			t.Errorf("%s audited %d times, want %d", action, got, want)
		}
	}
}

func rosterDeputyOf(f *testkit.Fixture, id int64, user int64) zhitong.Principal {
	return zhitong.Principal{UserID: user, Name: fmt.Sprint("代表", id), Role: zhitong.RoleDeputy, RegionCode: f.Town, DeputyID: id}
}

func TestSwaps(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	second := rosterWeekly(t, a, f)
	officer := f.In[zhitong.RoleOfficer]
	// Accounts, so notices have someone to reach.
	for _, u := range []app.UserInput{
		{Username: "swap-a", Role: zhitong.RoleDeputy, RegionCode: f.Town, DeputyID: f.Deputy, Password: "Test-Passw0rd"},
		{Username: "swap-b", Role: zhitong.RoleDeputy, RegionCode: f.Town, DeputyID: second, Password: "Test-Passw0rd"},
		{Username: "swap-officer", Role: zhitong.RoleOfficer, RegionCode: f.County, Password: "Test-Passw0rd"},
	} {
		testkit.Must(a.AddUser(ctx, app.System, u))(t)
	}
	d7, d14 := rosterDutyOn(t, a, f.Station, day(7)), rosterDutyOn(t, a, f.Station, day(14))
	if d7.DeputyID == d14.DeputyID {
		t.Fatalf("rotation gave %d both weeks", d7.DeputyID)
	}
	asker := rosterDeputyOf(f, d7.DeputyID, 501)
	// Only one's own future duty, with a duty of the same station.
	_, err := a.RequestSwap(ctx, asker, app.SwapInput{DutyID: d14.ID, Kind: zhitong.SwapExchange, TargetDutyID: d7.ID})
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
	_, err = a.RequestSwap(ctx, officer, app.SwapInput{DutyID: d7.ID, Kind: zhitong.SwapExchange, TargetDutyID: d14.ID})
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
	outbox := countRows(t, a, "notifications")
	w := testkit.Must(a.RequestSwap(ctx, asker, app.SwapInput{DutyID: d7.ID, Kind: zhitong.SwapExchange, TargetDutyID: d14.ID, Reason: "外出学习"}))(t)
	if w.Status != zhitong.SwapPending || w.TargetDeputyID != d14.DeputyID || w.TargetDay != day(14) {
		t.Fatalf("swap = %+v", w)
	}
	if got := countRows(t, a, "notifications"); got < outbox+2 {
		t.Fatalf("outbox %d → %d: the officer and the other deputy are not told", outbox, got)
	}
	_, err = a.RequestSwap(ctx, asker, app.SwapInput{DutyID: d7.ID, Kind: zhitong.SwapCover, TargetDeputyID: d14.DeputyID})
	testkit.WantCode(t, err, zhitong.ECONFLICT)
	_, _, err = a.DecideSwap(ctx, f.Out[zhitong.RoleOfficer], w.ID, true, "")
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
	w = testkit.First(testkit.Must2(a.DecideSwap(ctx, officer, w.ID, true, "同意"))(t))
	if w.Status != zhitong.SwapApproved || w.DecidedBy != officer.Name {
		t.Fatalf("approved = %+v", w)
	}
	if a7, a14 := rosterDutyOn(t, a, f.Station, day(7)), rosterDutyOn(t, a, f.Station, day(14)); a7.DeputyID != d14.DeputyID || a14.DeputyID != d7.DeputyID {
		t.Fatalf("after the exchange: %+v, %+v", a7, a14)
	}
	_, _, err = a.DecideSwap(ctx, officer, w.ID, false, "")
	testkit.WantCode(t, err, zhitong.ECONFLICT)

	// A cover, rejected: nothing moves.
	d21 := rosterDutyOn(t, a, f.Station, day(21))
	coverer := f.Deputy
	if d21.DeputyID == f.Deputy {
		coverer = second
	}
	c := testkit.Must(a.RequestSwap(ctx, rosterDeputyOf(f, d21.DeputyID, 502), app.SwapInput{DutyID: d21.ID, Kind: zhitong.SwapCover, TargetDeputyID: coverer}))(t)
	c = testkit.First(testkit.Must2(a.DecideSwap(ctx, officer, c.ID, false, "人手不足"))(t))
	if c.Status != zhitong.SwapRejected || rosterDutyOn(t, a, f.Station, day(21)).DeputyID != d21.DeputyID {
		t.Fatalf("rejected cover moved the duty: %+v", c)
	}
	// A duty changed behind the request's back: approval re-checks and is a
	// conflict, and nothing moves.
	c = testkit.Must(a.RequestSwap(ctx, rosterDeputyOf(f, d21.DeputyID, 502), app.SwapInput{DutyID: d21.ID, Kind: zhitong.SwapCover, TargetDeputyID: coverer}))(t)
	if _, err := a.DB().Exec(ctx, `UPDATE duties SET day = ? WHERE id = ?`, day(22), d21.ID); err != nil {
		t.Fatal(err)
	}
	_, _, err = a.DecideSwap(ctx, officer, c.ID, true, "")
	testkit.WantCode(t, err, zhitong.ECONFLICT)
	if got := testkit.Must(store.GetDuty(ctx, a.DB(), d21.ID))(t); got.DeputyID != d21.DeputyID {
		t.Fatalf("a conflicting approval moved the duty: %+v", got)
	}
	if _, err := a.DB().Exec(ctx, `UPDATE duties SET day = ? WHERE id = ?`, day(21), d21.ID); err != nil {
		t.Fatal(err)
	}
	if got := testkit.Must(a.Swaps(ctx, officer, app.SwapQuery{Status: zhitong.SwapPending}))(t); len(got) != 1 || got[0].ID != c.ID {
		t.Fatalf("pending swaps = %+v", got)
	}
	// A roster change by staff makes the request impossible: it expires.
	testkit.Must(a.ReplaceDuty(ctx, officer, d21.ID, coverer))(t)
	if got := testkit.Must(a.Swaps(ctx, officer, app.SwapQuery{Status: zhitong.SwapPending}))(t); len(got) != 0 {
		t.Fatalf("pending after the duty changed = %+v", got)
	}
	expired := testkit.Must(store.GetSwap(ctx, a.DB(), c.ID))(t)
	if expired.Status != zhitong.SwapRejected || expired.DecidedBy != "系统" || rosterAuditCount(t, a, "swap.expire") != 1 {
		t.Fatalf("stale swap = %+v", expired)
	}
	_, _, err = a.DecideSwap(ctx, officer, c.ID, true, "")
	testkit.WantCode(t, err, zhitong.ECONFLICT)
	if got := testkit.Must(a.Swaps(ctx, f.Out[zhitong.RoleOfficer], app.SwapQuery{}))(t); len(got) != 0 {
		t.Fatalf("an outsider sees %d swaps", len(got))
	}
	if got := testkit.Must(a.Swaps(ctx, rosterDeputyOf(f, coverer, 503), app.SwapQuery{}))(t); len(got) != 3 {
		t.Fatalf("the named deputy sees %d swaps, want 3", len(got))
	}
	for _, action := range []string{"swap.request", "swap.approve", "swap.reject"} {
		if rosterAuditCount(t, a, action) == 0 {
			t.Errorf("no %s audit entry", action)
		}
	}
}

func rosterLedgerSum(t *testing.T, a *app.App, deputy int64) (sum int, events map[zhitong.PointEvent]int) {
	t.Helper()
	events = map[zhitong.PointEvent]int{}
	for _, e := range testkit.Must(store.ListLedger(ctx, a.DB(), deputy, "", ""))(t) {
		sum += e.Points
		events[e.Event]++
	}
	return sum, events
}

func TestCheckIn(t *testing.T) {
	a, clock := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	second := rosterWeekly(t, a, f)
	today := rosterDutyOn(t, a, f.Station, day(0))
	next := rosterDutyOn(t, a, f.Station, day(7))
	me := rosterDeputyOf(f, today.DeputyID, 601)
	other := rosterDeputyOf(f, f.Deputy+second-today.DeputyID, 602)
	lat, lng := 24.78, 115.03

	_, err := a.CheckIn(ctx, other, today.ID, app.CheckInInput{})
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
	_, err = a.CheckIn(ctx, rosterDeputyOf(f, next.DeputyID, 603), next.ID, app.CheckInInput{})
	testkit.WantCode(t, err, zhitong.ECONFLICT)
	_, err = a.CheckIn(ctx, me, today.ID, app.CheckInInput{Lat: &lat})
	testkit.WantCode(t, err, zhitong.EINVALID)
	got := testkit.Must(a.CheckIn(ctx, me, today.ID, app.CheckInInput{Lat: &lat, Lng: &lng}))(t)
	if got.Status != zhitong.DutyCheckedIn || got.CheckedInAt == nil || got.Lat != lat || got.RecordedBy != "" {
		t.Fatalf("checked in = %+v", got)
	}
	if _, ev := rosterLedgerSum(t, a, today.DeputyID); ev[zhitong.PointVisit] != 1 {
		t.Fatalf("ledger after check-in: %v", ev)
	}
	_, err = a.CheckIn(ctx, me, today.ID, app.CheckInInput{})
	testkit.WantCode(t, err, zhitong.ECONFLICT)

	// An unplanned visit on a reception day: the other deputy checks in too.
	visit := testkit.Must(a.VisitCheckIn(ctx, other, f.Station, app.CheckInInput{}))(t)
	if visit.Status != zhitong.DutyCheckedIn || visit.Day != day(0) || visit.DeputyID != other.DeputyID {
		t.Fatalf("visit = %+v", visit)
	}
	_, err = a.VisitCheckIn(ctx, other, f.Station, app.CheckInInput{})
	testkit.WantCode(t, err, zhitong.ECONFLICT)
	_, err = a.VisitCheckIn(ctx, rosterDeputyOf(f, f.OtherDeputy, 604), f.Station, app.CheckInInput{})
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)

	// A week later the next duty is missed: staff record it (补登) with a note.
	clock.Set(testkit.Start.AddDate(0, 0, 8))
	_, err = a.VisitCheckIn(ctx, other, f.Station, app.CheckInInput{})
	testkit.WantCode(t, err, zhitong.ECONFLICT) // not a reception day
	head := f.In[zhitong.RoleStationHead]
	_, err = a.CheckIn(ctx, head, next.ID, app.CheckInInput{})
	testkit.WantCode(t, err, zhitong.EINVALID)
	_, err = a.CheckIn(ctx, f.Out[zhitong.RoleStationHead], next.ID, app.CheckInInput{Note: "补登"})
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
	later := rosterDutyOn(t, a, f.Station, day(14))
	_, err = a.CheckIn(ctx, head, later.ID, app.CheckInInput{Note: "提前补登"})
	testkit.WantCode(t, err, zhitong.EINVALID)
	got = testkit.Must(a.CheckIn(ctx, head, next.ID, app.CheckInInput{Note: "手机没电，站长现场见证"}))(t)
	if got.Status != zhitong.DutyCheckedIn || got.RecordedBy != head.Name || got.Note == "" {
		t.Fatalf("补登 = %+v", got)
	}
	if n := rosterAuditCount(t, a, "duty.check_in"); n != 2 {
		t.Fatalf("duty.check_in audited %d times", n)
	}
}

func TestNoShowsAndExcuses(t *testing.T) {
	a, clock := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	rosterWeekly(t, a, f)
	d0, d7 := rosterDutyOn(t, a, f.Station, day(0)), rosterDutyOn(t, a, f.Station, day(7))
	if n := testkit.Must(a.MarkNoShows(ctx))(t); n != 0 {
		t.Fatalf("marked %d before any day passed", n)
	}
	other := f.Deputy
	if d7.DeputyID == f.Deputy {
		other = rosterDutyOn(t, a, f.Station, day(0)).DeputyID
	}
	sw := testkit.Must(a.RequestSwap(ctx, rosterDeputyOf(f, d7.DeputyID, 700), app.SwapInput{DutyID: d7.ID, Kind: zhitong.SwapCover, TargetDeputyID: other}))(t)
	clock.Set(testkit.Start.AddDate(0, 0, 8))
	if n := testkit.Must(a.MarkNoShows(ctx))(t); n != 2 {
		t.Fatalf("marked %d, want 2", n)
	}
	if n := testkit.Must(a.MarkNoShows(ctx))(t); n != 0 {
		t.Fatalf("second run marked %d", n)
	}
	if got := testkit.Must(store.GetSwap(ctx, a.DB(), sw.ID))(t); got.Status != zhitong.SwapRejected {
		t.Fatalf("a request for a day that passed is still %s", got.Status)
	}
	if n := rosterAuditCount(t, a, "duty.no_show"); n != 2 {
		t.Fatalf("duty.no_show audited %d times", n)
	}
	var actor string
	if err := a.DB().QueryRow(ctx, `SELECT actor FROM audit_log WHERE action = 'duty.no_show' LIMIT 1`).Scan(&actor); err != nil || actor != "system" {
		t.Fatalf("no-show actor = %q, %v", actor, err)
	}
	if d := rosterDutyOn(t, a, f.Station, day(14)); d.Status != zhitong.DutyPlanned {
		t.Fatalf("a future duty became %s", d.Status)
	}
	before, ev := rosterLedgerSum(t, a, d0.DeputyID)
	if ev[zhitong.PointAbsence] != 1 {
		t.Fatalf("ledger after the no-show: %v", ev)
	}
	officer := f.In[zhitong.RoleOfficer]
	_, err := a.ExcuseDuty(ctx, officer, d0.ID, " ")
	testkit.WantCode(t, err, zhitong.EINVALID)
	_, err = a.ExcuseDuty(ctx, f.Out[zhitong.RoleOfficer], d0.ID, "生病")
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
	_, err = a.ExcuseDuty(ctx, f.In[zhitong.RoleDeputy], d0.ID, "生病")
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
	_, err = a.ExcuseDuty(ctx, officer, rosterDutyOn(t, a, f.Station, day(14)).ID, "生病")
	testkit.WantCode(t, err, zhitong.ECONFLICT)
	got := testkit.Must(a.ExcuseDuty(ctx, officer, d0.ID, "因病住院"))(t)
	if got.Status != zhitong.DutyExcused || got.Note != "因病住院" {
		t.Fatalf("excused = %+v", got)
	}
	after, ev := rosterLedgerSum(t, a, d0.DeputyID)
	if ev[zhitong.PointAbsence] != 0 || after <= before {
		t.Fatalf("ledger after excuse: %d → %d, %v", before, after, ev)
	}
	if rosterAuditCount(t, a, "duty.excuse") != 1 {
		t.Fatal("excuse not audited")
	}
	mine := testkit.Must(a.MyDuties(ctx, rosterDeputyOf(f, d0.DeputyID, 701)))(t)
	if len(mine.Recent) == 0 || len(mine.Upcoming) == 0 || mine.Recent[0].Day >= day(8) {
		t.Fatalf("my duties = %+v", mine)
	}
	_, err = a.MyDuties(ctx, officer)
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
}

var _ = time.DateOnly

// A cross-border station's roster is kept by the staff of each of its
// regions, who see its swap requests too.
func TestCrossBorderRoster(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	station, deps := rosterStation(t, a, f, "赣粤边界站", 2, 3)
	err := a.DB().Write(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE stations SET kind = 'cross_border' WHERE id = ?`, station); err != nil {
			return err
		}
		return tx.SetStationRegions(ctx, station, []string{f.Town, f.OtherCounty})
	})
	if err != nil {
		t.Fatal(err)
	}
	outside := f.Out[zhitong.RoleOfficer]
	testkit.Must(a.GenerateRoster(ctx, outside, station, day(0), day(28), 1))(t)
	if got := testkit.Must(a.RosterStations(ctx, outside))(t); !slices.ContainsFunc(got, func(s zhitong.Station) bool { return s.ID == station }) {
		t.Fatalf("the other region's officer does not list the station: %+v", got)
	}
	d := rosterDutyOn(t, a, station, day(7))
	other := deps[0]
	if d.DeputyID == other {
		other = deps[1]
	}
	testkit.Must(a.RequestSwap(ctx, rosterDeputyOf(f, d.DeputyID, 800), app.SwapInput{DutyID: d.ID, Kind: zhitong.SwapCover, TargetDeputyID: other}))(t)
	if got := testkit.Must(a.Swaps(ctx, outside, app.SwapQuery{}))(t); len(got) != 1 {
		t.Fatalf("the other region's officer sees %d swaps", len(got))
	}
	_, err = a.GenerateRoster(ctx, f.Out[zhitong.RoleCommittee], f.Station, day(0), day(28), 1)
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
}
