package app_test

import (
	"errors"
	"strings"
	"sync"
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

const bookingDay = testkit.BookingDay

func openBooking(t *testing.T, a *app.App, f *testkit.Fixture, capacity int) {
	testkit.OpenBooking(t, a, f, capacity)
}

func booking(f *testkit.Fixture, phone string) app.BookingInput {
	return app.BookingInput{StationID: f.Station, DeputyID: f.Deputy, Day: bookingDay, Period: zhitong.PeriodMorning,
		Topic: "村里的自来水管道老化，想当面反映", Name: "王小明", Phone: phone, Consent: true}
}

func phoneN(i int) string {
	return "139" + strings.Repeat("0", 4) + string(rune('1'+i/10)) + string(rune('0'+i%10)) + "00"
}

func TestConcurrentBookingsNeverExceedCapacity(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	openBooking(t, a, f, 3)
	var wg sync.WaitGroup
	errs := make([]error, 20)
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = a.Book(ctx, booking(f, phoneN(i)))
		}()
	}
	wg.Wait()
	ok, full := 0, 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case zhitong.ErrorCode(err) == zhitong.ECONFLICT && strings.Contains(zhitong.ErrorMessage(err), "已约满"):
			full++
		default:
			t.Errorf("unexpected error: %v", err)
		}
	}
	if ok != 3 || full != 17 {
		t.Fatalf("%d booked and %d refused as full, want 3 and 17", ok, full)
	}
	var booked, rows int
	testkit.Must(0, a.DB().QueryRow(ctx, `SELECT booked FROM appointment_slots WHERE station_id = ?`, f.Station).Scan(&booked))(t)
	testkit.Must(0, a.DB().QueryRow(ctx, `SELECT COUNT(*) FROM appointments`).Scan(&rows))(t)
	if booked != 3 || rows != 3 {
		t.Errorf("slot counter %d, appointments %d, want 3 and 3", booked, rows)
	}
	slots := testkit.Must(a.AppointmentSlots(ctx, f.Station, "", ""))(t)
	for _, s := range slots {
		if s.Day == bookingDay && s.Period == zhitong.PeriodMorning && s.Remaining != 0 {
			t.Errorf("morning slot shows %d places left, want 0", s.Remaining)
		}
	}
}

func TestConcurrentBookingsFromOnePhoneKeepTheCap(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	openBooking(t, a, f, 20)
	var wg sync.WaitGroup
	errs := make([]error, 10)
	for i := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = a.Book(ctx, booking(f, phoneN(7)))
		}()
	}
	wg.Wait()
	ok, capped := 0, 0
	for _, err := range errs {
		switch zhitong.ErrorCode(err) {
		case "":
			ok++
		case zhitong.ETOOMANY:
			capped++
		default:
			t.Errorf("unexpected error: %v", err)
		}
	}
	if ok != 3 || capped != 7 {
		t.Fatalf("%d booked and %d refused by the per-phone cap, want 3 and 7", ok, capped)
	}
}

func TestBookingValidation(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	openBooking(t, a, f, 4)
	for _, c := range []struct {
		name  string
		edit  func(*app.BookingInput)
		code  string
		field string
		msg   string
	}{
		{"no topic", func(in *app.BookingInput) { in.Topic = "  " }, zhitong.EINVALID, "topic", "请填写想谈的事项"},
		{"long topic", func(in *app.BookingInput) { in.Topic = strings.Repeat("长", 201) }, zhitong.EINVALID, "topic", "200"},
		{"landline", func(in *app.BookingInput) { in.Phone = "0797-4281234" }, zhitong.EINVALID, "phone", "手机"},
		{"no phone", func(in *app.BookingInput) { in.Phone = "" }, zhitong.EINVALID, "phone", "手机"},
		{"no consent", func(in *app.BookingInput) { in.Consent = false }, zhitong.EINVALID, "consent", "个人信息保护"},
		{"no slot", func(in *app.BookingInput) { in.DeputyID = 0 }, zhitong.EINVALID, "slot", "请选择"},
		{"bad period", func(in *app.BookingInput) { in.Period = "night" }, zhitong.EINVALID, "slot", "时段"},
		{"not a reception day", func(in *app.BookingInput) { in.Day = "2026-11-27" }, zhitong.EINVALID, "slot", "不可预约"},
		{"deputy not on duty", func(in *app.BookingInput) { in.DeputyID = f.OtherDeputy }, zhitong.EINVALID, "slot", "不可预约"},
		{"beyond the window", func(in *app.BookingInput) { in.Day = "2027-01-07" }, zhitong.EINVALID, "slot", "不可预约"},
		{"no station", func(in *app.BookingInput) { in.StationID = 99999 }, zhitong.EINVALID, "station_id", "联络站不存在"},
	} {
		in := booking(f, "13979701234")
		c.edit(&in)
		_, err := a.Book(ctx, in)
		var e *zhitong.Error
		if !errors.As(err, &e) || e.Code != c.code || e.Field != c.field || !strings.Contains(e.Message, c.msg) {
			t.Errorf("%s: got %v (%+v), want %s on %s saying %q", c.name, err, e, c.code, c.field, c.msg)
		}
	}
	// At most three bookings still to come per phone.
	for i := range 3 {
		in := booking(f, "13979701234")
		if i == 1 {
			in.Period = zhitong.PeriodAfternoon
		}
		testkit.Must(a.Book(ctx, in))(t)
	}
	_, err := a.Book(ctx, booking(f, "139 7970 1234"))
	testkit.WantCode(t, err, zhitong.ETOOMANY)
	if zhitong.ErrorField(err) != "phone" {
		t.Errorf("per-phone limit on field %q, want phone", zhitong.ErrorField(err))
	}
}

func TestBookingClosesBeforeThePeriod(t *testing.T) {
	a, clock := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	openBooking(t, a, f, 4)
	clock.Set(testkit.Start.AddDate(0, 0, 1).Add(-30 * 60 * 1e9)) // Thursday 08:30, morning starts 09:00
	_, err := a.Book(ctx, booking(f, "13979701234"))
	testkit.WantCode(t, err, zhitong.EINVALID)
	in := booking(f, "13979701234")
	in.Period = zhitong.PeriodAfternoon
	v := testkit.Must(a.Book(ctx, in))(t)
	if v.Status != zhitong.AppointmentBooked || v.Start != "14:30" {
		t.Errorf("afternoon booking = %+v", v)
	}
}

func TestCancelWithCodeAndLastDigits(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	openBooking(t, a, f, 1)
	v := testkit.Must(a.Book(ctx, booking(f, "13979701234")))(t)
	if len(v.Code) != 9 || v.Phone != "139********" || v.Name != "王**" || !strings.Contains(v.Next, "预约码") {
		t.Fatalf("booking view = %+v", v)
	}
	// The phone is sealed at rest.
	var raw string
	testkit.Must(0, a.DB().QueryRow(ctx, `SELECT code || topic || name_enc || phone_enc || phone_index FROM appointments`).Scan(&raw))(t)
	if strings.Contains(raw, "13979701234") || strings.Contains(raw, "王小明") {
		t.Errorf("the raw row holds the phone or name: %s", raw)
	}
	_, err := a.Book(ctx, booking(f, "13979705678"))
	testkit.WantCode(t, err, zhitong.ECONFLICT)

	_, err = a.CancelAppointment(ctx, v.Code, "9999")
	testkit.WantCode(t, err, zhitong.EINVALID)
	if !strings.Contains(zhitong.ErrorMessage(err), "还可再试 4 次") {
		t.Errorf("wrong digits: %v", err)
	}
	got := testkit.Must(a.AppointmentByCode(ctx, strings.ToLower(strings.ReplaceAll(v.Code, "-", ""))))(t)
	if got.Status != zhitong.AppointmentBooked {
		t.Fatalf("after wrong digits the booking is %s", got.Status)
	}
	c := testkit.Must(a.CancelAppointment(ctx, v.Code, "1234"))(t)
	if c.Status != zhitong.AppointmentCancelled || c.CancelledBy != "citizen" {
		t.Errorf("cancelled = %+v", c)
	}
	_, err = a.CancelAppointment(ctx, v.Code, "1234")
	testkit.WantCode(t, err, zhitong.ECONFLICT)
	// The place is free again.
	testkit.Must(a.Book(ctx, booking(f, "13979705678")))(t)

	// Five wrong tries lock citizen cancellation.
	in := booking(f, "13979709999")
	in.Period = zhitong.PeriodAfternoon
	w := testkit.Must(a.Book(ctx, in))(t)
	for range 5 {
		_, err = a.CancelAppointment(ctx, w.Code, "0000")
		testkit.WantCode(t, err, zhitong.EINVALID)
	}
	_, err = a.CancelAppointment(ctx, w.Code, "9999")
	testkit.WantCode(t, err, zhitong.ETOOMANY)
	_, err = a.AppointmentByCode(ctx, "ZZZZ-ZZZZ")
	testkit.WantCode(t, err, zhitong.ENOTFOUND)
}

func TestStaffCancelNotifiesAndFreesThePlace(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	openBooking(t, a, f, 1)
	v := testkit.Must(a.Book(ctx, booking(f, "13979701234")))(t)
	_, err := a.StaffCancelAppointment(ctx, f.Out[zhitong.RoleOfficer], v.ID, "代表临时外出")
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
	_, err = a.StaffCancelAppointment(ctx, f.In[zhitong.RoleDeputy], v.ID, "代表临时外出")
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
	_, err = a.StaffCancelAppointment(ctx, f.In[zhitong.RoleOfficer], v.ID, "")
	testkit.WantCode(t, err, zhitong.EINVALID)
	c := testkit.Must(a.StaffCancelAppointment(ctx, f.In[zhitong.RoleOfficer], v.ID, "代表临时外出开会"))(t)
	if c.Status != zhitong.AppointmentCancelled || c.CancelledBy != "staff" {
		t.Errorf("cancelled = %+v", c)
	}
	testkit.Must(a.Book(ctx, booking(f, "13979705678")))(t)

	deputy := testkit.Must(a.AddUser(ctx, app.System, app.UserInput{Username: "liu", DisplayName: "刘代表", Role: zhitong.RoleDeputy,
		RegionCode: f.Town, DeputyID: f.Deputy, Password: "Zhitong@2026"}))(t)
	pm := booking(f, "13979709999")
	pm.Period = zhitong.PeriodAfternoon
	testkit.Must(a.Book(ctx, pm))(t)
	var inapp int
	testkit.Must(0, a.DB().QueryRow(ctx, `SELECT COUNT(*) FROM notifications WHERE user_id = ? AND template = 'appointment.new'`, deputy.ID).Scan(&inapp))(t)
	if inapp != 1 {
		t.Errorf("the deputy got %d in-app notices of the new booking, want 1", inapp)
	}

	rec := &recorder{}
	deliver(t, a, app.Delivery{SMS: rec})
	var booked, cancelled int
	for _, m := range rec.messages() {
		switch m.Template {
		case "appointment.booked":
			booked++
		case "appointment.cancelled":
			cancelled++
			if m.Phone != "13979701234" || param(m, "reason") != "代表临时外出开会" {
				t.Errorf("cancellation SMS = %+v", m)
			}
		}
	}
	if booked != 3 || cancelled != 1 {
		t.Errorf("sent %d booking and %d cancellation SMS, want 3 and 1", booked, cancelled)
	}
	entries := testkit.Must(store.ListAuditFiltered(ctx, a.DB(), storeQuery("appointment:"+itoa(v.ID))))(t)
	if len(entries) != 2 {
		t.Errorf("audit has %d entries for the booking, want book and cancel", len(entries))
	}
}

func TestBookingsOfACancelledDayAreFlagged(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	openBooking(t, a, f, 3)
	v := testkit.Must(a.Book(ctx, booking(f, "13979701234")))(t)
	staff := f.In[zhitong.RoleCommittee]
	flagged := func() (list, own bool) {
		t.Helper()
		items := testkit.Must(a.Appointments(ctx, staff, app.AppointmentQuery{}))(t)
		if len(items) != 1 {
			t.Fatalf("listed %d bookings, want 1", len(items))
		}
		return items[0].Stranded, testkit.Must(a.AppointmentByCode(ctx, v.Code))(t).Stranded
	}
	if list, own := flagged(); list || own {
		t.Fatalf("a booking whose deputy is on duty is flagged (list %v, citizen's page %v)", list, own)
	}
	rules := []zhitong.ReceptionRule{{Kind: zhitong.RuleWeekday, Weekday: 4, Holidays: zhitong.HolidayKeep}}
	exc := []zhitong.ReceptionException{{StationID: f.Station, Day: bookingDay, Note: "防汛值守，接待暂停"}}
	testkit.Must(a.SetReceptionRules(ctx, staff, f.Station, rules, exc))(t)
	if list, own := flagged(); !list || !own {
		t.Errorf("after the reception day was cancelled the booking is flagged in the list %v and on the citizen's page %v, want both", list, own)
	}
	if got := testkit.Must(a.AppointmentByCode(ctx, v.Code))(t).Next; !strings.Contains(got, "联系改约") {
		t.Errorf("the citizen is told %q", got)
	}
	testkit.Must(a.StaffCancelAppointment(ctx, staff, v.ID, "接待日取消，已电话联系改约"))(t)
	if list, _ := flagged(); list {
		t.Error("a cancelled booking is still flagged")
	}
}

func TestAppointmentListsFollowJurisdiction(t *testing.T) {
	a, clock := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	openBooking(t, a, f, 4)
	v := testkit.Must(a.Book(ctx, booking(f, "13979701234")))(t)
	count := func(p zhitong.Principal, q app.AppointmentQuery) int {
		t.Helper()
		return len(testkit.Must(a.Appointments(ctx, p, q))(t))
	}
	for _, c := range []struct {
		p    zhitong.Principal
		want int
	}{{f.In[zhitong.RoleDeputy], 1}, {f.Out[zhitong.RoleDeputy], 0}, {f.In[zhitong.RoleOfficer], 1}, {f.Out[zhitong.RoleOfficer], 0},
		{f.In[zhitong.RoleStationHead], 1}, {f.Out[zhitong.RoleStationHead], 0}, {f.In[zhitong.RoleCommittee], 1}} {
		if got := count(c.p, app.AppointmentQuery{}); got != c.want {
			t.Errorf("%s sees %d bookings, want %d", c.p.Name, got, c.want)
		}
	}
	_, err := a.Appointments(ctx, f.In[zhitong.RoleUnit], app.AppointmentQuery{})
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
	_, err = a.Appointments(ctx, f.In[zhitong.RoleDeputy], app.AppointmentQuery{DeputyID: f.OtherDeputy})
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
	if got := count(f.In[zhitong.RoleOfficer], app.AppointmentQuery{StationID: f.Station, From: "2026-11-27"}); got != 0 {
		t.Errorf("filtered by a later day, the officer sees %d", got)
	}

	_, err = a.MarkAppointment(ctx, f.In[zhitong.RoleDeputy], v.ID, zhitong.AppointmentAttended)
	testkit.WantCode(t, err, zhitong.ECONFLICT) // the day has not come
	clock.Set(testkit.Start.AddDate(0, 0, 1).Add(2 * 3600 * 1e9))
	_, err = a.MarkAppointment(ctx, f.Out[zhitong.RoleDeputy], v.ID, zhitong.AppointmentAttended)
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
	m := testkit.Must(a.MarkAppointment(ctx, f.In[zhitong.RoleDeputy], v.ID, zhitong.AppointmentAttended))(t)
	if m.Status != zhitong.AppointmentAttended {
		t.Errorf("marked = %s", m.Status)
	}
	_, err = a.MarkAppointment(ctx, f.In[zhitong.RoleOfficer], v.ID, zhitong.AppointmentNoShow)
	testkit.WantCode(t, err, zhitong.ECONFLICT)
}

func TestAppointmentSettings(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	def := testkit.Must(a.AppointmentSettings(ctx, f.Station))(t)
	if def.Capacity != 4 || def.AMStart != "09:00" || def.HorizonDays != 30 || !def.Enabled {
		t.Errorf("defaults = %+v", def)
	}
	bad := def
	bad.AMEnd = "08:00"
	_, err := a.SetAppointmentSettings(ctx, f.In[zhitong.RoleOfficer], f.Station, bad)
	testkit.WantCode(t, err, zhitong.EINVALID)
	_, err = a.SetAppointmentSettings(ctx, f.Out[zhitong.RoleOfficer], f.Station, def)
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
	_, err = a.SetAppointmentSettings(ctx, f.In[zhitong.RoleDeputy], f.Station, def)
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
	def.Enabled, def.Capacity = false, 2
	testkit.Must(a.SetAppointmentSettings(ctx, f.In[zhitong.RoleStationHead], f.Station, def))(t)
	openBooking(t, a, f, 2) // turns it back on
	if n := len(testkit.Must(a.AppointmentSlots(ctx, f.Station, bookingDay, bookingDay))(t)); n != 2 {
		t.Errorf("%d slots on the reception day, want morning and afternoon", n)
	}
	def.Enabled = false
	testkit.Must(a.SetAppointmentSettings(ctx, f.In[zhitong.RoleStationHead], f.Station, def))(t)
	if n := len(testkit.Must(a.AppointmentSlots(ctx, f.Station, "", ""))(t)); n != 0 {
		t.Errorf("booking off, yet %d slots", n)
	}
}
