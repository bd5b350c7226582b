package admin_test

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/admin"
	"zhitong/internal/app"
	"zhitong/internal/sms"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

var ctx = context.Background()

type fixture struct {
	a   *app.App
	s   *admin.Service
	f   *testkit.Fixture
	in  zhitong.Principal // committee of 定南县 360728
	out zhitong.Principal // committee of 龙南市 360727
	clk *testkit.Clock
}

func setup(t *testing.T) *fixture {
	t.Helper()
	a, clk := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	return &fixture{a: a, s: admin.New(a), f: f, in: f.In[zhitong.RoleCommittee], out: f.Out[zhitong.RoleCommittee], clk: clk}
}

// auditActions lists the actions of the audit entries about object.
func (x *fixture) auditActions(t *testing.T, object string) []string {
	t.Helper()
	entries := testkit.Must(store.ListAuditFiltered(ctx, x.a.DB(), store.AuditQuery{Object: object, Limit: 100}))(t)
	var out []string
	for _, e := range entries {
		out = append(out, e.Action)
	}
	return out
}

func TestRegionsAddRenameRetire(t *testing.T) {
	x := setup(t)
	park := testkit.Must(x.s.AddRegion(ctx, x.in, admin.RegionInput{Parent: x.f.County, Name: "定南县工业园区", Kind: admin.KindIndustrialPark}))(t)
	if park.Code != "360728801" || park.Level != 4 || park.ParentCode != x.f.County || park.Kind != admin.KindIndustrialPark {
		t.Fatalf("park = %+v, want code 360728801 at level 4", park)
	}
	zone := testkit.Must(x.s.AddRegion(ctx, x.in, admin.RegionInput{Parent: x.f.County, Name: "定南县开发区", Kind: admin.KindDevelopmentZone}))(t)
	village := testkit.Must(x.s.AddRegion(ctx, x.in, admin.RegionInput{Parent: x.f.Town, Name: "石门村", Kind: admin.KindVillage}))(t)
	if zone.Code != "360728802" || village.Code != "360728100801" || village.Level != 5 {
		t.Fatalf("zone %s, village %s (level %d): want 360728802, 360728100801 (5)", zone.Code, village.Code, village.Level)
	}
	for _, c := range []string{park.Code, zone.Code, village.Code} {
		if !admin.IsLocalCode(c) || !strings.HasPrefix(c, x.f.County) {
			t.Errorf("%s: not a local code inside the county", c)
		}
	}

	// Bad input and jurisdiction.
	for name, tc := range map[string]struct {
		p    zhitong.Principal
		in   admin.RegionInput
		code string
	}{
		"other county's committee": {x.out, admin.RegionInput{Parent: x.f.County, Name: "越界园区", Kind: admin.KindIndustrialPark}, zhitong.EINVALID},
		"officer":                  {x.f.In[zhitong.RoleOfficer], admin.RegionInput{Parent: x.f.County, Name: "园区", Kind: admin.KindIndustrialPark}, zhitong.EFORBIDDEN},
		"village under a county":   {x.in, admin.RegionInput{Parent: x.f.County, Name: "某村", Kind: admin.KindVillage}, zhitong.EINVALID},
		"unknown kind":             {x.in, admin.RegionInput{Parent: x.f.Town, Name: "某地", Kind: "farm"}, zhitong.EINVALID},
		"under a city":             {x.in, admin.RegionInput{Parent: "3607", Name: "园区", Kind: admin.KindIndustrialPark}, zhitong.EINVALID},
		"under a village":          {x.in, admin.RegionInput{Parent: village.Code, Name: "组", Kind: admin.KindVillage}, zhitong.EINVALID},
		"unknown parent":           {x.in, admin.RegionInput{Parent: "360728999", Name: "园区", Kind: admin.KindIndustrialPark}, zhitong.EINVALID},
		"no name":                  {x.in, admin.RegionInput{Parent: x.f.County, Name: " ", Kind: admin.KindIndustrialPark}, zhitong.EINVALID},
		"same name under the same": {x.in, admin.RegionInput{Parent: x.f.County, Name: "定南县工业园区", Kind: admin.KindIndustrialPark}, zhitong.ECONFLICT},
		"citizen":                  {zhitong.Citizen, admin.RegionInput{Parent: x.f.County, Name: "园区", Kind: admin.KindIndustrialPark}, zhitong.EUNAUTHORIZED},
		"control characters":       {x.in, admin.RegionInput{Parent: x.f.County, Name: "园\x00区", Kind: admin.KindIndustrialPark}, zhitong.EINVALID},
		"a name of 41 characters":  {x.in, admin.RegionInput{Parent: x.f.County, Name: strings.Repeat("园", 41), Kind: admin.KindIndustrialPark}, zhitong.EINVALID},
	} {
		_, err := x.s.AddRegion(ctx, tc.p, tc.in)
		if zhitong.ErrorCode(err) != tc.code {
			t.Errorf("%s: %v, want %s", name, err, tc.code)
		}
	}

	// Rename, in and out of the jurisdiction.
	renamed := testkit.Must(x.s.UpdateRegion(ctx, x.in, park.Code, admin.RegionPatch{Name: ptr("定南工业园")}))(t)
	if renamed.Name != "定南工业园" {
		t.Errorf("renamed = %+v", renamed)
	}
	testkit.WantCode(t, testkit.Err(x.s.UpdateRegion(ctx, x.out, park.Code, admin.RegionPatch{Name: ptr("抢来的")})), zhitong.EFORBIDDEN)
	testkit.WantCode(t, testkit.Err(x.s.UpdateRegion(ctx, x.in, x.f.County, admin.RegionPatch{Name: ptr("新县名")})), zhitong.EFORBIDDEN)

	// Retire: refused while a station, a unit and a village stand in the town.
	_, err := x.s.RetireRegion(ctx, x.in, x.f.Town)
	testkit.WantCode(t, err, zhitong.ECONFLICT)
	testkit.Must(x.s.RetireRegion(ctx, x.in, village.Code))(t)
	_, err = x.s.RetireRegion(ctx, x.in, x.f.Town)
	if zhitong.ErrorCode(err) != zhitong.ECONFLICT || !strings.Contains(zhitong.ErrorMessage(err), "联络站") {
		t.Errorf("retire a town with a station: %v, want a conflict naming the station", err)
	}
	retired := testkit.Must(x.s.RetireRegion(ctx, x.in, park.Code))(t)
	if retired.RetiredAt.IsZero() {
		t.Errorf("retired park has no retired_at")
	}

	// A retired region is not offered, but still named, and refused at intake.
	active := testkit.Must(x.a.ActiveRegions(ctx, x.f.County))(t)
	all := testkit.Must(x.a.Regions(ctx, x.f.County))(t)
	if hasRegion(active, park.Code) || !hasRegion(all, park.Code) || !hasRegion(active, zone.Code) {
		t.Errorf("active regions %v, all %v: the retired park must be in all only", codes(active), codes(all))
	}
	_, err = x.a.Submit(ctx, zhitong.Citizen, app.IntakeInput{Body: "园区路灯坏了很久没人修", RegionCode: park.Code})
	testkit.WantCode(t, err, zhitong.EINVALID)
	if zhitong.ErrorField(err) != "region" {
		t.Errorf("intake into a retired region: field %q, want region", zhitong.ErrorField(err))
	}
	testkit.Must(x.a.Submit(ctx, zhitong.Citizen, app.IntakeInput{Body: "开发区路灯坏了很久没人修", RegionCode: zone.Code}))(t)

	for object, want := range map[string][]string{
		"region:" + park.Code:    {"region.add", "region.rename", "region.retire"},
		"region:" + village.Code: {"region.add", "region.retire"},
	} {
		if got := x.auditActions(t, object); strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("audit of %s = %v, want %v", object, got, want)
		}
	}
}

func TestUnitsWithEncryptedPhone(t *testing.T) {
	x := setup(t)
	const phone = "13907971234"
	u := testkit.Must(x.s.CreateUnit(ctx, x.in, admin.UnitInput{Name: "定南县水利局", Kind: admin.UnitDepartment, Region: "360728",
		Contact: "王科长", Phone: "139 0797 1234"}))(t)
	if u.Phone != "139****1234" || u.Contact != "王科长" || u.RegionCode != x.f.County {
		t.Fatalf("unit = %+v, want the phone masked", u)
	}
	var enc string
	if err := x.a.DB().QueryRow(ctx, `SELECT phone_enc FROM units WHERE id = ?`, u.ID).Scan(&enc); err != nil {
		t.Fatal(err)
	}
	if enc == "" || strings.Contains(enc, phone) || strings.Contains(enc, "1234") {
		t.Fatalf("units.phone_enc = %q: must be sealed, never plaintext", enc)
	}
	if got, err := x.a.Sealer().Open(enc, app.UnitPhoneAAD); err != nil || got != phone {
		t.Fatalf("sealed phone opens to %q, %v", got, err)
	}

	// A department under it, then edits.
	sub := testkit.Must(x.s.CreateUnit(ctx, x.in, admin.UnitInput{Name: "定南县水利局河长办", Kind: admin.UnitDepartment, Region: x.f.County, ParentID: u.ID}))(t)
	if sub.ParentID != u.ID || sub.Phone != "" {
		t.Errorf("sub = %+v", sub)
	}
	edited := testkit.Must(x.s.UpdateUnit(ctx, x.in, u.ID, admin.UnitPatch{Contact: ptr("李科长"), Phone: ptr("0797-4281234")}))(t)
	if edited.Contact != "李科长" || edited.Phone == "" || strings.Contains(edited.Phone, "4281234") {
		t.Errorf("edited = %+v", edited)
	}
	testkit.WantCode(t, testkit.Err(x.s.UpdateUnit(ctx, x.in, u.ID, admin.UnitPatch{ParentID: &sub.ID})), zhitong.EINVALID) // a cycle

	// Jurisdiction and bad input.
	for name, tc := range map[string]struct {
		p    zhitong.Principal
		in   admin.UnitInput
		code string
	}{
		"parent of another county":  {x.in, admin.UnitInput{Name: "A", Kind: admin.UnitDepartment, Region: x.f.County, ParentID: x.f.OtherUnit}, zhitong.EINVALID},
		"region of another county":  {x.in, admin.UnitInput{Name: "B", Kind: admin.UnitDepartment, Region: x.f.OtherCounty}, zhitong.EINVALID},
		"other committee, my unit":  {x.out, admin.UnitInput{Name: "C", Kind: admin.UnitDepartment, Region: x.f.OtherCounty, ParentID: x.f.Lead}, zhitong.EINVALID},
		"bad phone":                 {x.in, admin.UnitInput{Name: "D", Kind: admin.UnitDepartment, Region: x.f.County, Phone: "12345"}, zhitong.EINVALID},
		"bad kind":                  {x.in, admin.UnitInput{Name: "E", Kind: "company", Region: x.f.County}, zhitong.EINVALID},
		"unknown parent":            {x.in, admin.UnitInput{Name: "F", Kind: admin.UnitDepartment, Region: x.f.County, ParentID: 99999}, zhitong.EINVALID},
		"duplicate name":            {x.in, admin.UnitInput{Name: "县交通运输局", Kind: admin.UnitDepartment, Region: x.f.County}, zhitong.ECONFLICT},
		"officer":                   {x.f.In[zhitong.RoleOfficer], admin.UnitInput{Name: "G", Kind: admin.UnitDepartment, Region: x.f.County}, zhitong.EFORBIDDEN},
		"no name, no region, phone": {x.in, admin.UnitInput{Kind: admin.UnitDepartment, Phone: "abc"}, zhitong.EINVALID},
	} {
		_, err := x.s.CreateUnit(ctx, tc.p, tc.in)
		if zhitong.ErrorCode(err) != tc.code {
			t.Errorf("%s: %v, want %s", name, err, tc.code)
		}
	}
	// Every bad field at once, for the import's dry run.
	_, err := x.s.CreateUnit(ctx, x.in, admin.UnitInput{Kind: "x", Phone: "abc"})
	if n := len(app.Problems(err)); n != 4 {
		t.Errorf("problems of a unit with four bad fields: %d (%v)", n, err)
	}
	testkit.WantCode(t, testkit.Err(x.s.UpdateUnit(ctx, x.out, u.ID, admin.UnitPatch{Contact: ptr("x")})), zhitong.EFORBIDDEN)
	testkit.WantCode(t, testkit.Err(x.s.RetireUnit(ctx, x.out, u.ID)), zhitong.EFORBIDDEN)

	// Retiring a unit with an open assignment is refused with a reason.
	c := testkit.Must(x.a.Intake(ctx, x.f.In[zhitong.RoleOfficer], app.IntakeInput{Body: "河道垃圾堆积需要清理", CategoryCode: "roads",
		StationID: x.f.Station, Anonymous: true}))(t)
	testkit.Must(x.a.Assign(ctx, x.f.In[zhitong.RoleOfficer], c.ID, app.AssignInput{LeadUnit: u.ID}))(t)
	_, err = x.s.RetireUnit(ctx, x.in, u.ID)
	if zhitong.ErrorCode(err) != zhitong.ECONFLICT || !strings.Contains(zhitong.ErrorMessage(err), "交办") {
		t.Errorf("retire with an open assignment: %v", err)
	}
	testkit.Must(x.s.RetireUnit(ctx, x.in, sub.ID))(t)
	// A retired unit is not accepted in an assignment.
	c2 := testkit.Must(x.a.Intake(ctx, x.f.In[zhitong.RoleOfficer], app.IntakeInput{Body: "河道护栏损坏需要修补", CategoryCode: "roads",
		StationID: x.f.Station, Anonymous: true}))(t)
	_, err = x.a.Assign(ctx, x.f.In[zhitong.RoleOfficer], c2.ID, app.AssignInput{LeadUnit: sub.ID})
	testkit.WantCode(t, err, zhitong.EINVALID)

	if got := x.auditActions(t, "unit:"+itoa(u.ID)); strings.Join(got, ",") != "unit.create,unit.update" {
		t.Errorf("audit of the unit = %v", got)
	}
	if got := x.auditActions(t, "unit:"+itoa(sub.ID)); strings.Join(got, ",") != "unit.create,unit.retire" {
		t.Errorf("audit of the sub-unit = %v", got)
	}
	// The audit log never holds the phone.
	entries := testkit.Must(store.ListAuditFiltered(ctx, x.a.DB(), store.AuditQuery{Object: "unit:" + itoa(u.ID), Limit: 10}))(t)
	for _, e := range entries {
		if strings.Contains(e.Detail, "1234") {
			t.Errorf("audit entry %s holds the phone: %s", e.Action, e.Detail)
		}
	}
}

func TestUpsertUnitByName(t *testing.T) {
	x := setup(t)
	in := admin.UnitInput{Name: "定南县教育局", Kind: admin.UnitDepartment, Region: "360728", Contact: "赵老师", Phone: "13907970002"}
	run := func(in admin.UnitInput) (admin.Outcome, error) {
		var out admin.Outcome
		err := x.a.DB().Write(ctx, func(tx *store.Tx) error {
			var err error
			out, err = x.s.UpsertUnit(ctx, tx, x.in, in)
			return err
		})
		return out, err
	}
	for i, want := range []admin.Outcome{admin.Added, admin.Unchanged} {
		if got := testkit.Must(run(in))(t); got != want {
			t.Errorf("run %d: %s, want %s", i, got, want)
		}
	}
	// An export shows the phone masked: importing it back changes nothing.
	masked := in
	masked.Phone = "139****0002"
	if got := testkit.Must(run(masked))(t); got != admin.Unchanged {
		t.Errorf("masked phone: %s, want unchanged", got)
	}
	child := admin.UnitInput{Name: "定南县教育局督导室", Kind: admin.UnitDepartment, Region: "360728", ParentName: "定南县教育局"}
	if got := testkit.Must(run(child))(t); got != admin.Added {
		t.Errorf("child by parent name: %s", got)
	}
	in.Contact = "钱老师"
	if got := testkit.Must(run(in))(t); got != admin.Updated {
		t.Errorf("changed contact: %s, want updated", got)
	}
	// Someone else's unit of the same name is not taken over.
	other := admin.UnitInput{Name: "龙南市交通运输局", Kind: admin.UnitDepartment, Region: "360728"}
	testkit.WantCode(t, testkit.Err(run(other)), zhitong.EINVALID)
	testkit.WantCode(t, testkit.Err(run(admin.UnitInput{Name: "X", Kind: admin.UnitDepartment, Region: "360728", ParentName: "没有这个单位"})), zhitong.EINVALID)
}

func TestCategoriesGlobalAndPerJurisdiction(t *testing.T) {
	x := setup(t)
	sys := zhitong.Principal{UserID: 1, Name: "sys", Role: zhitong.RoleSysAdmin}
	city := zhitong.Principal{UserID: 2, Name: "city", Role: zhitong.RoleCommittee, RegionCode: "3607"}

	// A county committee in a two-county deployment may not change the global list.
	testkit.WantCode(t, testkit.Err(x.s.CreateCategory(ctx, x.in, admin.CategoryInput{Name: "环境卫生", DueDays: 10})), zhitong.EFORBIDDEN)
	testkit.WantCode(t, testkit.Err(x.s.UpdateCategory(ctx, x.in, "roads", admin.CategoryPatch{DueDays: ptr(20)})), zhitong.EFORBIDDEN)
	env := testkit.Must(x.s.CreateCategory(ctx, sys, admin.CategoryInput{Name: "环境卫生", DueDays: 10}))(t)
	if env.Code == "" {
		t.Fatal("no code made")
	}
	testkit.Must(x.s.UpdateCategory(ctx, city, "roads", admin.CategoryPatch{DueDays: ptr(20)}))(t)
	for _, d := range []int{0, 61} {
		testkit.WantCode(t, testkit.Err(x.s.CreateCategory(ctx, sys, admin.CategoryInput{Name: "X" + strconv.Itoa(d), DueDays: d})), zhitong.EINVALID)
	}
	testkit.WantCode(t, testkit.Err(x.s.CreateCategory(ctx, sys, admin.CategoryInput{Code: "Roads!", Name: "Y", DueDays: 5})), zhitong.EINVALID)
	testkit.WantCode(t, testkit.Err(x.s.CreateCategory(ctx, sys, admin.CategoryInput{Name: "道路交通", DueDays: 5})), zhitong.ECONFLICT)

	// Each county sets its own default lead unit, to its own units only.
	testkit.Must(x.s.UpdateCategory(ctx, x.in, "roads", admin.CategoryPatch{DefaultUnitID: &x.f.Lead}))(t)
	_, err := x.s.UpdateCategory(ctx, x.in, "consult", admin.CategoryPatch{DefaultUnitID: &x.f.OtherUnit})
	testkit.WantCode(t, err, zhitong.EINVALID)
	if zhitong.ErrorField(err) != "default_unit_id" {
		t.Errorf("field %q", zhitong.ErrorField(err))
	}
	testkit.Must(x.s.UpdateCategory(ctx, x.out, "roads", admin.CategoryPatch{DefaultUnitID: &x.f.OtherUnit}))(t)
	for p, want := range map[zhitong.Principal]int64{x.in: x.f.Lead, x.out: x.f.OtherUnit} {
		cats := testkit.Must(x.s.Categories(ctx, p))(t)
		for _, c := range cats {
			if c.Code == "roads" && c.DefaultUnitID != want {
				t.Errorf("%s sees default %d, want %d", p.RegionCode, c.DefaultUnitID, want)
			}
		}
	}
	if got := testkit.Must(store.DefaultLeadUnit(ctx, x.a.DB(), "roads", x.f.Town))(t); got != x.f.Lead {
		t.Errorf("default for a town of 定南: %d, want %d", got, x.f.Lead)
	}

	// The case view offers it to whoever may assign.
	c := testkit.Must(x.a.Intake(ctx, x.f.In[zhitong.RoleOfficer], app.IntakeInput{Body: "道路坑洼需要修补一下", CategoryCode: "roads",
		StationID: x.f.Station, Anonymous: true}))(t)
	if v := testkit.Must(x.a.Get(ctx, x.f.In[zhitong.RoleOfficer], c.ID))(t); v.DefaultLeadUnitID != x.f.Lead {
		t.Errorf("case view default lead unit %d, want %d", v.DefaultLeadUnitID, x.f.Lead)
	}

	// Retire: no longer offered at intake.
	testkit.WantCode(t, testkit.Err(x.s.RetireCategory(ctx, x.in, env.Code)), zhitong.EFORBIDDEN)
	testkit.Must(x.s.RetireCategory(ctx, sys, env.Code))(t)
	for _, cat := range testkit.Must(x.a.ActiveCategories(ctx))(t) {
		if cat.Code == env.Code {
			t.Error("retired category still offered")
		}
	}
	_, err = x.a.Intake(ctx, x.f.In[zhitong.RoleOfficer], app.IntakeInput{Body: "垃圾没人清理很久了", CategoryCode: env.Code, StationID: x.f.Station, Anonymous: true})
	testkit.WantCode(t, err, zhitong.EINVALID)

	if got := x.auditActions(t, "category:roads"); strings.Join(got, ",") != "category.update,category.default_unit,category.default_unit" {
		t.Errorf("audit of roads = %v", got)
	}
}

// recorder is an SMS driver that keeps what it was asked to send.
type recorder struct {
	mu   sync.Mutex
	sent []sms.Message
}

func (r *recorder) Name() string { return "recorder" }

func (r *recorder) Send(_ context.Context, m sms.Message) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent = append(r.sent, m)
	return "id", nil
}

func TestUnitGetsAssignmentBySMSOnce(t *testing.T) {
	x := setup(t)
	x.clk.Set(time.Date(2026, 12, 7, 2, 0, 0, 0, time.UTC)) // 10:00 in China, outside quiet hours
	u := testkit.Must(x.s.CreateUnit(ctx, x.in, admin.UnitInput{Name: "定南县城管局", Kind: admin.UnitDepartment, Region: x.f.County, Phone: "13907975555"}))(t)
	landline := testkit.Must(x.s.CreateUnit(ctx, x.in, admin.UnitInput{Name: "定南县文旅局", Kind: admin.UnitDepartment, Region: x.f.County, Phone: "0797-4285555"}))(t)
	officer := x.f.In[zhitong.RoleOfficer]
	for _, lead := range []int64{u.ID, landline.ID, x.f.Lead} {
		c := testkit.Must(x.a.Intake(ctx, officer, app.IntakeInput{Body: "占道经营影响通行需要整治", CategoryCode: "roads", StationID: x.f.Station, Anonymous: true}))(t)
		testkit.Must(x.a.Assign(ctx, officer, c.ID, app.AssignInput{LeadUnit: lead}))(t)
	}
	rec := &recorder{}
	for range 2 {
		testkit.Must(x.a.DeliverDue(ctx, app.Delivery{SMS: rec}))(t)
	}
	if len(rec.sent) != 1 || rec.sent[0].Phone != "13907975555" || rec.sent[0].Template != "unit.assigned" {
		t.Fatalf("sent %+v, want one unit.assigned to the unit's mobile", rec.sent)
	}
	var status, reason string
	if err := x.a.DB().QueryRow(ctx, `SELECT status, last_error FROM notifications WHERE recipient = ?`, "unit:"+itoa(landline.ID)).Scan(&status, &reason); err != nil {
		t.Fatal(err)
	}
	if status != "skipped" || !strings.Contains(reason, "固定电话") {
		t.Errorf("landline unit: %s %q, want skipped", status, reason)
	}
	var n int
	if err := x.a.DB().QueryRow(ctx, `SELECT COUNT(*) FROM notifications WHERE recipient = ?`, "unit:"+itoa(x.f.Lead)).Scan(&n); err != nil || n != 0 {
		t.Errorf("a unit without a phone got %d SMS rows (%v)", n, err)
	}
	// The deliveries page names the unit, with its phone masked.
	page := testkit.Must(x.a.Deliveries(ctx, x.in, app.DeliveriesInput{PageInput: app.PageInput{PerPage: 50}}))(t)
	found := false
	for _, r := range page.Items {
		if r.Template == "unit.assigned" && r.Channel == "sms" && r.Recipient == "定南县城管局 139****5555" {
			found = true
		}
	}
	if !found {
		t.Errorf("no unit SMS row named 定南县城管局 139****5555 among %+v", page.Items)
	}
}

func ptr[T any](v T) *T { return &v }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func hasRegion(list []zhitong.Region, code string) bool {
	for _, r := range list {
		if r.Code == code {
			return true
		}
	}
	return false
}

func codes(list []zhitong.Region) []string {
	var out []string
	for _, r := range list {
		out = append(out, r.Code)
	}
	return out
}
