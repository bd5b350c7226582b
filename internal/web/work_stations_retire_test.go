package web_test

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/testkit"
)

// The station's public phone is shown with a tel: link on its board, the
// tracking page, the walk-in receipt and the portal's submitted page; a
// retired station leaves the portal but its cases still name it.
func TestStationPhoneAndRetireInTheBrowser(t *testing.T) {
	b := newBench(t)
	f := b.f
	committee := b.login(f.In[zhitong.RoleCommittee], "committee")
	sid := itoa(f.Station)
	jar, _ := cookiejar.New(nil)
	public := &staffer{b: b, http: &http.Client{Jar: jar}}

	basics := url.Values{"name": {"历市镇人大代表联络站"}, "address": {"历市镇政府一楼"}, "hours": {"每周三上午"}, "theme": {"赣粤边界"},
		"lat": {"24.78"}, "lng": {"115.03"}, "phone": {"4281234"}}
	pg := committee.post("/work/stations/"+sid+"/basics", basics)
	wantStatus(t, pg, http.StatusBadRequest)
	benchHas(t, pg, `id="phone-error"`, "联系电话格式不正确", `value="4281234"`)
	basics.Set("phone", "0797 4281234")
	pg = committee.post("/work/stations/"+sid+"/basics", basics)
	wantStatus(t, pg, http.StatusOK)
	benchHas(t, pg, "已保存基本信息", `href="tel:0797-4281234"`, `value="赣粤边界"`, `value="24.78"`, `value="每周三上午"`)

	benchHas(t, public.get("/stations/"+sid), "联系电话", `<a href="tel:0797-4281234">0797-4281234</a>`)

	id := b.intake("村口的桥栏杆断了，孩子上学很危险", 0)
	v := b.view(id)
	benchHas(t, committee.get("/work/cases/"+itoa(id)+"/receipt"), "受理联络站", `href="tel:0797-4281234"`)
	benchHas(t, public.get("/track/"+v.Code), "受理联络站", `href="/stations/`+sid+`"`, `href="tel:0797-4281234"`)

	// The list is an rtable with labels; retire from the station's page.
	benchHas(t, committee.get("/work/stations"), `class="rtable"`, `data-label="联系电话"`)
	// A booking still to come holds the retirement back, said next to the button.
	testkit.OpenBooking(t, b.app, f, 3)
	bk := testkit.Must(b.app.Book(t.Context(), app.BookingInput{StationID: f.Station, DeputyID: f.Deputy, Day: testkit.BookingDay,
		Period: zhitong.PeriodMorning, Topic: "想当面反映修桥的事", Name: "王小明", Phone: "13979701234", Consent: true}))(t)
	pg = committee.post("/work/stations/"+sid+"/retire", url.Values{})
	wantStatus(t, pg, http.StatusConflict)
	benchHas(t, pg, "还有 1 个待接待的预约", "预约管理")
	testkit.Must(b.app.StaffCancelAppointment(t.Context(), f.In[zhitong.RoleCommittee], bk.ID, "联络站撤并"))(t)
	pg = committee.post("/work/stations/"+sid+"/retire", url.Values{})
	wantStatus(t, pg, http.StatusOK)
	benchHas(t, pg, "已撤销联络站", "恢复联络站")
	wantStatus(t, public.get("/stations/"+sid), http.StatusNotFound)
	benchLacks(t, public.get("/submit"), `<option value="`+sid+`"`)
	benchLacks(t, public.get("/"), "历市镇人大代表联络站")
	pg = public.get("/track/" + v.Code)
	benchHas(t, pg, "历市镇人大代表联络站（已撤销）")
	benchLacks(t, pg, "tel:0797-4281234")
	benchHas(t, committee.get("/work/cases/"+itoa(id)), "历市镇人大代表联络站")
	benchHas(t, committee.get("/work/stations"), "已撤销")

	// Another county's committee cannot retire or restore it.
	out := b.login(f.Out[zhitong.RoleCommittee], "out-committee")
	wantStatus(t, out.post("/work/stations/"+sid+"/restore", url.Values{}), http.StatusForbidden)
	wantStatus(t, committee.post("/work/stations/"+sid+"/restore", url.Values{}), http.StatusOK)
	wantStatus(t, public.get("/stations/"+sid), http.StatusOK)
}

func TestPortalSubmittedPageShowsStationPhone(t *testing.T) {
	p := newPortal(t)
	phone := "13979703333"
	testkit.Must(p.app.UpdateStation(t.Context(), p.f.In[zhitong.RoleCommittee], p.f.Station, app.StationPatch{Phone: &phone}))(t)
	pg := p.submit(p.validForm())
	trackingCode(t, pg)
	if !strings.Contains(pg.body, `href="tel:13979703333"`) {
		t.Errorf("the submitted page lacks the station's tel: link:\n%s", pg.body)
	}
}

// A deputy's phone: set, shown masked, revealed on request (audited), and
// the list says who cannot be reached.
func TestDeputyPhoneInTheBrowser(t *testing.T) {
	b := newBench(t)
	f := b.f
	officer := b.login(f.In[zhitong.RoleOfficer], "officer")
	did := itoa(f.Deputy)
	benchHas(t, officer.get("/work/deputies"), `class="rtable"`, `data-label="短信手机号"`, "收不到通知")
	pg := officer.post("/work/deputies/"+did+"/phone", url.Values{"phone": {"0797-4281234"}})
	wantStatus(t, pg, http.StatusBadRequest)
	benchHas(t, pg, `id="phone-error"`, "11 位手机号")
	pg = officer.post("/work/deputies/"+did+"/phone", url.Values{"phone": {"139 7970 4444"}})
	wantStatus(t, pg, http.StatusOK)
	benchHas(t, pg, "已保存手机号", "139****4444", "查看完整号码")
	benchLacks(t, pg, "13979704444")
	pg = officer.post("/work/deputies/"+did+"/phone-reveal", url.Values{})
	benchHas(t, pg, `href="tel:13979704444"`, "已记入审计日志")
	benchLacks(t, officer.get("/work/deputies"), "收不到通知", "13979704444")
	// The deputy themself may not see or change it.
	self := b.login(f.In[zhitong.RoleDeputy], "deputy")
	wantStatus(t, self.post("/work/deputies/"+did+"/phone-reveal", url.Values{}), http.StatusForbidden)
}
