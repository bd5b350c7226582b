package web_test

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/testkit"
)

const apptDay = testkit.BookingDay

func (b *bench) openAppointments(capacity int) { testkit.OpenBooking(b.t, b.app, b.f, capacity) }

func (b *bench) citizen() *staffer {
	jar, _ := cookiejar.New(nil)
	return &staffer{b: b, http: &http.Client{Jar: jar}}
}

var apptCode = regexp.MustCompile(`class="code">([0-9A-Z]{4}-[0-9A-Z]{4})<`)

func TestBookingPages(t *testing.T) {
	b := newBench(t)
	b.openAppointments(1)
	citizen := b.citizen()
	station := "/stations/" + strconv.FormatInt(b.f.Station, 10)
	benchHas(t, citizen.get(station), "预约代表接待", station+"/book")

	form := citizen.get(station + "/book")
	wantStatus(t, form, http.StatusOK)
	benchHas(t, form, "2026-11-26 星期四", "上午 09:00–11:30 · 刘代表代表 · 剩余 1 个名额", "下午 14:30–17:00")
	slot := strconv.FormatInt(b.f.Deputy, 10) + "_" + apptDay + "_am"

	// An error keeps what was typed and says what is wrong next to the field.
	post := url.Values{"slot": {slot}, "topic": {"想反映村里自来水水压不足"}, "name": {"王小明"}, "phone": {"1234"}, "consent": {"1"}}
	bad := citizen.post(station+"/book", post)
	wantStatus(t, bad, http.StatusBadRequest)
	benchHas(t, bad, "预约未成功，请修改以下 1 处", `id="phone-error"`, "想反映村里自来水水压不足", `value="王小明"`, `value="`+slot+`" required checked`)
	post.Set("phone", "13979701234")
	post.Del("consent")
	benchHas(t, citizen.post(station+"/book", post), `id="consent-error"`, "请阅读并同意个人信息保护说明")
	post.Set("consent", "1")

	done := citizen.post(station+"/book", post)
	wantStatus(t, done, http.StatusOK)
	benchHas(t, done, "预约成功", "139********", "刘代表", "2026-11-26", "取消预约")
	benchLacks(t, done, "13979701234")
	m := apptCode.FindStringSubmatch(done.raw)
	if m == nil {
		t.Fatalf("no code on the result page:\n%s", done.body)
	}
	code := m[1]

	// The slot is now full.
	benchHas(t, citizen.get(station+"/book"), "上午 09:00–11:30 · 刘代表代表 · 已约满")
	post.Set("phone", "13979705678")
	full := citizen.post(station+"/book", post)
	wantStatus(t, full, http.StatusConflict)
	benchHas(t, full, "该时段已约满")

	// Look-up by code, and cancelling with the phone's last four digits.
	benchHas(t, citizen.get("/appointments?code="+code), "我的预约", code)
	wrong := citizen.post("/appointments/"+code+"/cancel", url.Values{"phone_last4": {"0000"}})
	wantStatus(t, wrong, http.StatusBadRequest)
	benchHas(t, wrong, "手机号后四位不正确", `value="0000"`)
	ok := citizen.post("/appointments/"+code+"/cancel", url.Values{"phone_last4": {"1234"}})
	wantStatus(t, ok, http.StatusOK)
	benchHas(t, ok, "预约已取消", "已取消")
	benchHas(t, citizen.get(station+"/book"), "上午 09:00–11:30 · 刘代表代表 · 剩余 1 个名额")
	wantStatus(t, citizen.get("/appointments/ZZZZ-ZZZZ"), http.StatusNotFound)
}

func TestWorkAppointmentsPage(t *testing.T) {
	b := newBench(t)
	b.openAppointments(4)
	in := app.BookingInput{StationID: b.f.Station, DeputyID: b.f.Deputy, Day: apptDay, Period: zhitong.PeriodMorning,
		Topic: "反映村道硬化问题", Phone: "13979701234", Consent: true}
	v := testkit.Must(b.app.Book(b.t.Context(), in))(t)

	deputy := b.login(b.f.In[zhitong.RoleDeputy], "appt-deputy")
	list := deputy.get("/work/appointments")
	wantStatus(t, list, http.StatusOK)
	benchHas(t, list, "反映村道硬化问题", "139****1234", "登记意见建议", "channel=appointment")
	benchLacks(t, list, "13979701234", "预约设置", "已接待</button>") // the day has not come
	home := deputy.get("/work")
	if !regexp.MustCompile(`<span class="n">1</span>\s*<span[^>]*>我的预约`).MatchString(home.raw) {
		t.Errorf("the deputy's home does not count one booking under 我的预约:\n%s", home.body)
	}

	other := b.login(b.f.Out[zhitong.RoleDeputy], "appt-other")
	benchLacks(t, other.get("/work/appointments"), "反映村道硬化问题")
	outsider := b.login(b.f.Out[zhitong.RoleOfficer], "appt-outsider")
	benchLacks(t, outsider.get("/work/appointments"), "反映村道硬化问题")
	unit := b.login(b.f.In[zhitong.RoleUnit], "appt-unit")
	wantStatus(t, unit.get("/work/appointments"), http.StatusForbidden)

	officer := b.login(b.f.In[zhitong.RoleOfficer], "appt-officer")
	benchHas(t, officer.get("/work/appointments?station_id="+strconv.FormatInt(b.f.Station, 10)), "反映村道硬化问题", "取消原因")
	benchLacks(t, officer.get("/work/appointments?from=2026-11-27"), "反映村道硬化问题")

	// Settings: a bad value is refused next to its field, a good one saved.
	set := officer.get("/work/appointments/settings")
	wantStatus(t, set, http.StatusOK)
	benchHas(t, set, "每位代表每个时段可预约人数", `value="09:00"`)
	form := url.Values{"station_id": {strconv.FormatInt(b.f.Station, 10)}, "enabled": {"1"}, "am_start": {"09:00"}, "am_end": {"08:00"},
		"pm_start": {"14:30"}, "pm_end": {"17:00"}, "capacity": {"5"}, "horizon_days": {"14"}}
	bad := officer.post("/work/appointments/settings", form)
	wantStatus(t, bad, http.StatusBadRequest)
	benchHas(t, bad, "上午结束时间应晚于开始时间", `value="08:00"`)
	form.Set("capacity", "很多")
	benchHas(t, officer.post("/work/appointments/settings", form), "每时段人数应为整数", `value="很多"`)
	form.Set("capacity", "5")
	form.Set("am_end", "11:00")
	benchHas(t, officer.post("/work/appointments/settings", form), "预约设置已保存", `value="11:00"`)
	wantStatus(t, outsider.get("/work/appointments/settings?station_id="+strconv.FormatInt(b.f.Station, 10)), http.StatusForbidden)

	// Staff cancel with a reason; on the day the deputy marks attendance.
	benchHas(t, officer.post("/work/appointments/"+strconv.FormatInt(v.ID, 10)+"/cancel", url.Values{"reason": {"代表临时外出开会"}}),
		"已取消，并短信告知群众", "代表临时外出开会")
	w := testkit.Must(b.app.Book(b.t.Context(), in))(t)
	b.clock.Set(testkit.Start.AddDate(0, 0, 1).Add(3 * 3600 * 1e9))
	benchHas(t, deputy.get("/work/appointments"), "已接待</button>")
	benchHas(t, deputy.post("/work/appointments/"+strconv.FormatInt(w.ID, 10)+"/attended", nil), "已标记为已接待")
	wantStatus(t, deputy.post("/work/appointments/"+strconv.FormatInt(w.ID, 10)+"/no-show", nil), http.StatusConflict)
}
