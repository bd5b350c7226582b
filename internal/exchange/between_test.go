package exchange_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/exchange"
	"zhitong/internal/server"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// TestBetweenDeployments: a county and its city, two servers on two
// databases, exchange a case with the same signed, durable protocol: the
// county refers a case with its public history, the city receives it as a
// case, and its status flows back and closes the county's case.
func TestBetweenDeployments(t *testing.T) {
	county, _ := testkit.MustApp(t)
	city, _ := testkit.MustApp(t)
	resCounty := testkit.SetUp(t, county, "360783")
	resCity := testkit.SetUp(t, city, "3607")
	srvCounty := httptest.NewServer(server.New(server.Config{App: county, PublicLimit: -1}))
	t.Cleanup(srvCounty.Close)
	srvCity := httptest.NewServer(server.New(server.Config{App: city, PublicLimit: -1}))
	t.Cleanup(srvCity.Close)
	xCounty, xCity := exchange.New(county), exchange.New(city)

	identity := func(a *app.App) []exchange.Mapping {
		var out []exchange.Mapping
		rows := testkit.Must(a.DB().Query(ctx, `SELECT code FROM categories`))(t)
		defer rows.Close()
		for rows.Next() {
			var c string
			testkit.Must(0, rows.Scan(&c))(t)
			out = append(out, exchange.Mapping{Theirs: c, Ours: c})
		}
		return out
	}
	const shared = "county-and-city-share-this-secret-0001"
	testkit.Must(xCounty.SavePeer(ctx, zhitong.Principal{Role: zhitong.RoleSysAdmin, RegionCode: "360783", Name: "sys"}, exchange.Peer{
		Name: "ganzhou", DisplayName: "赣州市人大常委会", Kind: exchange.KindZhitong, BaseURL: srvCity.URL + "/api/v1/exchange/longnan", Secret: shared,
		RegionCode: "360783", Categories: identity(county), Enabled: true}))(t)
	testkit.Must(xCity.SavePeer(ctx, zhitong.Principal{Role: zhitong.RoleSysAdmin, RegionCode: "3607", Name: "sys"}, exchange.Peer{
		Name: "longnan", Kind: exchange.KindZhitong, BaseURL: srvCounty.URL + "/api/v1/exchange/ganzhou", Secret: shared,
		RegionCode: "360783", Categories: identity(city), Enabled: true}))(t)

	committee := testkit.Principal(t, county, resCounty, zhitong.RoleCommittee)
	var cat, town string
	testkit.Must(0, county.DB().QueryRow(ctx, `SELECT code FROM categories ORDER BY code LIMIT 1`).Scan(&cat))(t)
	testkit.Must(0, county.DB().QueryRow(ctx, `SELECT code FROM regions WHERE code LIKE '360783%' AND code <> '360783' ORDER BY code LIMIT 1`).Scan(&town))(t)
	c := testkit.Must(county.Intake(ctx, committee, app.IntakeInput{Channel: zhitong.ChannelWalkIn, Body: "跨县公交线路停运，群众出行困难",
		CategoryCode: cat, RegionCode: town, Name: "王五", Phone: "13700137000"}))(t)
	c = testkit.Must(xCounty.Refer(ctx, committee, c.ID, exchange.ReferInput{Version: c.Version, Peer: "ganzhou", Consent: "station"}))(t)
	// The citizen reads that it went to the city congress, by its display
	// name: not "outside the congress's remit", not the internal peer name.
	tv := testkit.Must(json.Marshal(testkit.Must(county.Track(ctx, c.Code))(t)))(t)
	if s := string(tv); !strings.Contains(s, "已转交赣州市人大常委会办理") || strings.Contains(s, "ganzhou") || strings.Contains(s, "不属于人大职权范围") {
		t.Errorf("tracking page after the referral to the city: %s", s)
	}
	if n := testkit.Must(xCounty.DeliverDue(ctx))(t); n != 1 {
		t.Fatalf("county delivered %d", n)
	}
	var cityCase int64
	testkit.Must(0, city.DB().QueryRow(ctx, `SELECT case_id FROM exchange_orders WHERE order_no = ? AND direction = 'in'`, exchange.OrderNo(c)).Scan(&cityCase))(t)
	got := testkit.Must(store.GetCase(ctx, city.DB(), cityCase))(t)
	if got.Channel != zhitong.ChannelImported || got.RegionCode != town || !strings.Contains(got.Body, "原平台办理记录") || !strings.Contains(got.Body, "已转交") {
		t.Fatalf("the city's case: %+v", got.Case)
	}

	// The city registers it, then declines it with a reason: both steps go back.
	cityCommittee := testkit.Principal(t, city, resCity, zhitong.RoleCommittee)
	reg := testkit.Must(city.Register(ctx, cityCommittee, cityCase, app.RegisterInput{Version: got.Version, CategoryCode: cat, RegionCode: town}))(t)
	testkit.Must(city.Decline(ctx, cityCommittee, cityCase, app.TextInput{Version: reg.Version, Text: "已协调市公交公司恢复线路"}))(t)
	if n := testkit.Must(xCity.DeliverDue(ctx))(t); n != 2 {
		t.Fatalf("city delivered %d statuses, want 2", n)
	}
	closed := testkit.Must(store.GetCase(ctx, county.DB(), c.ID))(t)
	if closed.Status != zhitong.StatusClosed || !strings.Contains(closed.ReferralResult, "恢复线路") {
		t.Fatalf("county case %s, result %q", closed.Status, closed.ReferralResult)
	}

	// Over HTTP: unsigned and replayed requests are refused with a code.
	body := testkit.Must(json.Marshal(exchange.StatusUpdate{OrderNo: exchange.OrderNo(c), Step: "handling"}))(t)
	post := func(sign bool, req *http.Request) (int, string) {
		t.Helper()
		if req == nil {
			req = testkit.Must(http.NewRequest(http.MethodPost, srvCounty.URL+"/api/v1/exchange/ganzhou/status", bytes.NewReader(body)))(t)
			req.Header.Set("Content-Type", "application/json")
			if sign {
				exchange.Sign(req, []byte(shared), body, county.Now())
			}
		}
		resp := testkit.Must(http.DefaultClient.Do(req))(t)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if st, b := post(false, nil); st != http.StatusUnauthorized || !strings.Contains(b, `"unauthorized"`) {
		t.Errorf("unsigned: %d %s", st, b)
	}
	req := testkit.Must(http.NewRequest(http.MethodPost, srvCounty.URL+"/api/v1/exchange/ganzhou/status", bytes.NewReader(body)))(t)
	exchange.Sign(req, []byte(shared), body, county.Now())
	replay := req.Clone(ctx)
	replay.Body = io.NopCloser(bytes.NewReader(body))
	if st, b := post(true, req); st != http.StatusOK {
		t.Fatalf("signed: %d %s", st, b)
	}
	if st, b := post(true, replay); st != http.StatusUnauthorized || !strings.Contains(b, "重放") {
		t.Errorf("replayed: %d %s", st, b)
	}
}
