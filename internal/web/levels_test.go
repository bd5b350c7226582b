package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/server"
	"zhitong/internal/setup"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// TestTransferCasePage: on a city deployment (赣州市, with 龙南市 and 定南县
// added by init --add) 龙南's committee moves a case up to the city from the
// case page; an off-chain target is shown again with its Chinese error and
// nothing moves; afterwards 龙南's page is read only and the city's offers
// triage. The API endpoint lists the targets and refuses the sibling too.
func TestTransferCasePage(t *testing.T) {
	ctx := context.Background()
	b := initBench(t, "3607")
	a, srv := b.app, b.srv
	lnRes := b.add("360783")
	b.add("360728")
	city := b.login(zhitong.Principal{Name: "市代表工委", Role: zhitong.RoleCommittee, RegionCode: "3607"}, "t_city")
	ln := b.login(zhitong.Principal{Name: "龙南代表工委", Role: zhitong.RoleCommittee, RegionCode: "360783"}, "t_ln")
	lnP := testkit.Principal(t, a, lnRes, zhitong.RoleCommittee)
	c := testkit.Must(a.Intake(ctx, lnP, app.IntakeInput{Channel: zhitong.ChannelWalkIn, Title: "国道路面塌陷", Body: "国道路面塌陷，请尽快修复。",
		CategoryCode: "roads", RegionCode: "360783100", Name: "张三", Phone: "13979701234"}))(t)
	id := strconv.FormatInt(c.ID, 10)

	pg := ln.get(caseURL(c.ID))
	benchHas(t, pg, "移交上级或下级人大", "上级：赣州市人大常委会")
	if strings.Contains(pg.body, "定南县人大常委会") {
		t.Error("龙南's form offers its sibling county")
	}
	// An off-chain target (posted by hand): the form again, with the error; nothing moved.
	bad := ln.act(c.ID, "transfer", url.Values{"version": {strconv.Itoa(c.Version)}, "to": {"360728"}, "reason": {"测试"}})
	if bad.status != http.StatusBadRequest || !strings.Contains(bad.body, "只能移交给本级的上级人大常委会") {
		t.Errorf("sibling target: %d", bad.status)
	}
	if got := testkit.Must(store.GetCase(ctx, a.DB(), c.ID))(t); got.HeldBy != "" || got.Version != c.Version {
		t.Fatalf("refused transfer changed the case: held by %q, version %d", got.HeldBy, got.Version)
	}
	ok := ln.act(c.ID, "transfer", url.Values{"version": {strconv.Itoa(c.Version)}, "to": {"3607"}, "reason": {"市管国道"}})
	benchHas(t, ok, "已移交，接收方和本方工作人员会收到通知", "本案件已移交赣州市人大常委会办理，您只能查看")
	if strings.Contains(ok.body, `action="/work/cases/`+id+`/assign"`) {
		t.Error("龙南 still offered assignment after the move")
	}
	cp := city.get(caseURL(c.ID))
	benchHas(t, cp, "本案件已移交赣州市人大常委会办理", "由龙南市人大常委会移交上级赣州市人大常委会办理。理由：市管国道")
	if !strings.Contains(cp.body, `action="/work/cases/`+id+`/assign"`) || strings.Contains(cp.body, "您只能查看") {
		t.Error("the city's page does not offer triage")
	}
	// The API: targets, and the same refusal as a machine-readable code.
	tg := city.get("/api/v1/cases/" + id + "/transfer-targets")
	var targets struct {
		Items []struct {
			RegionCode string `json:"region_code"`
		}
	}
	if err := json.Unmarshal([]byte(tg.raw), &targets); err != nil || len(targets.Items) != 1 || targets.Items[0].RegionCode != "360783" {
		t.Errorf("targets %d %s", tg.status, tg.raw)
	}
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/v1/cases/"+id+"/transfer", strings.NewReader(`{"to":"360728","reason":"测试"}`))
	req.Header.Set("Content-Type", "application/json")
	res := city.do(req)
	if res.status != http.StatusBadRequest || !strings.Contains(res.raw, `"invalid"`) || !strings.Contains(res.raw, `"to"`) {
		t.Errorf("API sibling transfer: %d %s", res.status, res.raw)
	}
	req, _ = http.NewRequest(http.MethodPost, srv.URL+"/api/v1/cases/"+id+"/transfer", strings.NewReader(`{"to":"360783","reason":"经核实为县道"}`))
	req.Header.Set("Content-Type", "application/json")
	if res := city.do(req); res.status != http.StatusOK || !strings.Contains(res.raw, `"held_by":"360783"`) {
		t.Errorf("API transfer down: %d %s", res.status, res.raw)
	}
}

// initBench is a server over a deployment set up with zhitong init for
// region, without demo data.
func initBench(t *testing.T, region string) *bench {
	t.Helper()
	a, clock := testkit.MustApp(t)
	testkit.SetUp(t, a, region)
	srv := httptest.NewServer(server.New(server.Config{App: a}))
	t.Cleanup(srv.Close)
	return &bench{t: t, app: a, clock: clock, srv: srv}
}

// add sets up another organisation on the deployment, as zhitong init
// --add does; testkit.Principal finds its accounts in the result.
func (b *bench) add(region string) *setup.Result {
	b.t.Helper()
	return testkit.Must(setup.New(b.app).Run(b.t.Context(), app.System, setup.Input{Region: region, Add: true, Via: "test"}))(b.t)
}
