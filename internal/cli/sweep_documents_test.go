package cli

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/pii"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// TestSweepIssuesTheLetters: `zhitong sweep` (outside the server) issues
// the 督办函 document of every escalation letter it numbers, as the
// server's sweep does.
func TestSweepIssuesTheLetters(t *testing.T) {
	ctx := context.Background()
	k := openCounty(t)
	a, clock, dsn, key, committee, town, category, closeDB := k.a, k.clock, k.dsn, k.key, k.committee, k.town, k.category, k.close
	a.SetHooks("documents", app.Hooks{}) // the case is assigned without documents; the sweep must issue its own
	u := &zhitong.Unit{Name: "龙南市住房和城乡建设局", Kind: "department", RegionCode: "360783"}
	if err := a.DB().Write(ctx, func(tx *store.Tx) error { return tx.InsertUnit(ctx, u) }); err != nil {
		t.Fatal(err)
	}
	c := testkit.Must(a.Submit(ctx, zhitong.Citizen, app.IntakeInput{Body: "小区路灯不亮", RegionCode: town, Name: "王小明", Phone: "139 0797 1234"}))(t)
	testkit.Must(a.Register(ctx, committee, c.ID, app.RegisterInput{CategoryCode: category, Title: "小区路灯不亮"}))(t)
	testkit.Must(a.Assign(ctx, committee, c.ID, app.AssignInput{LeadUnit: u.ID, Days: 1}))(t)
	closeDB()

	var out, errs bytes.Buffer
	env := Env{Stdout: &out, Stderr: &errs, Getenv: func(string) string { return "" }, Clock: clock}
	if code := Run(ctx, env, []string{"sweep", "--db", dsn, "--key-file", key, "--at", "2026-12-14", "--force"}); code != 0 {
		t.Fatalf("sweep: exit %d, %s%s", code, out.String(), errs.String())
	}
	db := testkit.Must(store.Open(ctx, dsn))(t)
	defer db.Close()
	var letters, docs int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM supervision_letters`).Scan(&letters); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM documents WHERE kind = 'supervise' AND source LIKE 'letter:%'`).Scan(&docs); err != nil {
		t.Fatal(err)
	}
	if letters == 0 || docs != letters {
		t.Fatalf("the sweep numbered %d letters and issued %d 督办函 documents (%s)", letters, docs, strings.TrimSpace(out.String()))
	}
}

// county is a database opened as the commands open it (dbFlags.open, with
// every area's hooks) and set up as zhitong init sets up 龙南市: its
// committee, a township and a category.
type county struct {
	a              *app.App
	close          func()
	dsn, key       string
	clock          *testkit.Clock
	committee      zhitong.Principal
	town, category string
}

func openCounty(t *testing.T) *county {
	t.Helper()
	ctx := context.Background()
	k := &county{dsn: testkit.DSN(t), key: filepath.Join(t.TempDir(), "zhitong.key"), clock: testkit.NewClock(testkit.Start)}
	testkit.Must(pii.CreateKeyFile(k.key))(t)
	d := dbFlags{db: k.dsn, keyFile: k.key}
	var logs bytes.Buffer
	a, closeDB, err := d.open(ctx, Env{Stderr: &logs, Getenv: func(string) string { return "" }, Clock: k.clock}, nil)
	if err != nil {
		t.Fatal(err)
	}
	k.a, k.close = a, closeDB
	res := testkit.SetUp(t, a, "360783")
	k.committee = testkit.Principal(t, a, res, zhitong.RoleCommittee)
	if err := a.DB().QueryRow(ctx, `SELECT code FROM regions WHERE parent_code = '360783' ORDER BY code LIMIT 1`).Scan(&k.town); err != nil {
		t.Fatal(err)
	}
	if err := a.DB().QueryRow(ctx, `SELECT code FROM categories ORDER BY code LIMIT 1`).Scan(&k.category); err != nil {
		t.Fatal(err)
	}
	return k
}
