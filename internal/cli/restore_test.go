package cli

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"zhitong/internal/app"
	"zhitong/internal/keys"
	"zhitong/internal/pii"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// TestRestoreDrill: on a deployment with cases (sealed names, phones, ID
// numbers, addresses, a photo), a booking, an opt-out and sealed unit and
// deputy phones, `zhitong restore-drill` backs up, restores into a new
// database (a new SQLite file; a new PostgreSQL database via pg_dump and
// pg_restore), verifies the audit chain and opens every sealed field. With
// another key, or a broken audit chain, it fails and says why.
func TestRestoreDrill(t *testing.T) {
	testkit.NoKeyEnv(t)
	ctx := context.Background()
	dsn := testkit.DSN(t)
	key := filepath.Join(t.TempDir(), "zhitong.key")
	db := testkit.Must(store.Open(ctx, dsn))(t)
	defer db.Close()
	testkit.Must(db.Migrate(ctx))(t)
	res := testkit.Must(keys.Open(ctx, db, keys.Source{KeyFile: key, Create: true}))(t)
	a := testkit.Must(app.New(ctx, app.Config{DB: db, Clock: testkit.NewClock(testkit.Start), Sealer: res.Sealer}))(t)
	f := testkit.Seed(t, a)
	testkit.SealEverything(t, a, f, 5)

	drill := func(args ...string) (int, string) {
		t.Helper()
		var out, errs bytes.Buffer
		env := Env{Stdout: &out, Stderr: &errs, Getenv: func(string) string { return "" }, Clock: testkit.NewClock(testkit.Start)}
		code := Run(ctx, env, append([]string{"restore-drill", "--db", dsn}, args...))
		return code, out.String() + errs.String()
	}
	code, out := drill("--key-file", key)
	if code != 0 || !strings.Contains(out, "恢复演练通过") || !strings.Contains(out, "审计日志完好") || !strings.Contains(out, "cases.phone_enc") {
		t.Fatalf("drill: exit %d\n%s", code, out)
	}
	// Every sealed value SealEverything wrote (one at least in each column
	// of store.SealedColumns) opens in the restored copy: the drill counts
	// what the source database holds.
	want := 0
	for _, c := range store.SealedColumns {
		var n int
		testkit.Must(0, db.QueryRow(ctx, `SELECT COUNT(*) FROM `+c.Table+` WHERE `+c.Column+` IS NOT NULL AND `+c.Column+` <> ''`).Scan(&n))(t)
		want += n
	}
	if want < len(store.SealedColumns) || !strings.Contains(out, fmt.Sprintf("every sealed field opens: %d ", want)) {
		t.Errorf("drill did not open the %d sealed values:\n%s", want, out)
	}
	// Another key: refused before anything is copied.
	other := filepath.Join(t.TempDir(), "other.key")
	testkit.Must(pii.CreateKeyFile(other))(t)
	if code, out := drill("--key-file", other); code == 0 || !strings.Contains(out, "密钥与数据库不符") {
		t.Errorf("drill with another key: exit %d\n%s", code, out)
	}
	// A given backup that is not there.
	if code, out := drill("--key-file", key, "--backup", filepath.Join(t.TempDir(), "none")); code == 0 || !strings.Contains(out, "备份文件") {
		t.Errorf("drill of a missing backup: exit %d\n%s", code, out)
	}
	// A sealed value corrupted in the database: the drill names it.
	if _, err := db.Exec(ctx, `UPDATE cases SET address_enc = 'v1:AAAA' WHERE id = (SELECT MIN(id) FROM cases)`); err != nil {
		t.Fatal(err)
	}
	if code, out := drill("--key-file", key); code == 0 || !strings.Contains(out, "cases.address_enc") {
		t.Errorf("drill over a corrupted value: exit %d\n%s", code, out)
	}
}
