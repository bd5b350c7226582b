package web_test

import (
	"net/url"
	"strconv"
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// A stranded booking gets a 改约 form with the deputies on duty that day;
// the reception editor and the station's deputies form say what a change
// did to the roster and to bookings.
func TestRosterSyncPages(t *testing.T) {
	b := newBench(t)
	b.openAppointments(3)
	ctx, f := t.Context(), b.f
	officer := b.f.In[zhitong.RoleOfficer]
	second := &zhitong.Deputy{Name: "李秀兰", Levels: []string{"township"}, RegionCode: f.Town, StationID: f.Station}
	if err := b.app.DB().Write(ctx, func(tx *store.Tx) error { return tx.InsertDeputy(ctx, second) }); err != nil {
		t.Fatal(err)
	}
	testkit.Must(b.app.AddDuty(ctx, officer, f.Station, second.ID, apptDay))(t)
	v := testkit.Must(b.app.Book(ctx, app.BookingInput{StationID: f.Station, DeputyID: f.Deputy, Day: apptDay, Period: zhitong.PeriodMorning,
		Topic: "想反映村道路灯不亮", Phone: "13979701234", Consent: true}))(t)
	first := testkit.Must(store.ListDuties(ctx, b.app.DB(), store.DutyFilter{StationID: f.Station, DeputyID: f.Deputy, Day: apptDay}))(t)
	testkit.Must(0, b.app.RemoveDuty(ctx, officer, first[0].ID))(t)

	staff := b.login(officer, "sync-officer")
	pg := staff.get("/work/appointments")
	wantStatus(t, pg, 200)
	benchHas(t, pg, "代表当天不在岗，需改约", `action="/work/appointments/`+strconv.FormatInt(v.ID, 10)+`/reassign"`,
		`<option value="`+strconv.FormatInt(second.ID, 10)+`">李秀兰</option>`)
	pg = staff.post("/work/appointments/"+strconv.FormatInt(v.ID, 10)+"/reassign", url.Values{"deputy_id": {strconv.FormatInt(second.ID, 10)}})
	wantStatus(t, pg, 200)
	benchHas(t, pg, "预约 "+v.Code+" 已改由李秀兰代表接待，并短信告知群众")
	benchLacks(t, pg, "代表当天不在岗，需改约")

	// Cancelling the day removes 李秀兰's duty and strands the booking again.
	base := "/work/stations/" + strconv.FormatInt(f.Station, 10)
	pg = staff.post(base+"/reception/exceptions", url.Values{"day": {apptDay}, "action": {"cancel"}, "note": {"防汛"}})
	wantStatus(t, pg, 200)
	benchHas(t, pg, "已取消 "+apptDay+" 的接待；1 个值班已删除；本站有 1 个预约的代表当天不在岗")

	// Taking a deputy with duties to come off the station says so.
	pg = staff.post(base+"/reception/exceptions/delete", url.Values{"day": {apptDay}})
	wantStatus(t, pg, 200)
	testkit.Must(b.app.AddDuty(ctx, officer, f.Station, second.ID, apptDay))(t)
	pg = staff.post(base+"/deputies", url.Values{"deputy_id": {strconv.FormatInt(f.Deputy, 10)}})
	wantStatus(t, pg, 200)
	benchHas(t, pg, "已保存进站代表；1 个值班已删除")
}

// The approver sees how many bookings a swap hands over, and is told they
// were handed over.
func TestSwapShowsBookings(t *testing.T) {
	b := newBench(t)
	second := rosterBench(t, b)
	ctx := t.Context()
	d := rosterDuty(t, b, "2026-12-02")
	other := b.f.Deputy
	if d.DeputyID == other {
		other = second
	}
	testkit.Must(b.app.Book(ctx, app.BookingInput{StationID: b.f.Station, DeputyID: d.DeputyID, Day: "2026-12-02", Period: zhitong.PeriodAfternoon,
		Topic: "想反映村道路灯不亮", Phone: "13979701234", Consent: true}))(t)
	asker := zhitong.Principal{UserID: 990, Name: "代表", Role: zhitong.RoleDeputy, RegionCode: b.f.Town, DeputyID: d.DeputyID}
	sw := testkit.Must(b.app.RequestSwap(ctx, asker, app.SwapInput{DutyID: d.ID, Kind: zhitong.SwapCover, TargetDeputyID: other}))(t)
	officer := b.login(b.f.In[zhitong.RoleOfficer], "swap-officer")
	pg := officer.get("/work/roster?station=" + strconv.FormatInt(b.f.Station, 10) + "&month=2026-12")
	benchHas(t, pg, "涉及 1 个群众预约：批准后改由接班代表接待")
	pg = officer.post("/work/roster/swaps/"+strconv.FormatInt(sw.ID, 10)+"/approve", url.Values{"station": {strconv.FormatInt(b.f.Station, 10)}, "month": {"2026-12"}})
	wantStatus(t, pg, 200)
	benchHas(t, pg, "代班申请已批准；1 个预约改由接班代表接待，已短信告知群众")
}
