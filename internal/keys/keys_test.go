package keys_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/keys"
	"zhitong/internal/pii"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

func keyFile(t *testing.T) (string, []byte) {
	path := filepath.Join(t.TempDir(), "k.key")
	return path, testkit.Must(pii.CreateKeyFile(path))(t)
}

// TestOneKeyPerDatabase: the first key is recorded; another key, no key,
// or the old key of a rotation are refused with a message saying what to
// do, and no key file appears beside a database that has data.
func TestOneKeyPerDatabase(t *testing.T) {
	testkit.NoKeyEnv(t)
	ctx := context.Background()
	db := testkit.MustDB(t)
	dir := t.TempDir()
	first := filepath.Join(dir, "zhitong.key")

	// A command that may not create a key refuses on a new database too.
	if _, err := keys.Open(ctx, db, keys.Source{KeyFile: first}); !errors.Is(err, keys.ErrNoKey) {
		t.Fatalf("no key, no Create: %v, want ErrNoKey", err)
	}
	if _, err := os.Stat(first); err == nil {
		t.Fatal("a command without Create made a key file")
	}
	res := testkit.Must(keys.Open(ctx, db, keys.Source{KeyFile: first, Create: true}))(t)
	if res.Created != first || res.Sealer == nil {
		t.Fatalf("new database: %+v", res)
	}
	// Data sealed under it.
	a := testkit.AppOn(t, db, testkit.NewClock(testkit.Start))
	_ = a
	testkit.Must(keys.Open(ctx, db, keys.Source{KeyFile: first}))(t)

	other, _ := keyFile(t)
	_, err := keys.Open(ctx, db, keys.Source{KeyFile: other, Create: true})
	if !errors.Is(err, keys.ErrWrongKey) || !strings.Contains(err.Error(), "ZHITONG_KEY") || !strings.Contains(err.Error(), "does not match") {
		t.Fatalf("another key: %v", err)
	}
	// Another directory, no key: refused, nothing created, even for serve.
	stray := filepath.Join(t.TempDir(), "zhitong.key")
	if _, err := keys.Open(ctx, db, keys.Source{KeyFile: stray, Create: true}); !errors.Is(err, keys.ErrNoKey) || !strings.Contains(err.Error(), "--key-file") {
		t.Fatalf("no key beside a database with a key: %v", err)
	}
	if _, err := os.Stat(stray); err == nil {
		t.Fatal("a stray key file was created beside a database that has a key")
	}
	// Optional commands run without a key but refuse a wrong one.
	if r, err := keys.Open(ctx, db, keys.Source{KeyFile: stray, Optional: true}); err != nil || r.Sealer != nil {
		t.Fatalf("optional without key: %v", err)
	}
	if _, err := keys.Open(ctx, db, keys.Source{KeyFile: other, Optional: true}); !errors.Is(err, keys.ErrWrongKey) {
		t.Fatalf("optional with a wrong key: %v", err)
	}
	// ZHITONG_KEY wins over the file, and is checked the same way.
	t.Setenv(pii.KeyEnv, strings.Repeat("ab", 32))
	if _, err := keys.Open(ctx, db, keys.Source{KeyFile: first}); !errors.Is(err, keys.ErrWrongKey) || !strings.Contains(err.Error(), pii.KeyEnv) {
		t.Fatalf("a wrong ZHITONG_KEY: %v", err)
	}
	t.Setenv(pii.KeyEnv, "")
	if _, err := keys.Open(ctx, db, keys.Source{KeyFile: first}); err == nil || !strings.Contains(err.Error(), pii.KeyEnv) {
		t.Fatalf("an empty ZHITONG_KEY: %v", err)
	}
	os.Unsetenv(pii.KeyEnv)
	if _, err := keys.Open(ctx, db, keys.Source{KeyFile: first, OldKeyFile: filepath.Join(dir, "gone.key")}); err == nil || !strings.Contains(err.Error(), "gone.key") {
		t.Fatalf("a missing old key file: %v", err)
	}
}

// TestLegacyDatabaseAdoptsItsKey: a database with data sealed before check
// values were recorded takes the key that opens its data, and refuses one
// that does not.
func TestLegacyDatabaseAdoptsItsKey(t *testing.T) {
	testkit.NoKeyEnv(t)
	ctx := context.Background()
	a, _ := testkit.MustApp(t) // sealed under testkit.Key, nothing recorded
	f := testkit.Seed(t, a)
	testkit.Must(a.Submit(ctx, zhitong.Citizen, app.IntakeInput{Body: "路灯坏了很久了", StationID: f.Station, Name: "王小明", Phone: "13907971234"}))(t)
	other, _ := keyFile(t)
	if _, err := keys.Open(ctx, a.DB(), keys.Source{KeyFile: other}); !errors.Is(err, keys.ErrWrongKey) {
		t.Fatalf("a key that does not open the data: %v", err)
	}
	t.Setenv(pii.KeyEnv, hexKey(testkit.Key))
	testkit.Must(keys.Open(ctx, a.DB(), keys.Source{}))(t)
	cur, _ := testkit.Must2(keys.Check(ctx, a.DB()))(t)
	if cur != pii.CheckValue(testkit.Key) {
		t.Fatalf("recorded check %q", cur)
	}
}

func hexKey(k []byte) string {
	const h = "0123456789abcdef"
	out := make([]byte, 0, 64)
	for _, b := range k {
		out = append(out, h[b>>4], h[b&15])
	}
	return string(out)
}

// world is a database with every kind of sealed value, opened under key A.
type world struct {
	a      *app.App
	f      *testkit.Fixture
	keyA   string
	phones []string
}

func newWorld(t *testing.T, n int) *world {
	testkit.NoKeyEnv(t)
	ctx := context.Background()
	db := testkit.MustDB(t)
	keyA, _ := keyFile(t)
	res := testkit.Must(keys.Open(ctx, db, keys.Source{KeyFile: keyA}))
	_ = res
	r := testkit.Must(keys.Open(ctx, db, keys.Source{KeyFile: keyA}))(t)
	a := testkit.Must(app.New(ctx, app.Config{DB: db, Clock: testkit.NewClock(testkit.Start), Sealer: r.Sealer}))(t)
	w := &world{a: a, f: testkit.Seed(t, a), keyA: keyA}
	w.phones = testkit.SealEverything(t, a, w.f, n)
	return w
}

// TestKeyRotation: a server started with the new key and the old one moves
// the database to the new key; the old key alone is then refused; servers
// read both while `key rotate` runs; the rotation, interrupted, is taken
// up and finishes; afterwards every value opens under the new key alone
// and every blind-index look-up still finds its rows.
func TestKeyRotation(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, 30)
	db := w.a.DB()
	keyB, _ := keyFile(t)

	// A command that may not begin a rotation says what to do.
	if _, err := keys.Open(ctx, db, keys.Source{KeyFile: keyB, OldKeyFile: w.keyA}); !errors.Is(err, keys.ErrRotation) || !strings.Contains(err.Error(), "key rotate") {
		t.Fatalf("no Begin: %v", err)
	}
	r := testkit.Must(keys.Open(ctx, db, keys.Source{KeyFile: keyB, OldKeyFile: w.keyA, Begin: true}))(t)
	if !r.Began || !r.Sealer.Rotating() {
		t.Fatalf("begin: %+v", r)
	}
	// The old key alone, or the new key alone, no longer starts.
	if _, err := keys.Open(ctx, db, keys.Source{KeyFile: w.keyA}); !errors.Is(err, keys.ErrRotation) || !strings.Contains(err.Error(), "ZHITONG_OLD_KEY") {
		t.Fatalf("old key during rotation: %v", err)
	}
	if _, err := keys.Open(ctx, db, keys.Source{KeyFile: keyB}); !errors.Is(err, keys.ErrRotation) {
		t.Fatalf("new key alone during rotation: %v", err)
	}
	b := testkit.Must(app.New(ctx, app.Config{DB: db, Clock: testkit.NewClock(testkit.Start), Sealer: r.Sealer}))(t)
	officer := w.f.In[zhitong.RoleOfficer]
	find := func(a *app.App, phone string) int {
		t.Helper()
		_, n, err := a.List(ctx, officer, app.ListInput{Phone: phone})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	// A server on the new key writes under it while old rows stay readable.
	testkit.Must(b.Submit(ctx, zhitong.Citizen, app.IntakeInput{Body: "新密钥下的反映", StationID: w.f.Station, Name: "赵六", Phone: w.phones[2]}))(t)
	if got := find(b, w.phones[2]); got != 2 {
		t.Fatalf("look-up by phone during the rotation found %d cases, want 2 (one per key)", got)
	}

	// Interrupt: a context cancelled after the first batch stands for kill -9.
	cctx, cancel := context.WithCancel(ctx)
	var seen int
	_, err := keys.Rotate(cctx, db, r.Sealer, b.Now, writerFunc(func(p []byte) {
		if seen++; seen == 1 {
			cancel()
		}
	}))
	if err == nil {
		t.Fatal("a cancelled rotation reported success")
	}
	cur, prev := testkit.Must2(keys.Check(ctx, db))(t)
	if prev == "" || cur != pii.CheckValue(testkit.Must(readKey(keyB))(t)) {
		t.Fatalf("after the interruption: cur %q prev %q", cur, prev)
	}
	rep := testkit.Must(keys.Rotate(ctx, db, r.Sealer, b.Now, nil))(t)
	if rep.Resumed == "" || rep.Resealed == 0 {
		t.Errorf("second run: %+v", rep)
	}
	if _, prev = testkit.Must2(keys.Check(ctx, db))(t); prev != "" {
		t.Fatal("rotation done but the previous key is still recorded")
	}
	// The new key alone opens everything; the old key is refused.
	nb := testkit.Must(keys.Open(ctx, db, keys.Source{KeyFile: keyB}))(t)
	v := testkit.Must(keys.Verify(ctx, db, nb.Sealer, true))(t)
	if v.Failed != 0 {
		t.Fatalf("after rotation %d values do not open under the new key (first %s)", v.Failed, v.First)
	}
	for _, c := range store.SealedColumns {
		if v.Columns[c.Name()] == 0 {
			t.Errorf("no value of %s was checked: the test world lacks it", c.Name())
		}
	}
	if _, err := keys.Open(ctx, db, keys.Source{KeyFile: w.keyA}); !errors.Is(err, keys.ErrWrongKey) {
		t.Fatalf("old key after rotation: %v", err)
	}
	// The audit key, re-sealed, still opens (a fresh connection loads it
	// under the new key alone) and the chain written before, during and
	// after the rotation still verifies.
	fresh := testkit.Must(store.Open(ctx, db.DSN))(t)
	defer fresh.Close()
	if err := fresh.LoadAuditKey(ctx, nb.Sealer.Seal, nb.Sealer.Open, testkit.Start); err != nil {
		t.Fatalf("the audit key after rotation: %v", err)
	}
	if brk, n, err := fresh.VerifyAudit(ctx); err != nil || brk != nil || n == 0 {
		t.Fatalf("audit chain after rotation: %d checked, break %+v, %v", n, brk, err)
	}
	c := testkit.Must(app.New(ctx, app.Config{DB: db, Clock: testkit.NewClock(testkit.Start), Sealer: nb.Sealer}))(t)
	if got := find(c, w.phones[2]); got != 2 {
		t.Errorf("look-up by phone after rotation: %d, want 2", got)
	}
	if got := find(c, w.phones[29]); got != 1 {
		t.Errorf("look-up of an old case by phone after rotation: %d, want 1", got)
	}
	if out := testkit.Must(store.OptedOut(ctx, db, nb.Sealer.BlindIndex("phone", w.phones[1])))(t); !out {
		t.Error("the opt-out was lost by the rotation")
	}
	if got := testkit.Must(store.DeputiesByPhone(ctx, db, nb.Sealer.BlindIndex("phone", "13907970000")))(t); len(got) != 1 {
		t.Errorf("deputy by phone after rotation: %d", len(got))
	}
	// Running it again has nothing to do.
	if _, err := keys.Rotate(ctx, db, r.Sealer, b.Now, nil); err != nil {
		t.Fatalf("a third run: %v", err)
	}
	var n int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE action IN ('key.rotate.begin', 'key.rotate.done')`).Scan(&n); err != nil || n < 3 {
		t.Errorf("audit entries of the rotation: %d, %v", n, err)
	}
}

type writerFunc func([]byte)

func (f writerFunc) Write(p []byte) (int, error) { f(p); return len(p), nil }

func readKey(path string) ([]byte, error) {
	k, _, err := pii.ReadKey("ZHITONG_KEY_UNSET_FOR_TEST", path)
	return k, err
}

// TestEverySealedColumnIsListed reads the migrations: every column named
// *_enc, *_idx, *_index (and the photos' data and thumb) must be in
// store.SealedColumns, as the column or its index, so the rotation and the
// restore drill cannot miss one.
func TestEverySealedColumnIsListed(t *testing.T) {
	listed := map[string]bool{}
	for _, c := range store.SealedColumns {
		listed[c.Table+"."+c.Column] = true
		if c.Index != "" {
			listed[c.Table+"."+c.Index] = true
		}
	}
	// Blind indexes that are not sealed values: the booking cap's lock rows
	// (emptied at the end of a rotation, recreated by bookings).
	skip := map[string]bool{"appointment_phones.phone_index": true}
	files, err := filepath.Glob("../store/migrations/postgres/*.sql")
	if err != nil || len(files) == 0 {
		t.Fatal("no migrations", err)
	}
	create := regexp.MustCompile(`(?is)CREATE TABLE (\w+) \((.*?)\n\);`)
	alter := regexp.MustCompile(`(?i)ALTER TABLE (\w+) ADD COLUMN (\w+)`)
	col := regexp.MustCompile(`(?m)^\s*(\w+)\s+\w+`)
	// Sealed columns whose names say nothing: the two-factor secrets
	// (072_signin.sql) and the audit chain's key (071_audit.sql).
	named := map[string]bool{"two_factor.secret": true, "audit_key.sealed": true}
	sealed := func(name string) bool {
		return strings.HasSuffix(name, "_enc") || strings.HasSuffix(name, "_idx") || strings.HasSuffix(name, "_index")
	}
	var found []string
	check := func(table, name string) {
		key := table + "." + name
		if sealed(name) || named[key] || table == "attachments" && (name == "data" || name == "thumb") {
			found = append(found, key)
			if !listed[key] && !skip[key] {
				t.Errorf("%s looks sealed but is not in store.SealedColumns", key)
			}
		}
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range create.FindAllStringSubmatch(string(b), -1) {
			for _, c := range col.FindAllStringSubmatch(m[2], -1) {
				check(strings.TrimSuffix(m[1], "_new"), c[1])
			}
		}
		for _, m := range alter.FindAllStringSubmatch(string(b), -1) {
			check(m[1], m[2])
		}
	}
	for k := range listed {
		if !slices.Contains(found, k) {
			t.Errorf("store.SealedColumns lists %s, which no migration creates", k)
		}
	}
}
