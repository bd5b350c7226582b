package web_test

import (
	"context"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"zhitong"
	"zhitong/internal/server"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// freshBench is a server over a deployment just set up with zhitong init
// for 龙南市, without demo data: one station, unit and deputy exist only
// so that station heads, units and deputies can sign in.
func freshBench(t *testing.T) (*bench, map[zhitong.Role]*staffer) {
	a, clock := testkit.MustApp(t)
	testkit.SetUp(t, a, "360783")
	ctx := context.Background()
	st := &zhitong.Station{Name: "龙南镇人大代表联络站", RegionCode: "360783100", Kind: "fixed"}
	un := &zhitong.Unit{Name: "龙南市交通运输局", Kind: "department", RegionCode: "360783"}
	dep := &zhitong.Deputy{Name: "王代表", Levels: []string{"county"}, RegionCode: "360783100"}
	err := a.DB().Write(ctx, func(tx *store.Tx) error {
		if err := tx.InsertStation(ctx, st); err != nil {
			return err
		}
		if err := tx.InsertUnit(ctx, un); err != nil {
			return err
		}
		return tx.InsertDeputy(ctx, dep)
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(server.New(server.Config{App: a}))
	t.Cleanup(srv.Close)
	b := &bench{t: t, app: a, clock: clock, srv: srv}
	staff := map[zhitong.Role]*staffer{}
	for _, r := range zhitong.Roles {
		p := zhitong.Principal{Name: "测试" + r.Label, Role: r.Value, RegionCode: "360783"}
		switch r.Value {
		case zhitong.RoleStationHead:
			p.StationID = st.ID
		case zhitong.RoleUnit:
			p.UnitID = un.ID
		case zhitong.RoleDeputy:
			p.DeputyID = dep.ID
		case zhitong.RoleIntegration:
			continue
		}
		staff[r.Value] = b.login(p, "t_"+string(r.Value))
	}
	return b, staff
}

var tags = regexp.MustCompile(`(?s)<script.*?</script>|<[^>]+>`)

func TestDumpEmpty(t *testing.T) {
	_, staff := freshBench(t)
	paths := []string{"/work", "/work/cases", "/work/supervision", "/work/bulletins", "/work/callbacks", "/work/follow-ups", "/work/inactive",
		"/work/stations", "/work/deputies", "/work/duties", "/work/duty", "/work/roster", "/work/appointments", "/work/notices", "/work/points", "/work/deliveries", "/work/templates", "/work/intake"}
	for role, s := range staff {
		for _, p := range paths {
			pg := s.get(p)
			body := pg.body
			if i := strings.Index(body, `<main`); i >= 0 {
				body = body[i:]
			}
			if i := strings.Index(body, `</main>`); i >= 0 {
				body = body[:i]
			}
			txt := strings.Join(strings.Fields(tags.ReplaceAllString(body, " ")), " ")
			if len([]rune(txt)) > 400 {
				txt = string([]rune(txt)[:400])
			}
			t.Logf("%s %s %d: %s", role, p, pg.status, txt)
		}
	}
}
