package app_test

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"slices"
	"strings"
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// crossBorder seeds a third county and creates a station of the fixture's
// township and the other county; it returns the station and an officer of
// the third county. The city's committee creates it: it spans two counties.
func crossBorder(t *testing.T, a *app.App, f *testkit.Fixture) (*app.StationProfile, zhitong.Principal) {
	t.Helper()
	err := a.DB().Write(ctx, func(tx *store.Tx) error {
		return tx.UpsertRegion(ctx, zhitong.Region{Code: "360729", Name: "全南县", ParentCode: "3607", Level: 3})
	})
	if err != nil {
		t.Fatal(err)
	}
	sp := testkit.Must(a.CreateStation(ctx, cityCommittee(), app.StationInput{Name: "两县边界联络站", Kind: app.StationCrossBorder,
		Regions: []string{f.Town, f.OtherCounty}, Address: "定南县与龙南市交界处", Lat: 24.9, Lng: 115.0}))(t)
	third := zhitong.Principal{UserID: 7001, Name: "third-officer", Role: zhitong.RoleOfficer, RegionCode: "360729"}
	return sp, third
}

func stationIDs(rows []app.StationRow) []int64 {
	var out []int64
	for _, r := range rows {
		out = append(out, r.ID)
	}
	return out
}

func TestCrossBorderStationIsSeenByEachOfItsRegions(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	sp, third := crossBorder(t, a, f)
	if len(sp.Regions) != 2 || sp.Regions[0].Code != f.Town || sp.Regions[1].Code != f.OtherCounty {
		t.Fatalf("regions = %+v, want the township first, then the other county", sp.Regions)
	}
	inOfficer, outOfficer := f.In[zhitong.RoleOfficer], f.Out[zhitong.RoleOfficer]

	for name, p := range map[string]zhitong.Principal{"in": inOfficer, "out": outOfficer} {
		rows := testkit.Must(a.StationRows(ctx, p))(t)
		if !slices.Contains(stationIDs(rows), sp.ID) {
			t.Errorf("%s officer's station list %v lacks the cross-border station %d", name, stationIDs(rows), sp.ID)
		}
		if _, err := a.StaffStation(ctx, p, sp.ID); err != nil {
			t.Errorf("%s officer's station page: %v", name, err)
		}
		notice := "本周六流动接待 " + name
		if _, err := a.UpdateStation(ctx, p, sp.ID, app.StationPatch{Notice: &notice}); err != nil {
			t.Errorf("%s officer edits the bulletin: %v", name, err)
		}
	}
	if rows := testkit.Must(a.StationRows(ctx, third))(t); slices.Contains(stationIDs(rows), sp.ID) {
		t.Errorf("an officer of a third county lists the station")
	}
	_, err := a.StaffStation(ctx, third, sp.ID)
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
	notice := "越权"
	_, err = a.UpdateStation(ctx, third, sp.ID, app.StationPatch{Notice: &notice})
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
	_, _, err = a.SetStationDeputies(ctx, third, sp.ID, nil)
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)

	// The reference list by region finds it under either region, not the third.
	for prefix, want := range map[string]bool{f.Town: true, f.OtherCounty: true, "360729": false} {
		list := testkit.Must(a.Stations(ctx, prefix))(t)
		got := slices.ContainsFunc(list, func(s zhitong.Station) bool { return s.ID == sp.ID })
		if got != want {
			t.Errorf("Stations(%s) has the station = %v, want %v", prefix, got, want)
		}
	}

	// A case taken in at the station by the other county's officer belongs
	// to the other county, so they keep seeing it; the third county's officer may not.
	c := testkit.Must(a.Intake(ctx, outOfficer, app.IntakeInput{Body: "边界道路的路灯坏了很久", CategoryCode: "roads", StationID: sp.ID, Anonymous: true}))(t)
	if c.RegionCode != f.OtherCounty || c.StationID != sp.ID {
		t.Errorf("case region %s station %d, want %s and %d", c.RegionCode, c.StationID, f.OtherCounty, sp.ID)
	}
	if _, err := a.Get(ctx, outOfficer, c.ID); err != nil {
		t.Errorf("the officer who took the case in cannot view it: %v", err)
	}
	_, err = a.Intake(ctx, third, app.IntakeInput{Body: "边界道路的路灯坏了很久", CategoryCode: "roads", StationID: sp.ID, Anonymous: true})
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)

	// A duty record at the station, by the other county's officer, of a
	// deputy posted there.
	day := a.Now().In(zhitong.China).Format(time.DateOnly)
	if err := a.DB().Write(ctx, func(tx *store.Tx) error { return tx.SetStationDeputies(ctx, sp.ID, []int64{f.OtherDeputy}) }); err != nil {
		t.Fatal(err)
	}
	rec, err := a.CreateRecord(ctx, outOfficer, app.RecordInput{Kind: zhitong.RecordReception, Day: day, StationID: sp.ID, DeputyIDs: []int64{f.OtherDeputy}, Visitors: 3})
	if err != nil {
		t.Fatalf("record at the cross-border station: %v", err)
	}
	if rec.RegionCode != f.OtherCounty {
		t.Errorf("record region %s, want %s", rec.RegionCode, f.OtherCounty)
	}
	if _, err := a.Record(ctx, outOfficer, rec.ID); err != nil {
		t.Errorf("the officer cannot read back their record: %v", err)
	}
}

func TestStationValidationAndPermissions(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	committee := f.In[zhitong.RoleCommittee]
	ok := app.StationInput{Name: "新建联络站", Kind: app.StationFixed, Region: f.Town, Hours: "周一至周五", Theme: "法治宣传"}
	tests := []struct {
		name  string
		edit  func(in *app.StationInput)
		field string
	}{
		{"short name", func(in *app.StationInput) { in.Name = "站" }, "name"},
		{"taken name", func(in *app.StationInput) { in.Name = "历市镇人大代表联络站" }, "name"},
		{"bad kind", func(in *app.StationInput) { in.Kind = "tent" }, "kind"},
		{"no region", func(in *app.StationInput) { in.Region = "" }, "region"},
		{"unknown region", func(in *app.StationInput) { in.Region = "999999" }, "region"},
		{"region outside", func(in *app.StationInput) { in.Region = f.OtherCounty }, "region"},
		{"cross-border with one region", func(in *app.StationInput) { in.Kind = app.StationCrossBorder }, "regions"},
		{"cross-border with an unknown region", func(in *app.StationInput) {
			in.Kind, in.Regions = app.StationCrossBorder, []string{f.Town, "999999"}
		}, "regions"},
		{"point outside China", func(in *app.StationInput) { in.Lat, in.Lng = 48.85, 2.35 }, "lng"},
		{"latitude outside China", func(in *app.StationInput) { in.Lat, in.Lng = 60, 115 }, "lat"},
		{"long hours", func(in *app.StationInput) { in.Hours = strings.Repeat("时", 101) }, "hours"},
		{"long theme", func(in *app.StationInput) { in.Theme = strings.Repeat("品", 51) }, "theme"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := ok
			tt.edit(&in)
			_, err := a.CreateStation(ctx, committee, in)
			testkit.WantCode(t, err, zhitong.EINVALID)
			if got := zhitong.ErrorField(err); got != tt.field {
				t.Errorf("field = %q, want %q (%v)", got, tt.field, err)
			}
		})
	}
	n := len(testkit.Must(a.Stations(ctx, ""))(t))
	if n != 2 {
		t.Fatalf("%d stations after refused creations, want the fixture's 2", n)
	}
	_, err := a.CreateStation(ctx, f.In[zhitong.RoleOfficer], ok)
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
	_, err = a.CreateStation(ctx, f.In[zhitong.RoleUnit], ok)
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
	sp := testkit.Must(a.CreateStation(ctx, committee, ok))(t)

	// The head of the fixture station edits its basics, not its kind or
	// another station; the other county's committee not at all.
	head := f.In[zhitong.RoleStationHead]
	hours := "每周二、周五上午"
	if _, err := a.UpdateStation(ctx, head, f.Station, app.StationPatch{Hours: &hours}); err != nil {
		t.Errorf("station head edits hours: %v", err)
	}
	kind := app.StationMobile
	_, err = a.UpdateStation(ctx, head, f.Station, app.StationPatch{Kind: &kind})
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
	_, err = a.UpdateStation(ctx, head, sp.ID, app.StationPatch{Hours: &hours})
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
	_, err = a.UpdateStation(ctx, f.Out[zhitong.RoleCommittee], sp.ID, app.StationPatch{Hours: &hours})
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
	_, err = a.UpdateStation(ctx, f.In[zhitong.RoleOfficer], sp.ID, app.StationPatch{Hours: &hours})
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
	if got := testkit.Must(a.UpdateStation(ctx, committee, sp.ID, app.StationPatch{Kind: &kind}))(t); got.Kind != app.StationMobile || got.KindName != "流动联络点" {
		t.Errorf("kind = %s %s, want mobile", got.Kind, got.KindName)
	}

	entries := testkit.Must(store.ListAuditFiltered(ctx, a.DB(), storeQuery("station:"+itoa(sp.ID))))(t)
	var actions []string
	for _, e := range entries {
		actions = append(actions, e.Action)
	}
	if !slices.Equal(actions, []string{"station.create", "station.update"}) {
		t.Errorf("audit of the new station = %v, want create then update", actions)
	}
}

func TestDeputiesAtSeveralStations(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	committee := f.In[zhitong.RoleCommittee]
	second := testkit.Must(a.CreateStation(ctx, committee, app.StationInput{Name: "历市镇流动联络点", Kind: app.StationMobile, Region: f.Town}))(t)
	sp := testkit.First(testkit.Must2(a.SetStationDeputies(ctx, f.In[zhitong.RoleOfficer], second.ID, []int64{f.Deputy}))(t))
	if len(sp.Deputies) != 1 || sp.Deputies[0].ID != f.Deputy {
		t.Fatalf("deputies of the second station = %+v", sp.Deputies)
	}
	for _, id := range []int64{f.Station, second.ID} {
		list := testkit.Must(a.StationDeputies(ctx, id))(t)
		if len(list) != 1 || list[0].ID != f.Deputy {
			t.Errorf("station %d deputies = %+v, want the fixture deputy", id, list)
		}
	}
	dp := testkit.Must(a.PublicDeputy(ctx, f.Deputy))(t)
	if dp.StationID != f.Station || !slices.Equal(dp.StationIDs, []int64{f.Station, second.ID}) {
		t.Errorf("deputy stations = %d %v, want primary %d of both", dp.StationID, dp.StationIDs, f.Station)
	}
	if dp.Account != nil {
		t.Errorf("the public profile shows the account %+v", dp.Account)
	}
	// Another county's deputy cannot be posted here.
	_, _, err := a.SetStationDeputies(ctx, committee, second.ID, []int64{f.Deputy, f.OtherDeputy})
	testkit.WantCode(t, err, zhitong.EINVALID)

	// Taking the deputy off the primary station makes the other one primary.
	testkit.First(testkit.Must2(a.SetStationDeputies(ctx, committee, f.Station, nil))(t))
	if d := testkit.Must(a.PublicDeputy(ctx, f.Deputy))(t); d.StationID != second.ID || !slices.Equal(d.StationIDs, []int64{second.ID}) {
		t.Errorf("after removal: primary %d stations %v, want %d", d.StationID, d.StationIDs, second.ID)
	}

	// Profile edits: levels are checked and ordered, the deputy may edit only their pledge.
	levels := []string{"township", "county"}
	d := testkit.Must(a.UpdateDeputy(ctx, committee, f.Deputy, app.DeputyPatch{Levels: &levels, StationIDs: &[]int64{f.Station, second.ID}}))(t)
	if !slices.Equal(d.Levels, []string{"county", "township"}) || d.LevelText != "县、乡镇人大代表" || d.StationID != second.ID || len(d.StationIDs) != 2 {
		t.Errorf("levels %v %q primary %d", d.Levels, d.LevelText, d.StationID)
	}
	bad := []string{"village"}
	_, err = a.UpdateDeputy(ctx, committee, f.Deputy, app.DeputyPatch{Levels: &bad})
	testkit.WantCode(t, err, zhitong.EINVALID)
	pledge := "每月进站接待不少于一次"
	self := f.In[zhitong.RoleDeputy]
	if d := testkit.Must(a.UpdateDeputy(ctx, self, f.Deputy, app.DeputyPatch{Pledge: &pledge}))(t); d.Pledge != pledge {
		t.Errorf("pledge = %q", d.Pledge)
	}
	name := "改名"
	_, err = a.UpdateDeputy(ctx, self, f.Deputy, app.DeputyPatch{Name: &name})
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
	_, err = a.UpdateDeputy(ctx, f.Out[zhitong.RoleOfficer], f.Deputy, app.DeputyPatch{Pledge: &pledge})
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)

	created := testkit.Must(a.CreateDeputy(ctx, committee, app.DeputyInput{Name: "王代表", Levels: []string{"township"}, Region: f.Town,
		Constituency: "历市镇第三选区", StationIDs: []int64{second.ID}}))(t)
	if created.StationID != second.ID || created.Constituency != "历市镇第三选区" {
		t.Errorf("created deputy %+v", created)
	}
	_, err = a.CreateDeputy(ctx, committee, app.DeputyInput{Name: "李代表", Levels: []string{"county"}, Region: f.Town, StationIDs: []int64{f.OtherStation}})
	testkit.WantCode(t, err, zhitong.EINVALID)
	// The station head posts a deputy of their region to their own station, not to another.
	unposted := testkit.Must(a.CreateDeputy(ctx, committee, app.DeputyInput{Name: "赵代表", Levels: []string{"township"}, Region: f.Town}))(t)
	head := f.In[zhitong.RoleStationHead]
	if sp := testkit.First(testkit.Must2(a.SetStationDeputies(ctx, head, f.Station, []int64{f.Deputy, unposted.ID}))(t)); len(sp.Deputies) != 2 {
		t.Errorf("head's station deputies = %+v", sp.Deputies)
	}
	_, _, err = a.SetStationDeputies(ctx, head, second.ID, []int64{unposted.ID})
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
	entries := testkit.Must(store.ListAuditFiltered(ctx, a.DB(), storeQuery("station:"+itoa(second.ID))))(t)
	if len(entries) != 2 || entries[1].Action != "station.deputies" {
		t.Errorf("audit of the second station: %+v", entries)
	}
}

// exifJPEG is a small real JPEG with an Exif segment carrying a GPS marker.
func exifJPEG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for x := range 8 {
		for y := range 8 {
			img.Set(x, y, color.RGBA{200, uint8(y * 30), 40, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	payload := append([]byte("Exif\x00\x00MM\x00\x2A\x00\x00\x00\x08"), []byte("GPSLatitude=25.0N;GPSLongitude=115.0E")...)
	seg := []byte{0xFF, 0xE1, byte((len(payload) + 2) >> 8), byte(len(payload) + 2)}
	b := buf.Bytes()
	out := append(append(append([]byte{}, b[:2]...), seg...), payload...)
	return append(out, b[2:]...)
}

func TestDeputyPhotoIsCheckedAndStripped(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	officer := f.In[zhitong.RoleOfficer]
	for name, data := range map[string][]byte{
		"text named as an image": []byte("<?php echo 'not an image'; ?>"),
		"empty":                  nil,
		"too big":                append([]byte{0xFF, 0xD8, 0xFF}, make([]byte, app.MaxDeputyPhotoBytes)...),
	} {
		_, err := a.SetDeputyPhoto(ctx, officer, f.Deputy, data)
		testkit.WantCode(t, err, zhitong.EINVALID)
		if zhitong.ErrorField(err) != "photo" {
			t.Errorf("%s: field %q", name, zhitong.ErrorField(err))
		}
	}
	raw := exifJPEG(t)
	dp := testkit.Must(a.SetDeputyPhoto(ctx, officer, f.Deputy, raw))(t)
	if !strings.HasPrefix(dp.PhotoURL, "/deputies/"+itoa(f.Deputy)+"/photo?v=") {
		t.Errorf("photo url %q", dp.PhotoURL)
	}
	ph := testkit.Must(a.DeputyPhoto(ctx, f.Deputy))(t)
	if ph.ContentType != "image/jpeg" || bytes.Contains(ph.Data, []byte("GPSLatitude")) || bytes.Contains(ph.Data, []byte("Exif")) {
		t.Errorf("stored photo %s keeps its Exif", ph.ContentType)
	}
	if _, err := jpeg.Decode(bytes.NewReader(ph.Data)); err != nil {
		t.Errorf("stored photo no longer decodes: %v", err)
	}
	_, err := a.SetDeputyPhoto(ctx, f.Out[zhitong.RoleOfficer], f.Deputy, raw)
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
	if err := a.DeleteDeputyPhoto(ctx, officer, f.Deputy); err != nil {
		t.Fatal(err)
	}
	_, err = a.DeputyPhoto(ctx, f.Deputy)
	testkit.WantCode(t, err, zhitong.ENOTFOUND)
	entries := testkit.Must(store.ListAuditFiltered(ctx, a.DB(), storeQuery("deputy:"+itoa(f.Deputy))))(t)
	if len(entries) != 2 || entries[0].Action != "deputy.photo" || entries[1].Action != "deputy.photo_delete" {
		t.Errorf("audit: %+v", entries)
	}
}

func TestDeputyAccountLink(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	committee := f.In[zhitong.RoleCommittee]
	_, err := a.LinkDeputyAccount(ctx, f.In[zhitong.RoleOfficer], f.Deputy, app.AccountInput{Username: "liu.daibiao", Password: "Deputy-Passw0rd"})
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
	_, err = a.LinkDeputyAccount(ctx, committee, f.Deputy, app.AccountInput{Username: "刘", Password: "Deputy-Passw0rd"})
	testkit.WantCode(t, err, zhitong.EINVALID)
	dp := testkit.Must(a.LinkDeputyAccount(ctx, committee, f.Deputy, app.AccountInput{Username: "liu.daibiao", Password: "Deputy-Passw0rd"}))(t)
	if dp.Account == nil || dp.Account.Username != "liu.daibiao" {
		t.Fatalf("account = %+v", dp.Account)
	}
	u := testkit.Must(a.Login(ctx, "liu.daibiao", "Deputy-Passw0rd", "127.0.0.1"))(t)
	if u.Role != zhitong.RoleDeputy || u.DeputyID != f.Deputy || u.RegionCode != f.Town {
		t.Errorf("new account %+v", u)
	}
	// An account already linked to another deputy cannot be taken over.
	other := testkit.Must(a.AddUser(ctx, app.System, app.UserInput{Username: "chen.daibiao", Role: zhitong.RoleDeputy, RegionCode: f.OtherCounty,
		DeputyID: f.OtherDeputy, Password: "Deputy-Passw0rd"}))(t)
	_, err = a.LinkDeputyAccount(ctx, committee, f.Deputy, app.AccountInput{UserID: other.ID})
	testkit.WantCode(t, err, zhitong.EINVALID)
	// A second new account replaces the first, which is disabled.
	testkit.Must(a.LinkDeputyAccount(ctx, committee, f.Deputy, app.AccountInput{Username: "liu2", Password: "Deputy-Passw0rd"}))(t)
	old := testkit.Must(store.GetUserByName(ctx, a.DB(), "liu.daibiao"))(t)
	if !old.Disabled || old.DeputyID != 0 {
		t.Errorf("replaced account: disabled %v deputy %d", old.Disabled, old.DeputyID)
	}
	entries := testkit.Must(store.ListAuditFiltered(ctx, a.DB(), storeQuery("deputy:"+itoa(f.Deputy))))(t)
	if len(entries) != 2 || entries[0].Action != "deputy.account" {
		t.Errorf("audit: %+v", entries)
	}
}

func TestCrossBorderStationDaysAndBookingsForEachRegion(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	sp, third := crossBorder(t, a, f)
	rules := []zhitong.ReceptionRule{{Kind: zhitong.RuleWeekday, Weekday: 2, Holidays: zhitong.HolidayKeep}}
	for name, p := range map[string]zhitong.Principal{"in": f.In[zhitong.RoleOfficer], "out": f.Out[zhitong.RoleOfficer]} {
		if _, err := a.SetReceptionRules(ctx, p, sp.ID, rules, nil); err != nil {
			t.Errorf("%s officer sets the reception days: %v", name, err)
		}
		set := testkit.Must(a.AppointmentSettings(ctx, sp.ID))(t)
		if _, err := a.SetAppointmentSettings(ctx, p, sp.ID, set); err != nil {
			t.Errorf("%s officer saves the booking settings: %v", name, err)
		}
	}
	testkit.WantCode(t, testkit.Err(a.SetReceptionRules(ctx, third, sp.ID, rules, nil)), zhitong.EFORBIDDEN)
	_, err := a.SetAppointmentSettings(ctx, third, sp.ID, testkit.Must(a.AppointmentSettings(ctx, sp.ID))(t))
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
}
