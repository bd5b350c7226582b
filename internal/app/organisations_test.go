package app_test

import (
	"strings"
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

func TestOrganisationNamesLetters(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	letter := func(body string) string {
		t.Helper()
		c := assigned(t, a, f, body)
		testkit.Must(a.Supervise(ctx, f.In[zhitong.RoleOfficer], c.ID, app.SuperviseInput{Kind: "letter", Note: "请尽快办理"}))(t)
		letters := testkit.Must(store.ListLetters(ctx, a.DB(), c.ID))(t)
		if len(letters) != 1 {
			t.Fatalf("%d letters", len(letters))
		}
		return letters[0].Number
	}
	if _, ok, err := a.MainOrganisation(ctx); ok || err != nil {
		t.Fatalf("a main organisation before any: %v %v", ok, err)
	}
	if n := letter("农贸市场周边占道经营"); !strings.HasPrefix(n, "人大督〔") {
		t.Errorf("letter without an organisation: %s", n)
	}
	err := a.DB().Write(ctx, func(tx *store.Tx) error {
		return tx.InsertOrganisation(ctx, zhitong.Organisation{RegionCode: f.County, Name: "定南县人大常委会", CommitteeName: "定南县人大常委会代表工作委员会", ShortName: "定南人大", CreatedAt: a.Now()})
	})
	if err != nil {
		t.Fatal(err)
	}
	// The organisation's own 督办函 series (docs/documents.md): its short
	// name's first character + 人大督, numbered from 1.
	if n := letter("小区门口路灯不亮"); !strings.HasPrefix(n, "定人大督〔") || !strings.HasSuffix(n, "〕1号") {
		t.Errorf("letter of 定南: %s", n)
	}
	if o := testkit.Must(a.OrganisationFor(ctx, f.Town))(t); o.ShortName != "定南人大" {
		t.Errorf("organisation for the town: %+v", o)
	}
	if o, ok, _ := a.MainOrganisation(ctx); !ok || o.RegionCode != f.County {
		t.Errorf("main organisation: %+v %v", o, ok)
	}
	// A second, unrelated jurisdiction: no single main organisation.
	err = a.DB().Write(ctx, func(tx *store.Tx) error {
		return tx.InsertOrganisation(ctx, zhitong.Organisation{RegionCode: f.OtherCounty, Name: "龙南市人大常委会", CommitteeName: "龙南市人大常委会代表工作委员会", ShortName: "龙南人大", CreatedAt: a.Now()})
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := a.MainOrganisation(ctx); ok {
		t.Error("two unrelated jurisdictions have a main organisation")
	}
}
