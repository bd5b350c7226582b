package dups_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/dups"
	"zhitong/internal/testkit"
)

var ctx = context.Background()

func submit(t *testing.T, a *app.App, region, body, name string) *zhitong.Case {
	t.Helper()
	return testkit.Must(a.Submit(ctx, zhitong.Citizen, app.IntakeInput{Body: body, RegionCode: region, Name: name, Phone: "139 0797 1234", Place: "历市镇"}))(t)
}

// A case's likely duplicates come from its area and window only, best
// first; staff who may merge see them and merge in one step; citizens see
// no personal data; other counties see nothing.
func TestDuplicatesOfACase(t *testing.T) {
	a, clock := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	svc := dups.New(a)
	officer := f.In[zhitong.RoleOfficer]

	old := submit(t, a, f.Town, "渡江路农商银行门口有个大坑，下雨积水，电动车摔了好几次，请修补路面。", "王小明")
	clock.Advance(10 * 7 * 24 * time.Hour) // out of the window
	first := submit(t, a, f.Town, "农商银行前面的渡江路路面塌了一个坑，晚上看不见，已经有人骑车摔倒。", "王小明")
	other := submit(t, a, f.Town, "渡江路从菜市场到汽车站一段路灯不亮，晚上黑漆漆的。", "李小红")
	elsewhere := submit(t, a, f.OtherCounty, "渡江路银行门口路面坑洼，一下雨就是一滩水，骑电动车很危险，希望尽快补坑。", "张三")
	clock.Advance(time.Hour)
	second := submit(t, a, f.Town, "渡江路银行门口路面坑洼，一下雨就是一滩水，骑电动车很危险，希望尽快补坑。", "赵四")

	got := testkit.Must(svc.ForCase(ctx, officer, second.ID))(t)
	if len(got) != 1 || got[0].ID != first.ID || got[0].Score < dups.Threshold {
		t.Fatalf("duplicates of %d = %+v (old %d, other %d, elsewhere %d)", second.ID, got, old.ID, other.ID, elsewhere.ID)
	}
	// The same for a draft at the walk-in desk.
	got = testkit.Must(svc.ForDraft(ctx, officer, dups.Draft{Region: f.Town, Body: "渡江路农商银行门口路面有坑，电动车摔倒"}))(t)
	if len(got) != 2 {
		t.Fatalf("draft duplicates = %+v", got)
	}
	// Out of the jurisdiction: not the case, not its neighbours.
	if _, err := svc.ForCase(ctx, f.Out[zhitong.RoleOfficer], second.ID); err == nil {
		t.Fatal("other county saw the duplicates of a case")
	}
	if got, err := svc.ForDraft(ctx, f.Out[zhitong.RoleOfficer], dups.Draft{Region: f.Town, Body: "渡江路农商银行门口路面有坑"}); zhitong.ErrorCode(err) != zhitong.EINVALID {
		t.Fatalf("other county's draft: %+v, %v", got, err)
	}
	// A role that cannot merge is refused.
	if _, err := svc.ForCase(ctx, f.In[zhitong.RoleUnit], second.ID); zhitong.ErrorCode(err) != zhitong.EFORBIDDEN {
		t.Fatalf("unit: err = %v", err)
	}
	// Citizens: status and area, no name, no unconfirmed title.
	pub := testkit.Must(svc.Public(ctx, dups.Draft{Region: f.Town, Body: "渡江路农商银行门口路面有坑，电动车摔倒"}))(t)
	if len(pub) != 2 || pub[0].StatusLabel == "" || pub[0].RegionName != "历市镇" || pub[0].Title != "" {
		t.Fatalf("public = %+v", pub)
	}
	for _, p := range pub {
		if s := p.Title + p.RegionName + p.StatusLabel; strings.Contains(s, "王") || strings.Contains(s, "139") {
			t.Fatalf("public match leaks: %+v", p)
		}
	}
	// One-click merge is the existing merge; a merged case is no candidate.
	testkit.Must(a.Merge(ctx, officer, second.ID, app.MergeInput{Into: first.ID, Version: second.Version}))(t)
	if got := testkit.Must(svc.ForCase(ctx, officer, first.ID))(t); len(got) != 0 {
		t.Fatalf("after merge = %+v", got)
	}
	// Bad drafts are a Chinese 4xx.
	for _, d := range []dups.Draft{{Region: "", Body: "x"}, {Region: "36x", Body: "x"}, {Region: "360799", Body: "x"}, {Region: f.Town}} {
		if _, err := svc.Public(ctx, d); zhitong.ErrorCode(err) != zhitong.EINVALID {
			t.Fatalf("draft %+v: err = %v", d, err)
		}
	}
}

// The structured signals: of two cases with the same text, the one from
// the draft's own village ranks above the one from another village of the
// township (OtherPlacePenalty); the draft's station and category are
// checked like any reference.
func TestDuplicatesSignals(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	svc := dups.New(a)
	officer := f.In[zhitong.RoleOfficer]
	v1, v2 := f.Town+"201", f.Town+"202"
	for code, name := range map[string]string{v1: "清源村民委员会", v2: "石门村民委员会"} {
		if _, err := a.DB().Exec(ctx, `INSERT INTO regions (code, name, parent_code, level) VALUES (?, ?, ?, 5)`, code, name, f.Town); err != nil {
			t.Fatal(err)
		}
	}
	body := "村口垃圾池好多天没人清运，臭气熏天，苍蝇很多。"
	there := submit(t, a, v2, body, "王小明")
	here := submit(t, a, v1, body, "李小红")
	got := testkit.Must(svc.ForDraft(ctx, officer, dups.Draft{Region: v1, Body: "村口的垃圾池满了没人拉走，很臭", Category: "environment", Station: f.Station}))(t)
	if len(got) != 2 || got[0].ID != here.ID || got[1].ID != there.ID || got[0].Score <= got[1].Score {
		t.Fatalf("draft in %s: %+v (here %d, there %d)", v1, got, here.ID, there.ID)
	}
	// From the township only: the two are alike.
	got = testkit.Must(svc.ForDraft(ctx, officer, dups.Draft{Region: f.Town, Body: "村口的垃圾池满了没人拉走，很臭"}))(t)
	if len(got) != 2 || got[0].Score != got[1].Score {
		t.Fatalf("draft in the township: %+v", got)
	}
	// Another county's station, an unknown one, a bad category: 4xx.
	for _, d := range []dups.Draft{
		{Region: f.Town, Body: body, Station: f.OtherStation},
		{Region: f.Town, Body: body, Station: -1},
		{Region: f.Town, Body: body, Category: strings.Repeat("x", 65)},
	} {
		if _, err := svc.ForDraft(ctx, officer, d); zhitong.ErrorCode(err) != zhitong.EINVALID {
			t.Fatalf("draft %+v: err = %v", d, err)
		}
	}
	if _, err := svc.Public(ctx, dups.Draft{Region: f.Town, Body: body, Station: 999999}); zhitong.ErrorCode(err) != zhitong.EINVALID {
		t.Fatalf("public draft with an unknown station: err = %v", err)
	}
	pub := testkit.Must(svc.Public(ctx, dups.Draft{Region: v1, Body: body, Station: f.Station}))(t)
	if len(pub) != 2 || pub[0].Score <= pub[1].Score {
		t.Fatalf("public = %+v", pub)
	}
}
