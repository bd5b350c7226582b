package app_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

func auditTimes(t *testing.T, a *app.App, action, object string) int {
	t.Helper()
	var n int
	testkit.Must(0, a.DB().QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = ? AND object = ?`, action, object).Scan(&n))(t)
	return n
}

// A retired station leaves the portal's lists, board, booking and intake,
// keeps its cases, and cannot be retired while bookings are still to come.
func TestRetireStation(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	committee := f.In[zhitong.RoleCommittee]
	openBooking(t, a, f, 3)
	past := putDuty(t, a, f.Station, f.Deputy, day(-7), "planned")
	old := testkit.Must(a.Intake(ctx, f.In[zhitong.RoleOfficer], app.IntakeInput{Body: "村口路灯坏了三个月没人修", CategoryCode: "roads",
		StationID: f.Station, Anonymous: true}))(t)
	booked := testkit.Must(a.Book(ctx, booking(f, "13979701234")))(t)

	// Someone else's county, a station head and an officer may not.
	for _, p := range []zhitong.Principal{f.Out[zhitong.RoleCommittee], f.In[zhitong.RoleStationHead], f.In[zhitong.RoleOfficer]} {
		_, err := a.RetireStation(ctx, p, f.Station)
		testkit.WantCode(t, err, zhitong.EFORBIDDEN)
	}
	// Open bookings: refused, nothing written.
	_, err := a.RetireStation(ctx, committee, f.Station)
	testkit.WantCode(t, err, zhitong.ECONFLICT)
	if !strings.Contains(zhitong.ErrorMessage(err), "1 个待接待的预约") {
		t.Errorf("refusal = %q, want it to count the bookings", zhitong.ErrorMessage(err))
	}
	if st := testkit.Must(store.GetStation(ctx, a.DB(), f.Station))(t); st.Retired() {
		t.Fatal("retired although refused")
	}
	testkit.Must(a.StaffCancelAppointment(ctx, committee, booked.ID, "联络站撤并"))(t)

	res := testkit.Must(a.RetireStation(ctx, committee, f.Station))(t)
	if !res.Station.Retired || res.Station.RetiredAt == "" || res.Removed != 1 {
		t.Fatalf("retired = %+v, removed %d; want retired with tomorrow's duty removed", res.Station, res.Removed)
	}
	if d := testkit.Must(store.GetDuty(ctx, a.DB(), past))(t); d.Status != "planned" {
		t.Errorf("a past duty was touched: %+v", d)
	}
	if n := auditTimes(t, a, "station.retire", "station:"+itoa(f.Station)); n != 1 {
		t.Errorf("station.retire audited %d times", n)
	}
	_, err = a.RetireStation(ctx, committee, f.Station)
	testkit.WantCode(t, err, zhitong.ECONFLICT)

	// Gone from the portal: lists, board, booking, intake.
	if list := testkit.Must(a.StationList(ctx, ""))(t); slices.ContainsFunc(list, func(s app.StationItem) bool { return s.ID == f.Station }) {
		t.Error("the public list still has the retired station")
	}
	if list := testkit.Must(a.Stations(ctx, ""))(t); slices.ContainsFunc(list, func(s zhitong.Station) bool { return s.ID == f.Station }) {
		t.Error("the pickers still offer the retired station")
	}
	_, err = a.PublicStationProfile(ctx, f.Station)
	testkit.WantCode(t, err, zhitong.ENOTFOUND)
	_, err = a.AppointmentSlots(ctx, f.Station, "", "")
	testkit.WantCode(t, err, zhitong.ENOTFOUND)
	_, err = a.Book(ctx, booking(f, "13979705678"))
	testkit.WantCode(t, err, zhitong.EINVALID)
	_, err = a.Intake(ctx, f.In[zhitong.RoleOfficer], app.IntakeInput{Body: "新的问题反映到已撤销的站", CategoryCode: "roads", StationID: f.Station, Anonymous: true})
	testkit.WantCode(t, err, zhitong.EINVALID)
	_, err = a.GenerateRoster(ctx, committee, f.Station, day(1), day(28), 1)
	testkit.WantCode(t, err, zhitong.EINVALID)
	_, err = a.AddDuty(ctx, committee, f.Station, f.Deputy, testkit.BookingDay)
	testkit.WantCode(t, err, zhitong.EINVALID)

	// The workbench still lists it, and the old case still points at it.
	rows := testkit.Must(a.StationRows(ctx, committee))(t)
	if i := slices.IndexFunc(rows, func(r app.StationRow) bool { return r.ID == f.Station }); i < 0 || !rows[i].Retired() {
		t.Error("the workbench lost the retired station")
	}
	v := testkit.Must(a.Get(ctx, committee, old.ID))(t)
	if v.StationID != f.Station {
		t.Errorf("the old case's station = %d, want %d", v.StationID, f.Station)
	}
	if c := testkit.Must(a.TrackStation(ctx, v.Code))(t); c == nil || !c.Retired || c.Name != "历市镇人大代表联络站" {
		t.Errorf("tracking contact = %+v", c)
	}

	// Restore, for a mistake.
	_, err = a.RestoreStation(ctx, f.Out[zhitong.RoleCommittee], f.Station)
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
	sp := testkit.Must(a.RestoreStation(ctx, committee, f.Station))(t)
	if sp.Retired {
		t.Error("still retired after restore")
	}
	testkit.Must(a.PublicStationProfile(ctx, f.Station))(t)
}

func TestStationPhone(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	committee := f.In[zhitong.RoleCommittee]
	sp := testkit.Must(a.CreateStation(ctx, committee, app.StationInput{Name: "老城联络站", Region: f.Town, Phone: "（0797）4281234"}))(t)
	if sp.Phone != "0797-4281234" {
		t.Errorf("phone = %q, want the normalised landline", sp.Phone)
	}
	for _, bad := range []string{"12345", "0797-123", "电话"} {
		_, err := a.UpdateStation(ctx, committee, sp.ID, app.StationPatch{Phone: &bad})
		testkit.WantCode(t, err, zhitong.EINVALID)
		if zhitong.ErrorField(err) != "phone" {
			t.Errorf("%q: field %q", bad, zhitong.ErrorField(err))
		}
	}
	mobile := "139 7970 1234"
	sp = testkit.Must(a.UpdateStation(ctx, f.In[zhitong.RoleStationHead], f.Station, app.StationPatch{Phone: &mobile}))(t)
	if sp.Phone != "13979701234" {
		t.Errorf("phone = %q", sp.Phone)
	}
	if c := testkit.Must(a.StationContactOf(ctx, f.Station))(t); c.Phone != "13979701234" {
		t.Errorf("contact = %+v", c)
	}
	list := testkit.Must(a.StationList(ctx, f.Town))(t)
	if i := slices.IndexFunc(list, func(s app.StationItem) bool { return s.ID == f.Station }); i < 0 || list[i].Phone != "13979701234" || list[i].Regions[0] != f.Town {
		t.Errorf("list = %+v", list)
	}
	// Another county's committee edits nothing here.
	_, err := a.UpdateStation(ctx, f.Out[zhitong.RoleCommittee], f.Station, app.StationPatch{Phone: &mobile})
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
	// Nor posts a deputy to another county's station.
	_, err = a.CreateDeputy(ctx, committee, app.DeputyInput{Name: "越界代表", Levels: []string{"county"}, Region: f.Town, StationIDs: []int64{f.OtherStation}})
	testkit.WantCode(t, err, zhitong.EINVALID)
	ids := []int64{f.OtherStation}
	_, err = a.UpdateDeputy(ctx, committee, f.Deputy, app.DeputyPatch{StationIDs: &ids})
	testkit.WantCode(t, err, zhitong.EINVALID)
}

func TestDeputyPhoneIsSealedAndMasked(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	officer := f.In[zhitong.RoleOfficer]
	phone := "13979708888"
	testkit.Must(a.UpdateDeputy(ctx, officer, f.Deputy, app.DeputyPatch{Phone: &phone}))(t)

	var enc, idx string
	testkit.Must(0, a.DB().QueryRow(ctx, `SELECT phone_enc, phone_index FROM deputies WHERE id = ?`, f.Deputy).Scan(&enc, &idx))(t)
	if enc == "" || strings.Contains(enc, "7970") || strings.Contains(idx, "7970") {
		t.Fatalf("stored phone is not sealed: %q / %q", enc, idx)
	}
	if got := testkit.Must(store.DeputiesByPhone(ctx, a.DB(), a.Sealer().BlindIndex("phone", phone)))(t); len(got) != 1 || got[0].ID != f.Deputy {
		t.Errorf("blind index finds %+v", got)
	}
	dp := testkit.Must(a.StaffDeputy(ctx, officer, f.Deputy))(t)
	if dp.PhoneMasked != "139****8888" {
		t.Errorf("masked = %q", dp.PhoneMasked)
	}
	if pub := testkit.Must(a.PublicDeputy(ctx, f.Deputy))(t); pub.PhoneMasked != "" {
		t.Errorf("the public sees %q", pub.PhoneMasked)
	}
	if got := testkit.Must(a.RevealDeputyPhone(ctx, officer, f.Deputy))(t); got != phone {
		t.Errorf("revealed %q", got)
	}
	if n := auditTimes(t, a, "deputy.phone_reveal", "deputy:"+itoa(f.Deputy)); n != 1 {
		t.Errorf("reveal audited %d times", n)
	}
	var detail string
	testkit.Must(0, a.DB().QueryRow(ctx, `SELECT detail FROM audit_log WHERE action = 'deputy.update' AND object = ?`, "deputy:"+itoa(f.Deputy)).Scan(&detail))(t)
	if strings.Contains(detail, "7970") {
		t.Errorf("the audit keeps the number: %s", detail)
	}
	for _, p := range []zhitong.Principal{f.Out[zhitong.RoleCommittee], f.In[zhitong.RoleDeputy], f.In[zhitong.RoleUnit]} {
		_, err := a.RevealDeputyPhone(ctx, p, f.Deputy)
		testkit.WantCode(t, err, zhitong.EFORBIDDEN)
		_, err = a.UpdateDeputy(ctx, p, f.Deputy, app.DeputyPatch{Phone: &phone})
		testkit.WantCode(t, err, zhitong.EFORBIDDEN)
	}
	bad := "0797-4281234" // a landline cannot take SMS
	_, err := a.UpdateDeputy(ctx, officer, f.Deputy, app.DeputyPatch{Phone: &bad})
	testkit.WantCode(t, err, zhitong.EINVALID)
	none := ""
	dp = testkit.Must(a.UpdateDeputy(ctx, officer, f.Deputy, app.DeputyPatch{Phone: &none}))(t)
	if dp.PhoneMasked != "" {
		t.Errorf("after removal: %q", dp.PhoneMasked)
	}
}

// A deputy without an account gets tomorrow's duty reminder by SMS exactly
// once however often the sweep runs; one with an account gets it in-app.
func TestAccountlessDeputyGetsDutyReminderOnce(t *testing.T) {
	a, clock := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	testkit.OpenBooking(t, a, f, 3) // f.Deputy on duty tomorrow
	phone := "13979706666"
	testkit.Must(a.UpdateDeputy(ctx, f.In[zhitong.RoleCommittee], f.Deputy, app.DeputyPatch{Phone: &phone}))(t)
	withAccount := rosterAddDeputy(t, a, f, "李代表")
	putDuty(t, a, f.Station, withAccount, testkit.BookingDay, "planned")
	user := testkit.Must(a.AddUser(ctx, app.System, app.UserInput{Username: "lidaibiao", DisplayName: "李代表", Role: zhitong.RoleDeputy,
		RegionCode: f.Town, DeputyID: withAccount, Password: "Zhitong@2026"}))(t)
	noPhone := rosterAddDeputy(t, a, f, "王代表")
	putDuty(t, a, f.Station, noPhone, testkit.BookingDay, "planned")

	rec := &recorder{}
	first := testkit.Must(a.SweepOnce(ctx))(t)
	deliver(t, a, app.Delivery{SMS: rec})
	second := testkit.Must(a.SweepOnce(ctx))(t)
	deliver(t, a, app.Delivery{SMS: rec})
	if first.DutyReminders != 2 || second.DutyReminders != 0 {
		t.Errorf("sweeps wrote %d then %d reminders, want 2 then 0", first.DutyReminders, second.DutyReminders)
	}
	var sms []string
	for _, m := range rec.messages() {
		if m.Template == "deputy.duty_reminder" {
			sms = append(sms, m.Phone+" "+param(m, "day")+" "+param(m, "station"))
		}
	}
	if want := []string{phone + " " + testkit.BookingDay + " 历市镇人大代表联络站"}; !slices.Equal(sms, want) {
		t.Errorf("duty reminder SMS = %q, want %q", sms, want)
	}
	var inapp int
	testkit.Must(0, a.DB().QueryRow(ctx, `SELECT COUNT(*) FROM notifications WHERE user_id = ? AND template = 'deputy.duty_reminder'`, user.ID).Scan(&inapp))(t)
	if inapp != 1 {
		t.Errorf("the deputy with an account got %d in-app reminders, want 1", inapp)
	}

	// The 约谈提醒 goes by SMS too.
	rem := testkit.Must(a.RemindDeputy(ctx, f.In[zhitong.RoleCommittee], f.Deputy, app.ReminderInput{Note: "请本月进站"}))(t)
	if rem.Notices != 1 {
		t.Errorf("reminder wrote %d notices, want 1 SMS", rem.Notices)
	}
	rec2 := &recorder{}
	deliver(t, a, app.Delivery{SMS: rec2})
	if ms := rec2.messages(); len(ms) != 1 || ms[0].Template != "deputy.inactive_reminder" || ms[0].Phone != phone {
		t.Errorf("reminder SMS = %+v", ms)
	}

	// Once a China day: a second reminder the same day is refused, saying
	// when the first went, and writes nothing; the next day's goes.
	count := func() (rows, notices int) {
		testkit.Must(0, a.DB().QueryRow(ctx, `SELECT COUNT(*) FROM deputy_reminders WHERE deputy_id = ?`, f.Deputy).Scan(&rows))(t)
		testkit.Must(0, a.DB().QueryRow(ctx, `SELECT COUNT(*) FROM notifications WHERE template = 'deputy.inactive_reminder'`).Scan(&notices))(t)
		return
	}
	_, err := a.RemindDeputy(ctx, f.In[zhitong.RoleOfficer], f.Deputy, app.ReminderInput{Note: "再提醒一次"})
	testkit.WantCode(t, err, zhitong.ECONFLICT)
	if msg, at := zhitong.ErrorMessage(err), clock.Now().In(zhitong.China).Format("15:04"); !strings.Contains(msg, "今天 "+at+" 已向") {
		t.Errorf("second reminder the same day: %q, want the time %s", msg, at)
	}
	if rows, notices := count(); rows != 1 || notices != 1 {
		t.Errorf("after a second reminder the same day: %d reminders, %d notices; want 1 and 1", rows, notices)
	}
	rec3 := &recorder{}
	deliver(t, a, app.Delivery{SMS: rec3})
	if ms := rec3.messages(); len(ms) != 0 {
		t.Errorf("the refused reminder sent %+v", ms)
	}
	y, m, d := clock.Now().In(zhitong.China).Date()
	clock.Set(time.Date(y, m, d+1, 9, 0, 0, 0, zhitong.China))
	if rem := testkit.Must(a.RemindDeputy(ctx, f.In[zhitong.RoleCommittee], f.Deputy, app.ReminderInput{}))(t); rem.Notices != 1 {
		t.Errorf("next day's reminder wrote %d notices, want 1", rem.Notices)
	}
	if rows, notices := count(); rows != 2 || notices != 2 {
		t.Errorf("after the next day's reminder: %d reminders, %d notices; want 2 and 2", rows, notices)
	}
}

func TestImportRows(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	committee := f.In[zhitong.RoleCommittee]
	row := app.StationImport{Name: "工业园区联络站", Kind: "固定联络站", Region: f.Town, Address: "园区大道 1 号", Phone: "0797 4281234"}
	imp := func(in app.StationImport) (string, error) {
		var out string
		err := a.DB().Write(ctx, func(tx *store.Tx) (err error) { out, _, err = a.ImportStation(ctx, tx, committee, in); return err })
		return out, err
	}
	for i, want := range []string{app.ImportAdded, app.ImportUnchanged} {
		if got := testkit.Must(imp(row))(t); got != want {
			t.Errorf("station import %d = %s, want %s", i, got, want)
		}
	}
	row.Hours = "每周三上午"
	if got := testkit.Must(imp(row))(t); got != app.ImportUpdated {
		t.Errorf("changed row = %s", got)
	}
	row.Kind = "流动站"
	_, err := imp(row)
	testkit.WantCode(t, err, zhitong.EINVALID)
	other := app.StationImport{Name: "龙南联络站", Region: f.OtherCounty}
	_, err = imp(other)
	testkit.WantCode(t, err, zhitong.EINVALID)

	drow := app.DeputyImport{Name: "赵代表", Levels: []string{"县", "乡镇"}, Region: f.Town, Constituency: "历市镇第三选区",
		Stations: []string{"工业园区联络站", "历市镇人大代表联络站"}, Phone: "13979707777"}
	dimp := func(in app.DeputyImport) (string, int64, error) {
		var out string
		var id int64
		err := a.DB().Write(ctx, func(tx *store.Tx) (err error) { out, id, err = a.ImportDeputy(ctx, tx, committee, in); return err })
		return out, id, err
	}
	got, id, err := dimp(drow)
	if err != nil || got != app.ImportAdded {
		t.Fatalf("deputy import = %s, %v", got, err)
	}
	drow.Phone = "" // an export has no phones: left as it is
	if got, _, _ := dimp(drow); got != app.ImportUnchanged {
		t.Errorf("re-import = %s", got)
	}
	dp := testkit.Must(a.StaffDeputy(ctx, committee, id))(t)
	if dp.PhoneMasked != "139****7777" || len(dp.StationIDs) != 2 || dp.LevelText != "县、乡镇人大代表" {
		t.Errorf("imported deputy = %+v", dp)
	}
	drow.Stations = []string{"龙南联络站"}
	_, _, err = dimp(drow)
	testkit.WantCode(t, err, zhitong.EINVALID)
}

// Taking a deputy's account away disables it; their notices go by SMS then.
func TestUnlinkDeputyAccount(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	committee := f.In[zhitong.RoleCommittee]
	phone := "13979705555"
	testkit.Must(a.UpdateDeputy(ctx, committee, f.Deputy, app.DeputyPatch{Phone: &phone}))(t)
	dp := testkit.Must(a.LinkDeputyAccount(ctx, committee, f.Deputy, app.AccountInput{Username: "liudaibiao", Password: "Zhitong@2026"}))(t)
	for _, p := range []zhitong.Principal{f.In[zhitong.RoleOfficer], f.Out[zhitong.RoleCommittee]} {
		_, err := a.UnlinkDeputyAccount(ctx, p, f.Deputy)
		testkit.WantCode(t, err, zhitong.EFORBIDDEN)
	}
	testkit.Must(a.UnlinkDeputyAccount(ctx, committee, f.Deputy))(t)
	u := testkit.Must(store.GetUser(ctx, a.DB(), dp.Account.UserID))(t)
	if !u.Disabled || u.DeputyID != 0 {
		t.Errorf("unlinked account = %+v", u)
	}
	_, err := a.UnlinkDeputyAccount(ctx, committee, f.Deputy)
	testkit.WantCode(t, err, zhitong.ECONFLICT)
	if rem := testkit.Must(a.RemindDeputy(ctx, committee, f.Deputy, app.ReminderInput{}))(t); rem.Notices != 1 {
		t.Errorf("reminder after unlinking wrote %d notices", rem.Notices)
	}
	var n int
	testkit.Must(0, a.DB().QueryRow(ctx, `SELECT COUNT(*) FROM notifications WHERE recipient = ? AND channel = 'sms'`, "deputy:"+itoa(f.Deputy)).Scan(&n))(t)
	if n != 1 {
		t.Errorf("%d SMS rows for the deputy, want 1", n)
	}
}
