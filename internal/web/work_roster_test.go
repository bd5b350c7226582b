package web_test

import (
	"net/url"
	"strconv"
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// rosterBench gives the fixture's station Wednesday reception days, a
// second deputy and a roster for four weeks; it returns the second deputy.
func rosterBench(t *testing.T, b *bench) int64 {
	t.Helper()
	second := &zhitong.Deputy{Name: "李秀兰", Levels: []string{"township"}, RegionCode: b.f.Town, StationID: b.f.Station}
	err := b.app.DB().Write(t.Context(), func(tx *store.Tx) error {
		if err := tx.InsertDeputy(t.Context(), second); err != nil {
			return err
		}
		return tx.ReplaceReceptionRules(t.Context(), b.f.Station, []zhitong.ReceptionRule{{Kind: zhitong.RuleWeekday, Weekday: 3, Holidays: zhitong.HolidayKeep}}, nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	testkit.Must(b.app.GenerateRoster(t.Context(), b.f.In[zhitong.RoleOfficer], b.f.Station, "2026-11-25", "2026-12-23", 1))(t)
	return second.ID
}

func rosterDuty(t *testing.T, b *bench, day string) *zhitong.Duty {
	t.Helper()
	list := testkit.Must(store.ListDuties(t.Context(), b.app.DB(), store.DutyFilter{StationID: b.f.Station, Day: day}))(t)
	if len(list) != 1 {
		t.Fatalf("%d duties on %s", len(list), day)
	}
	return list[0]
}

// The deputy's phone page: today's check-in button, a plain form post that
// checks in (with the position when the browser gave one), refusals shown
// on the page, and the swap form keeping its input on an error.
func TestDutiesPageChecksIn(t *testing.T) {
	b := newBench(t)
	second := rosterBench(t, b)
	today := rosterDuty(t, b, "2026-11-25")
	mine, theirs := b.f.In[zhitong.RoleDeputy], zhitong.Principal{Name: "李秀兰", Role: zhitong.RoleDeputy, RegionCode: b.f.Town, DeputyID: second}
	if today.DeputyID == second {
		mine, theirs = theirs, mine
	}
	me := b.login(mine, "duty-me")
	other := b.login(theirs, "duty-other")

	home := me.get("/work")
	benchHas(t, home, "我的值班", "请进站签到", `class="card wb-checkin"`, `href="/work/duties">去签到`,
		`href="/work/deputies/`+strconv.FormatInt(mine.DeputyID, 10)+`">我的档案`)
	wantStatus(t, me.get("/work/deputies/"+strconv.FormatInt(mine.DeputyID, 10)), 200)
	pg := me.get("/work/duties")
	wantStatus(t, pg, 200)
	benchHas(t, pg, "今天", "历市镇人大代表联络站", "进站签到", `action="/work/duties/`+strconv.FormatInt(today.ID, 10)+`/check-in"`, "即将值班", "2026-12-02")

	// The other deputy may not check in on this duty.
	pg = other.post("/work/duties/"+strconv.FormatInt(today.ID, 10)+"/check-in", url.Values{})
	wantStatus(t, pg, 403)
	pg = me.post("/work/duties/"+strconv.FormatInt(today.ID, 10)+"/check-in", url.Values{"lat": {"24.78"}, "lng": {"115.03"}})
	wantStatus(t, pg, 200)
	benchHas(t, pg, "已在历市镇人大代表联络站进站签到", "已进站")
	d := rosterDuty(t, b, "2026-11-25")
	if d.Status != zhitong.DutyCheckedIn || d.Lat != 24.78 {
		t.Fatalf("after the check-in: %+v", d)
	}
	benchLacks(t, me.get("/work"), "wb-checkin", "请进站签到") // the banner goes once checked in
	pg = me.post("/work/duties/"+strconv.FormatInt(today.ID, 10)+"/check-in", url.Values{})
	wantStatus(t, pg, 409)
	benchHas(t, pg, "该值班已是“已进站”")

	// A check-in on a duty that is not today's is refused on the page.
	later := rosterDuty(t, b, "2026-12-02")
	if later.DeputyID != mine.DeputyID {
		later = rosterDuty(t, b, "2026-12-09")
	}
	pg = me.post("/work/duties/"+strconv.FormatInt(later.ID, 10)+"/check-in", url.Values{})
	wantStatus(t, pg, 409)
	benchHas(t, pg, `role="alert"`, "只能在值班当天（"+later.Day+"）签到")

	// The other deputy checks in without a duty: an unplanned visit.
	benchHas(t, other.get("/work/duties"), "临时进站签到")
	pg = other.post("/work/duties/visit", url.Values{"station": {strconv.FormatInt(b.f.Station, 10)}})
	wantStatus(t, pg, 200)
	benchHas(t, pg, "临时进站签到")

	// A swap request without a duty: the error is shown, the reason kept.
	pg = me.post("/work/duties/swaps", url.Values{"kind": {"cover"}, "reason": {"外出开会"}})
	wantStatus(t, pg, 400)
	benchHas(t, pg, "请选择要调换的值班", `value="外出开会"`)
	next := rosterDuty(t, b, "2026-12-09")
	if next.DeputyID != mine.DeputyID {
		next = rosterDuty(t, b, "2026-12-02")
	}
	pg = me.post("/work/duties/swaps", url.Values{"kind": {"cover"}, "duty_id": {strconv.FormatInt(next.ID, 10)},
		"target_deputy_id": {strconv.FormatInt(theirs.DeputyID, 10)}, "reason": {"外出开会"}})
	wantStatus(t, pg, 200)
	benchHas(t, pg, "已提交代班申请", "待审批")

	// Staff see the request on the roster page and approve it.
	officer := b.login(b.f.In[zhitong.RoleOfficer], "duty-officer")
	pg = officer.get("/work/roster?station=" + strconv.FormatInt(b.f.Station, 10) + "&month=2026-12")
	wantStatus(t, pg, 200)
	benchHas(t, pg, "待审批的换班申请", "外出开会", "2026-12-02", "星期三", "生成轮值表")
	sw := testkit.Must(b.app.Swaps(t.Context(), b.f.In[zhitong.RoleOfficer], appSwapPending()))(t)
	pg = officer.post("/work/roster/swaps/"+strconv.FormatInt(sw[0].ID, 10)+"/approve", url.Values{"station": {strconv.FormatInt(b.f.Station, 10)}, "month": {"2026-12"}})
	wantStatus(t, pg, 200)
	benchHas(t, pg, "代班申请已批准")
	if got := testkit.Must(store.GetDuty(t.Context(), b.app.DB(), next.ID))(t); got.DeputyID != theirs.DeputyID {
		t.Fatalf("after approval the duty is %+v", got)
	}
}

// The staff roster page: generate, a refusal shown next to its form with
// the input kept, 补登, excuse, and jurisdiction.
func TestRosterPage(t *testing.T) {
	b := newBench(t)
	rosterBench(t, b)
	station := strconv.FormatInt(b.f.Station, 10)
	head := b.login(b.f.In[zhitong.RoleStationHead], "roster-head")
	pg := head.get("/work/roster?station=" + station + "&month=2026-11")
	wantStatus(t, pg, 200)
	benchHas(t, pg, "历市镇人大代表联络站", "2026-11-25", "待值班", "补登签到")

	pg = head.post("/work/roster/generate", url.Values{"station": {station}, "month": {"2026-12"}, "from": {"2026-12-01"}, "to": {"2026-12-31"}, "per_day": {"9"}})
	wantStatus(t, pg, 400)
	benchHas(t, pg, "每天值班人数应在 1 到 2", `value="9"`)
	pg = head.post("/work/roster/generate", url.Values{"station": {station}, "month": {"2026-12"}, "from": {"2026-12-01"}, "to": {"2026-12-31"}, "per_day": {"2"}})
	wantStatus(t, pg, 200)
	benchHas(t, pg, "已生成 2026-12-01 至 2026-12-31 的轮值表：5 个接待日，安排 10 人次")

	// A day later today's duty was missed: 补登 needs a note; then excuse another.
	b.clock.Set(testkit.Start.AddDate(0, 0, 1))
	d := rosterDuty(t, b, "2026-11-25")
	path := "/work/roster/duties/" + strconv.FormatInt(d.ID, 10)
	pg = head.post(path+"/check-in", url.Values{"station": {station}, "month": {"2026-11"}, "note": {""}})
	wantStatus(t, pg, 400)
	benchHas(t, pg, "请填写补登说明")
	testkit.Must(b.app.MarkNoShows(t.Context()))(t)
	pg = head.post(path+"/excuse", url.Values{"station": {station}, "month": {"2026-11"}, "reason": {"县里临时开会"}})
	wantStatus(t, pg, 200)
	benchHas(t, pg, "请假", "县里临时开会")
	if got := rosterDuty(t, b, "2026-11-25"); got.Status != zhitong.DutyExcused {
		t.Fatalf("excused duty = %+v", got)
	}

	outsider := b.login(b.f.Out[zhitong.RoleOfficer], "roster-out")
	pg = outsider.post("/work/roster/generate", url.Values{"station": {station}, "from": {"2026-12-01"}, "to": {"2026-12-31"}})
	wantStatus(t, pg, 403)
	benchLacks(t, outsider.get("/work/roster"), "历市镇人大代表联络站")
	unit := b.login(b.f.In[zhitong.RoleUnit], "roster-unit")
	wantStatus(t, unit.get("/work/roster"), 403)
}

var _ = time.DateOnly

func appSwapPending() app.SwapQuery { return app.SwapQuery{Status: zhitong.SwapPending} }
