package app_test

import (
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// wednesdays is the rule rosterWeekly gives the fixture's station.
var wednesdays = []zhitong.ReceptionRule{{Kind: zhitong.RuleWeekday, Weekday: 3, Holidays: zhitong.HolidayKeep}}

// syncBook books the deputy on duty at the fixture's station on day.
func syncBook(t *testing.T, a *app.App, f *testkit.Fixture, deputy int64, d, phone string) *app.AppointmentView {
	t.Helper()
	in := booking(f, phone)
	in.DeputyID, in.Day = deputy, d
	return testkit.Must(a.Book(ctx, in))(t)
}

func syncDuties(t *testing.T, a *app.App, station int64, d string) []*zhitong.Duty {
	t.Helper()
	return testkit.Must(store.ListDuties(ctx, a.DB(), store.DutyFilter{StationID: station, Day: d}))(t)
}

// Cancelling a reception day removes its planned duty (the deputy's page no
// longer lists it and nobody becomes a no-show for it), leaves today's
// check-in alone, and the editor is told how many bookings are stranded.
func TestCancelledDayRemovesDutyAndNoShow(t *testing.T) {
	a, clock := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	rosterWeekly(t, a, f)
	officer := f.In[zhitong.RoleOfficer]
	d0, d7 := rosterDutyOn(t, a, f.Station, day(0)), rosterDutyOn(t, a, f.Station, day(7))
	v := syncBook(t, a, f, d7.DeputyID, day(7), "13979701234")
	me := rosterDeputyOf(f, d0.DeputyID, 801)
	testkit.Must(a.CheckIn(ctx, me, d0.ID, app.CheckInInput{}))(t)

	ex := []zhitong.ReceptionException{{Day: day(0), Note: "停电"}, {Day: day(7), Note: "县人代会"}}
	sync := testkit.Must(a.SetReceptionRules(ctx, officer, f.Station, wednesdays, ex))(t)
	if sync.Removed != 1 || sync.Moved != 0 || sync.Stranded != 1 {
		t.Errorf("sync = %+v, want 1 removed, 0 moved, 1 stranded booking", sync)
	}
	if got := syncDuties(t, a, f.Station, day(7)); len(got) != 0 {
		t.Errorf("the cancelled day still has %d duties", len(got))
	}
	if got := rosterDutyOn(t, a, f.Station, day(0)); got.Status != zhitong.DutyCheckedIn {
		t.Errorf("today's check-in became %s", got.Status)
	}
	mine := testkit.Must(a.MyDuties(ctx, rosterDeputyOf(f, d7.DeputyID, 802)))(t)
	for _, d := range mine.Upcoming {
		if d.Day == day(7) {
			t.Errorf("the deputy's page still lists the cancelled %s", d.Day)
		}
	}
	if got := testkit.Must(a.AppointmentByCode(ctx, v.Code))(t); !got.Stranded {
		t.Error("the booking of the cancelled day is not flagged")
	}
	if n := rosterAuditCount(t, a, "duty.remove"); n != 1 {
		t.Errorf("duty.remove audited %d times, want 1", n)
	}

	clock.Set(testkit.Start.AddDate(0, 0, 8))
	testkit.Must(a.MarkNoShows(ctx))(t)
	if n := rosterAuditCount(t, a, "duty.no_show"); n != 0 {
		t.Errorf("%d no-shows marked for a cancelled day", n)
	}
	if _, ev := rosterLedgerSum(t, a, d7.DeputyID); ev[zhitong.PointAbsence] != 0 {
		t.Errorf("the deputy lost points for a cancelled day: %v", ev)
	}
}

// MarkNoShows never marks a planned duty on a day that is not a reception
// day (written behind the rules' back): it removes it, as the system; a
// duty on a real reception day is still marked.
func TestNoShowsOnlyOnReceptionDays(t *testing.T) {
	a, clock := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	rosterWeekly(t, a, f)
	err := a.DB().Write(ctx, func(tx *store.Tx) error {
		if err := tx.InsertDuty(ctx, &zhitong.Duty{StationID: f.Station, DeputyID: f.Deputy, Day: day(1), Status: zhitong.DutyPlanned}); err != nil {
			return err
		}
		// Cancel day 7 in storage only, so its duty stays.
		return tx.ReplaceReceptionRules(ctx, f.Station, wednesdays, []zhitong.ReceptionException{{StationID: f.Station, Day: day(7)}})
	})
	if err != nil {
		t.Fatal(err)
	}
	clock.Set(testkit.Start.AddDate(0, 0, 8))
	if n := testkit.Must(a.MarkNoShows(ctx))(t); n != 1 {
		t.Errorf("marked %d no-shows, want 1 (the reception day %s only)", n, day(0))
	}
	if got := rosterDutyOn(t, a, f.Station, day(0)); got.Status != zhitong.DutyNoShow {
		t.Errorf("the duty of a real reception day is %s", got.Status)
	}
	for _, d := range []string{day(1), day(7)} {
		if got := syncDuties(t, a, f.Station, d); len(got) != 0 {
			t.Errorf("%s (no reception) still has a %s duty", d, got[0].Status)
		}
	}
	var actor string
	if err := a.DB().QueryRow(ctx, `SELECT actor FROM audit_log WHERE action = 'duty.remove' LIMIT 1`).Scan(&actor); err != nil || actor != "system" {
		t.Errorf("removal actor = %q, %v", actor, err)
	}
}

// Moving a reception day moves its duty with it; undoing the move moves
// it back.
func TestMovedDayMovesDuty(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	rosterWeekly(t, a, f)
	officer := f.In[zhitong.RoleOfficer]
	d7 := rosterDutyOn(t, a, f.Station, day(7))
	sync := testkit.Must(a.SetReceptionRules(ctx, officer, f.Station, wednesdays,
		[]zhitong.ReceptionException{{Day: day(7), MovedTo: day(8), Note: "县人代会"}}))(t)
	if sync.Moved != 1 || sync.Removed != 0 {
		t.Errorf("sync = %+v, want 1 moved", sync)
	}
	if got := rosterDutyOn(t, a, f.Station, day(8)); got.ID != d7.ID || got.DeputyID != d7.DeputyID || got.Status != zhitong.DutyPlanned {
		t.Errorf("on the new day: %+v, want duty %d of deputy %d", got, d7.ID, d7.DeputyID)
	}
	if got := syncDuties(t, a, f.Station, day(7)); len(got) != 0 {
		t.Errorf("the old day keeps %d duties", len(got))
	}
	sync = testkit.Must(a.SetReceptionRules(ctx, officer, f.Station, wednesdays, nil))(t)
	if sync.Moved != 1 {
		t.Errorf("undo: sync = %+v, want 1 moved back", sync)
	}
	if got := rosterDutyOn(t, a, f.Station, day(7)); got.ID != d7.ID {
		t.Errorf("after the undo day 7 has duty %d, want %d", got.ID, d7.ID)
	}
	if n := rosterAuditCount(t, a, "duty.move"); n != 2 {
		t.Errorf("duty.move audited %d times, want 2", n)
	}
}

// Replacing the rules removes the planned duties of days that are no
// longer reception days; the roster shows no duty on an off day.
func TestReplacedRulesRemoveOffDayDuties(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	rosterWeekly(t, a, f)
	thursdays := []zhitong.ReceptionRule{{Kind: zhitong.RuleWeekday, Weekday: 4, Holidays: zhitong.HolidayKeep}}
	sync := testkit.Must(a.SetReceptionRules(ctx, f.In[zhitong.RoleCommittee], f.Station, thursdays, nil))(t)
	if sync.Removed != 4 {
		t.Errorf("sync = %+v, want the 4 Wednesday duties removed", sync)
	}
	days := testkit.Must(a.Roster(ctx, f.In[zhitong.RoleOfficer], f.Station, day(0), day(27)))(t)
	for _, d := range days {
		if !d.Reception && len(d.Duties) > 0 {
			t.Errorf("%s is no reception day and has %d duties", d.Day, len(d.Duties))
		}
	}
}

// Taking a deputy off a station removes their planned duties there from
// today on, so citizens can no longer book them; past facts stay.
func TestDeputyLeavingStationLosesDuties(t *testing.T) {
	a, clock := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	second := rosterWeekly(t, a, f)
	d7 := rosterDutyOn(t, a, f.Station, day(7))
	leaving, staying := d7.DeputyID, f.Deputy
	if leaving == f.Deputy {
		staying = second
	}
	syncBook(t, a, f, leaving, day(7), "13979701234")
	clock.Set(testkit.Start.AddDate(0, 0, 1)) // day 0 has passed
	past := syncDuties(t, a, f.Station, day(0))
	_, sync, err := a.SetStationDeputies(ctx, f.In[zhitong.RoleOfficer], f.Station, []int64{staying})
	if err != nil {
		t.Fatal(err)
	}
	if sync.Removed != 2 || sync.Stranded != 1 {
		t.Errorf("sync = %+v, want 2 duties removed (days 7 and 21 or 14) and 1 stranded booking", sync)
	}
	left := testkit.Must(store.ListDuties(ctx, a.DB(), store.DutyFilter{StationID: f.Station, DeputyID: leaving, From: day(1)}))(t)
	if len(left) != 0 {
		t.Errorf("the deputy who left keeps %d duties to come", len(left))
	}
	if got := syncDuties(t, a, f.Station, day(0)); len(got) != len(past) {
		t.Errorf("the past day lost duties: %d → %d", len(past), len(got))
	}
	for _, s := range testkit.Must(a.AppointmentSlots(ctx, f.Station, day(1), day(27)))(t) {
		if s.DeputyID == leaving {
			t.Errorf("the deputy who left still offers %s %s", s.Day, s.Period)
		}
	}
	if n := rosterAuditCount(t, a, "duty.remove"); n != 2 {
		t.Errorf("duty.remove audited %d times, want 2", n)
	}
}

// An approved cover swap hands the bookings of that day to the deputy who
// now serves: the approver sees how many first, the citizen gets an SMS
// with the new deputy, the places move with them.
func TestSwapHandsBookingsOver(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	second := rosterWeekly(t, a, f)
	d7 := rosterDutyOn(t, a, f.Station, day(7))
	other := f.Deputy
	if d7.DeputyID == f.Deputy {
		other = second
	}
	v := syncBook(t, a, f, d7.DeputyID, day(7), "13979701234")
	w := testkit.Must(a.RequestSwap(ctx, rosterDeputyOf(f, d7.DeputyID, 901), app.SwapInput{DutyID: d7.ID, Kind: zhitong.SwapCover, TargetDeputyID: other}))(t)
	if n := testkit.Must(a.SwapBookings(ctx, w))(t); n != 1 {
		t.Errorf("the approver is shown %d bookings, want 1", n)
	}
	_, sync, err := a.DecideSwap(ctx, f.In[zhitong.RoleOfficer], w.ID, true, "")
	if err != nil {
		t.Fatal(err)
	}
	if sync.Reassigned != 1 || sync.Stranded != 0 {
		t.Errorf("sync = %+v, want 1 reassigned, none stranded", sync)
	}
	got := testkit.Must(a.AppointmentByCode(ctx, v.Code))(t)
	if got.DeputyID != other || got.Stranded {
		t.Errorf("booking after the swap: deputy %d (want %d), stranded %v", got.DeputyID, other, got.Stranded)
	}
	for _, s := range testkit.Must(a.AppointmentSlots(ctx, f.Station, day(7), day(7)))(t) {
		if s.Period == zhitong.PeriodMorning && s.Remaining != s.Capacity-1 {
			t.Errorf("the new deputy's morning has %d of %d places left, want one taken", s.Remaining, s.Capacity)
		}
	}
	rec := &recorder{}
	deliver(t, a, app.Delivery{SMS: rec})
	sent := 0
	for _, m := range rec.messages() {
		if m.Template == "appointment.reassigned" {
			sent++
			if m.Phone != "13979701234" || param(m, "deputy") == "" || param(m, "day") != day(7) {
				t.Errorf("reassignment SMS = %+v", m)
			}
		}
	}
	if sent != 1 {
		t.Errorf("sent %d reassignment SMS, want 1", sent)
	}
	if n := rosterAuditCount(t, a, "appointment.reassign"); n != 1 {
		t.Errorf("appointment.reassign audited %d times", n)
	}
}

// Staff hand a stranded booking to another deputy on duty that day; only
// a deputy on duty with a place left can take it.
func TestReassignStrandedBooking(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	openBooking(t, a, f, 1)
	officer := f.In[zhitong.RoleOfficer]
	second := rosterAddDeputy(t, a, f, "李代表")
	v := testkit.Must(a.Book(ctx, booking(f, "13979701234")))(t)
	_, err := a.ReassignAppointment(ctx, officer, v.ID, second)
	testkit.WantCode(t, err, zhitong.EINVALID) // not on duty that day
	testkit.Must(a.AddDuty(ctx, officer, f.Station, second, bookingDay))(t)
	other := booking(f, "13979705678")
	other.DeputyID = second
	taken := testkit.Must(a.Book(ctx, other))(t)
	first := testkit.Must(store.ListDuties(ctx, a.DB(), store.DutyFilter{StationID: f.Station, DeputyID: f.Deputy, Day: bookingDay}))(t)
	testkit.Must(0, a.RemoveDuty(ctx, officer, first[0].ID))(t)
	if !testkit.Must(a.AppointmentByCode(ctx, v.Code))(t).Stranded {
		t.Fatal("a booking whose deputy left the roster is not stranded")
	}
	_, err = a.ReassignAppointment(ctx, officer, v.ID, second)
	testkit.WantCode(t, err, zhitong.ECONFLICT) // their morning is full
	testkit.Must(a.StaffCancelAppointment(ctx, officer, taken.ID, "群众改期"))(t)
	_, err = a.ReassignAppointment(ctx, f.Out[zhitong.RoleOfficer], v.ID, second)
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
	choices := testkit.Must(a.ReassignChoices(ctx, officer, v.ID))(t)
	if len(choices) != 1 || choices[0].ID != second {
		t.Errorf("choices = %+v, want the other deputy on duty", choices)
	}
	got := testkit.Must(a.ReassignAppointment(ctx, officer, v.ID, second))(t)
	if got.DeputyID != second || got.DeputyName != "李代表" {
		t.Errorf("reassigned = %+v", got)
	}
	if testkit.Must(a.AppointmentByCode(ctx, v.Code))(t).Stranded {
		t.Error("the reassigned booking is still stranded")
	}
	if n := rosterAuditCount(t, a, "appointment.reassign"); n != 1 {
		t.Errorf("appointment.reassign audited %d times", n)
	}
}
