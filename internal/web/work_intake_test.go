package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/testkit"
)

var benchCode = regexp.MustCompile(`<span class="code">([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})</span>`)

func TestWalkInAnsweredOnTheSpot(t *testing.T) {
	b := newBench(t)
	officer := b.login(b.f.In[zhitong.RoleOfficer], "ganshi")

	pg := officer.get("/work/intake")
	wantStatus(t, pg, http.StatusOK)
	benchHas(t, pg, "<title>来访登记", `name="body"`, "autofocus", `value="walk_in" selected`, "当场解答")

	pg = officer.post("/work/intake", url.Values{"channel": {"walk_in"}, "station_id": {itoa64(b.f.Station)}, "deputy_id": {itoa64(b.f.Deputy)},
		"category": {"consult"}, "body": {"咨询新农合医保今年的缴费标准和截止时间"}, "anonymous": {"1"},
		"answer": {"今年个人缴费 400 元，截止到 12 月 31 日，可在村委会或手机上缴纳。"}})
	wantStatus(t, pg, http.StatusOK)
	benchHas(t, pg, "已登记并当场解答办结", "查询码")
	m := benchCode.FindStringSubmatch(pg.raw)
	if m == nil {
		t.Fatalf("no tracking code shown:\n%s", pg.body)
	}
	// The form is empty again, with the reception settings remembered.
	benchLacks(t, pg, "新农合")
	benchHas(t, pg, `<option value="`+itoa64(b.f.Station)+`" selected>`, `<option value="`+itoa64(b.f.Deputy)+`" selected>`)

	tv := testkit.Must(b.app.Track(t.Context(), m[1]))(t)
	if tv.Status != zhitong.StatusAnswered || tv.Answer == "" {
		t.Fatalf("walk-in with an answer: status %s answer %q", tv.Status, tv.Answer)
	}
	list, n := testkit.Must2(b.app.List(t.Context(), b.f.In[zhitong.RoleOfficer], app.ListInput{Status: []zhitong.Status{zhitong.StatusAnswered}}))(t)
	if n != 1 || list[0].Channel != string(zhitong.ChannelWalkIn) || list[0].DeputyID != b.f.Deputy {
		t.Fatalf("answered cases: %d %+v", n, list)
	}

	// The next visitor, not answered: registered and waiting for triage.
	pg = officer.post("/work/intake", url.Values{"channel": {"mobile"}, "station_id": {itoa64(b.f.Station)}, "category": {"roads"},
		"body": {"村口桥梁栏杆松动，孩子上学经过很危险"}, "name": {"王五"}, "phone": {"13700002222"}})
	benchHas(t, pg, "已登记，等待分流交办", `value="mobile" selected`)
	if n := total(t, officer.get("/work/cases?status=registered")); n != 1 {
		t.Fatalf("registered after walk-in: %d", n)
	}
}

func TestIntakeErrorKeepsInput(t *testing.T) {
	b := newBench(t)
	officer := b.login(b.f.In[zhitong.RoleOfficer], "ganshi")
	pg := officer.post("/work/intake", url.Values{"channel": {"walk_in"}, "station_id": {itoa64(b.f.Station)}, "category": {"roads"},
		"body": {"村里的路灯坏了很久"}, "name": {"赵六"}, "phone": {"12345"}})
	wantStatus(t, pg, http.StatusBadRequest)
	benchHas(t, pg, "村里的路灯坏了很久", `value="赵六"`, `value="12345"`, `id="in-phone"`, `aria-invalid="true"`)

	pg = officer.post("/work/intake", url.Values{"channel": {"walk_in"}, "station_id": {itoa64(b.f.Station)}, "body": {"村里的路灯坏了很久"}})
	wantStatus(t, pg, http.StatusBadRequest)
	benchHas(t, pg, "请选择分类")

	// Roles that take nothing in are refused.
	wantStatus(t, b.login(b.f.In[zhitong.RoleUnit], "danwei").get("/work/intake"), http.StatusForbidden)
}

func TestDeputyQuickAnswer(t *testing.T) {
	b := newBench(t)
	deputy := b.login(b.f.In[zhitong.RoleDeputy], "liudaibiao")
	pg := deputy.get("/work")
	benchHas(t, pg, "当场解答登记", `<option value="`+itoa64(b.f.Station)+`" selected>`)

	pg = deputy.post("/work/intake", url.Values{"back": {"home"}, "channel": {"walk_in"}, "anonymous": {"1"}, "station_id": {itoa64(b.f.Station)},
		"category": {"consult"}, "body": {"问养老保险补缴怎么办理"}, "answer": {"携带身份证到镇社保所办理。"}})
	wantStatus(t, pg, http.StatusOK)
	benchHas(t, pg, "已当场解答并办结，查询码")
	if got := queues(pg)["我收集的全部意见"]; got != 1 {
		t.Fatalf("deputy's cases = %d, want 1", got)
	}
}

func TestWalkInReceipt(t *testing.T) {
	b := newBench(t)
	officer := b.login(b.f.In[zhitong.RoleOfficer], "ganshi")
	pg := officer.post("/work/intake", url.Values{"channel": {"walk_in"}, "station_id": {itoa64(b.f.Station)}, "category": {"consult"},
		"body": {"咨询城乡居民医保今年的缴费标准"}, "name": {"赵大爷"}, "phone": {"13979701234"},
		"answer": {"今年个人缴费 400 元，12 月 31 日截止。"}})
	m := benchCode.FindStringSubmatch(pg.raw)
	if m == nil {
		t.Fatalf("no tracking code shown:\n%s", pg.body)
	}
	link := regexp.MustCompile(`href="(/work/cases/\d+/receipt)"`).FindStringSubmatch(pg.raw)
	if link == nil {
		t.Fatalf("no receipt link after the walk-in:\n%s", pg.body)
	}
	receipt := officer.get(link[1])
	wantStatus(t, receipt, http.StatusOK)
	benchHas(t, receipt, "意见建议受理回执", m[1], "当场解答", "400 元", "历市镇人大代表联络站", "<svg")
	benchLacks(t, receipt, "赵大爷", "13979701234")

	outsider := b.login(b.f.Out[zhitong.RoleOfficer], "waixian")
	wantStatus(t, outsider.get(link[1]), http.StatusForbidden)
}

// TestIntakeShowsEveryErrorAtItsField: one round trip marks every field at
// fault, each message next to its field, and the first one gets the focus.
func TestIntakeShowsEveryErrorAtItsField(t *testing.T) {
	b := newBench(t)
	officer := b.login(b.f.In[zhitong.RoleOfficer], "ganshi")
	pg := officer.post("/work/intake", url.Values{"channel": {"walk_in"}, "station_id": {itoa64(b.f.Station)},
		"body": {"路坏"}, "phone": {"123"}, "id_card": {"360728199001011235"}})
	wantStatus(t, pg, http.StatusBadRequest)
	benchHas(t, pg, "有 4 处需要修改", `id="err-category"`, "请选择分类", `id="err-body"`, "至少需要 5 个字",
		`id="err-phone"`, "固定电话", `id="err-id_card"`, "校验位", `href="#in-phone"`)
	if !regexp.MustCompile(`id="in-category"[^>]*aria-describedby="err-category" autofocus`).MatchString(pg.raw) {
		t.Error("the first field at fault (category) is not focused and described by its error")
	}

	// A landline with its area code is a contact number.
	pg = officer.post("/work/intake", url.Values{"channel": {"walk_in"}, "station_id": {itoa64(b.f.Station)}, "category": {"roads"},
		"body": {"村口桥梁栏杆松动，孩子上学经过很危险"}, "name": {"王五"}, "phone": {"0797 4281234"}})
	benchHas(t, pg, "已登记，等待分流交办")
}
