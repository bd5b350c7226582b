package levels_test

import (
	"context"
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/regions"
	"zhitong/internal/setup"
	"zhitong/internal/testkit"
)

// cityDeployment is 赣州市 (3607) set up by zhitong init, with 龙南市
// (360783) and 定南县 (360728) added under it by zhitong init --add: one
// deployment serving a city and two of its counties.
type cityDeployment struct {
	a                  *app.App
	clock              *testkit.Clock
	city, lnCo, dnCo   zhitong.Principal // the three committees (代表工委)
	cityRes, lnRes, dn *setup.Result
}

func newCity(t *testing.T) *cityDeployment {
	t.Helper()
	a, clock := testkit.MustApp(t)
	d := &cityDeployment{a: a, clock: clock}
	d.cityRes = testkit.SetUp(t, a, "3607")
	s := setup.New(a)
	d.lnRes = testkit.Must(s.Run(context.Background(), app.System, setup.Input{Region: "360783", Add: true, Via: "test"}))(t)
	d.dn = testkit.Must(s.Run(context.Background(), app.System, setup.Input{Region: "360728", Add: true, Via: "test"}))(t)
	d.city = testkit.Principal(t, a, d.cityRes, zhitong.RoleCommittee)
	d.lnCo = testkit.Principal(t, a, d.lnRes, zhitong.RoleCommittee)
	d.dnCo = testkit.Principal(t, a, d.dn, zhitong.RoleCommittee)
	return d
}

// town returns the first township of county code in the national data.
func town(t *testing.T, code string) string {
	t.Helper()
	return testkit.Must(regions.Load())(t).Children(code)[0].Code
}

func (d *cityDeployment) intake(t *testing.T, p zhitong.Principal, region, title string) *zhitong.Case {
	t.Helper()
	c, err := d.a.Intake(context.Background(), p, app.IntakeInput{Channel: zhitong.ChannelWalkIn, Title: title,
		Body: title + "，请尽快处理。", CategoryCode: "roads", RegionCode: region, Name: "张三", Phone: "13979701234"})
	if err != nil {
		t.Fatalf("intake %s: %v", title, err)
	}
	return c
}

func ids(t *testing.T, a *app.App, p zhitong.Principal) map[int64]bool {
	t.Helper()
	items, _, err := a.List(context.Background(), p, app.ListInput{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64]bool{}
	for _, it := range items {
		out[it.ID] = true
	}
	return out
}

// TestCityDeploymentSubtrees: on a city deployment with two counties added
// under it, the city committee sees both counties' cases and its own; each
// county committee sees its own only, in lists and when opening a case.
func TestCityDeploymentSubtrees(t *testing.T) {
	ctx := context.Background()
	d := newCity(t)
	ln := d.intake(t, d.lnCo, town(t, "360783"), "龙南路灯不亮")
	dn := d.intake(t, d.dnCo, town(t, "360728"), "定南积水")
	city := d.intake(t, d.city, "360702", "章贡区公交站")
	// A county committee cannot file a case into the other county.
	testkit.WantCode(t, testkit.Err(d.a.Intake(ctx, d.lnCo, app.IntakeInput{Channel: zhitong.ChannelWalkIn, Title: "越界",
		Body: "越界登记", CategoryCode: "roads", RegionCode: town(t, "360728"), Name: "李四", Phone: "13979701235"})), zhitong.EINVALID)

	for _, tc := range []struct {
		who       string
		p         zhitong.Principal
		sees, not []*zhitong.Case
	}{
		{"赣州市", d.city, []*zhitong.Case{ln, dn, city}, nil},
		{"龙南市", d.lnCo, []*zhitong.Case{ln}, []*zhitong.Case{dn, city}},
		{"定南县", d.dnCo, []*zhitong.Case{dn}, []*zhitong.Case{ln, city}},
	} {
		got := ids(t, d.a, tc.p)
		for _, c := range tc.sees {
			if !got[c.ID] {
				t.Errorf("%s committee does not list %s", tc.who, c.Title)
			}
			if _, err := d.a.Get(ctx, tc.p, c.ID); err != nil {
				t.Errorf("%s committee cannot open %s: %v", tc.who, c.Title, err)
			}
		}
		for _, c := range tc.not {
			if got[c.ID] {
				t.Errorf("%s committee lists %s", tc.who, c.Title)
			}
			testkit.WantCode(t, testkit.Err(d.a.Get(ctx, tc.p, c.ID)), zhitong.EFORBIDDEN)
		}
		if len(got) != len(tc.sees) {
			t.Errorf("%s committee lists %d cases, want %d", tc.who, len(got), len(tc.sees))
		}
	}
	// Each page names the organisation governing the viewer.
	for p, want := range map[*zhitong.Principal]string{&d.city: "3607", &d.lnCo: "360783", &d.dnCo: "360728"} {
		if o := testkit.Must(d.a.OrganisationFor(ctx, p.RegionCode))(t); o.RegionCode != want {
			t.Errorf("organisation of %s = %s", p.RegionCode, o.RegionCode)
		}
	}
}
