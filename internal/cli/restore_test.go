package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"zhitong"
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
	for _, v := range []string{pii.KeyEnv, pii.OldKeyEnv} {
		t.Setenv(v, "")
		os.Unsetenv(v)
	}
	ctx := context.Background()
	dsn := testkit.DSN(t)
	key := filepath.Join(t.TempDir(), "zhitong.key")
	db := testkit.Must(store.Open(ctx, dsn))(t)
	defer db.Close()
	testkit.Must(db.Migrate(ctx))(t)
	res := testkit.Must(keys.Open(ctx, db, keys.Source{KeyFile: key, Create: true}))(t)
	a := testkit.Must(app.New(ctx, app.Config{DB: db, Clock: testkit.NewClock(testkit.Start), Sealer: res.Sealer}))(t)
	f := testkit.Seed(t, a)
	for i := range 5 {
		testkit.Must(a.Submit(ctx, zhitong.Citizen, app.IntakeInput{Body: "村口的路灯坏了很久了", StationID: f.Station,
			Name: "王小明", Phone: "1390797123" + string(rune('0'+i)), IDCard: "11010519491231002X", Address: "历市镇某村3组"}))(t)
	}
	testkit.OpenBooking(t, a, f, 5)
	testkit.Must(a.Book(ctx, app.BookingInput{StationID: f.Station, DeputyID: f.Deputy, Day: testkit.BookingDay, Period: zhitong.PeriodMorning,
		Topic: "想当面反映自来水问题", Name: "李四", Phone: "13907971230", Consent: true}))(t)
	if err := a.OptOutPhone(ctx, f.In[zhitong.RoleOfficer], "13907971231"); err != nil {
		t.Fatal(err)
	}

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
	// 5 cases × 4 fields, a booking's name and phone, an opt-out's phone.
	if !strings.Contains(out, "every sealed field opens: 23") {
		t.Errorf("drill did not open the 23 sealed values:\n%s", out)
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
