package cli

import (
	"context"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/keys"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// TestPartitionOnPostgres: `zhitong db partition` turns a seeded database's
// events, audit log, notifications and deliveries into tables partitioned
// by month with every row, index, constraint and trigger; then, unchanged,
// the closed loop (intake → register → assign → accept → reply → rate)
// runs, a notice's key stays single, the audit chain verifies, the sweep
// makes the coming months' partitions (moving rows the default partition
// took meanwhile), a second seed loads with COPY and the restore drill
// passes. On SQLite the command refuses and says why.
func TestPartitionOnPostgres(t *testing.T) {
	testkit.NoKeyEnv(t)
	ctx := context.Background()
	key := filepath.Join(t.TempDir(), "zhitong.key")
	clock := testkit.NewClock(testkit.Start)
	run := commandsOn(t, clock)
	dsn := testkit.DSN(t)
	if !testkit.Postgres() {
		if code, out := run(dsn, "init", "--region", "360783", "--key-file", key); code != 0 {
			t.Fatalf("init: exit %d\n%s", code, out)
		}
		if code, out := run(dsn, "db partition"); code == 0 || !strings.Contains(out, "PostgreSQL") {
			t.Fatalf("db partition on SQLite: exit %d\n%s", code, out)
		}
		return
	}
	if code, out := run(dsn, "seed", "--cases", "150", "--key-file", key); code != 0 {
		t.Fatalf("seed: exit %d\n%s", code, out)
	}
	db := testkit.Must(store.Open(ctx, dsn))(t)
	defer db.Close()
	scalar := func(q string, args ...any) (n int64) {
		t.Helper()
		testkit.Must(0, db.QueryRow(ctx, q, args...).Scan(&n))(t)
		return n
	}
	// What each table holds and the names of its indexes and triggers.
	shape := func() []string {
		t.Helper()
		var out []string
		for _, p := range store.Partitionable {
			rows := testkit.Must(db.Query(ctx, `SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = ?
 UNION ALL SELECT tgname FROM pg_trigger WHERE tgrelid = to_regclass(?) AND NOT tgisinternal AND tgparentid = 0`, p.Table, p.Table))(t)
			for rows.Next() {
				var s string
				testkit.Must(0, rows.Scan(&s))(t)
				out = append(out, p.Table+"."+s)
			}
			rows.Close()
			out = append(out, p.Table+" rows "+strconv.FormatInt(scalar(`SELECT COUNT(*) FROM `+p.Table), 10))
		}
		slices.Sort(out)
		return out
	}
	before := shape()
	code, out := run(dsn, "db partition")
	if code != 0 || strings.Count(out, "已转为按月分区") != 4 {
		t.Fatalf("db partition: exit %d\n%s", code, out)
	}
	for _, p := range store.Partitionable {
		if n := scalar(`SELECT COUNT(*) FROM pg_class WHERE oid = to_regclass(?) AND relkind = 'p'`, p.Table); n != 1 {
			t.Fatalf("%s is not partitioned", p.Table)
		}
		// The seed spread its history over three years: one partition a month.
		if n := scalar(`SELECT COUNT(*) FROM pg_inherits WHERE inhparent = to_regclass(?)`, p.Table); n < 36 {
			t.Errorf("%s has %d partitions", p.Table, n)
		}
		if n := scalar(`SELECT COUNT(*) FROM ` + p.Table + `_pdefault`); n != 0 {
			t.Errorf("%d rows of %s in the default partition", n, p.Table)
		}
	}
	after := shape()
	// notifications.key's UNIQUE constraint gives way to notification_keys
	// and its trigger; everything else keeps its name.
	want := slices.DeleteFunc(slices.Clone(before), func(s string) bool { return s == "notifications.notifications_key_key" })
	want = append(want, "notifications.notifications_key_once")
	slices.Sort(want)
	if !slices.Equal(after, want) {
		t.Fatalf("after partitioning:\n%q\nwant\n%q", after, want)
	}
	if code, out := run(dsn, "db partition"); code != 0 || strings.Count(out, "已是分区表") != 4 {
		t.Fatalf("db partition again: exit %d\n%s", code, out)
	}
	if code, out := run(dsn, "audit verify", "--key-file", key); code != 0 || !strings.Contains(out, "校验通过") {
		t.Fatalf("audit verify: exit %d\n%s", code, out)
	}

	// The closed loop, through the application as it is.
	res := testkit.Must(keys.Open(ctx, db, keys.Source{KeyFile: key}))(t)
	a := testkit.Must(app.New(ctx, app.Config{DB: db, Clock: clock, Sealer: res.Sealer, CheapPasswordHashes: true}))(t)
	f := testkit.Seed(t, a)
	officer, lead := f.In[zhitong.RoleOfficer], f.In[zhitong.RoleUnit]
	loop := func(body string) *zhitong.Case {
		t.Helper()
		c := testkit.Must(a.Submit(ctx, zhitong.Citizen, app.IntakeInput{Body: body, RegionCode: f.Town, Name: "王小明", Phone: "139 0797 1234", Place: "历市镇建设路"}))(t)
		c = testkit.Must(a.Register(ctx, officer, c.ID, app.RegisterInput{Version: c.Version, CategoryCode: "roads", StationID: f.Station}))(t)
		c = testkit.Must(a.Assign(ctx, officer, c.ID, app.AssignInput{Version: c.Version, LeadUnit: f.Lead}))(t)
		c = testkit.Must(a.Accept(ctx, lead, c.ID, app.TextInput{Version: c.Version}))(t)
		c = testkit.Must(a.Reply(ctx, lead, c.ID, app.ReplyInput{Outcome: zhitong.OutcomeSolved, Text: "已修复并经现场核实",
			Deliveries: []app.DeliveryInput{{Recipient: zhitong.RecipientCongress, Channel: zhitong.FeedbackWritten}, {Recipient: zhitong.RecipientCitizen, Channel: zhitong.FeedbackPhone}}}))(t)
		c = testkit.Must(a.Evaluate(ctx, c.Code, app.EvaluateInput{Rating: zhitong.RatingSatisfied}))(t)
		if c.Status != zhitong.StatusEvaluated {
			t.Fatalf("after the loop: %s", c.Status)
		}
		if n := scalar(`SELECT COUNT(*) FROM case_events WHERE case_id = ?`, c.ID); n < 6 {
			t.Errorf("case %d has %d events", c.ID, n)
		}
		if n := scalar(`SELECT COUNT(*) FROM deliveries d JOIN replies r ON r.id = d.reply_id WHERE r.case_id = ?`, c.ID); n != 2 {
			t.Errorf("case %d has %d deliveries", c.ID, n)
		}
		return c
	}
	c := loop("建设路路灯坏了半个月")
	if n := scalar(`SELECT COUNT(*) FROM notifications WHERE case_id = ?`, c.ID); n == 0 {
		t.Error("no notice about the case")
	}
	// A notice's key stays single, as ON CONFLICT on the UNIQUE key did.
	err := db.Write(ctx, func(tx *store.Tx) error {
		for i, want := range []bool{true, false} {
			n := &store.Notification{Key: "partition-test", Template: "t", Channel: "inapp", Recipient: "x", Vars: "{}", Status: "pending",
				NotBefore: clock.Now(), CreatedAt: clock.Now().Add(time.Duration(i) * 40 * 24 * time.Hour)}
			if fresh := testkit.Must(tx.InsertNotification(ctx, n))(t); fresh != want {
				t.Errorf("insert %d of the same key: new = %v", i+1, fresh)
			}
		}
		return nil
	})
	testkit.Must(0, err)(t)

	// The sweep makes the next months' partitions; rows written in a month
	// that had none (the sweep did not run for months) wait in the default
	// partition and move into their month's when it comes.
	later := testkit.Start.AddDate(0, 7, 0)
	month := func(table string, at time.Time) string { return table + "_p" + at.UTC().Format("200601") }
	if n := scalar(`SELECT COUNT(*) FROM pg_class WHERE relname = ?`, month("audit_log", later)); n != 0 {
		t.Fatalf("partition for %s exists already", later.Format("2006-01"))
	}
	clock.Set(later)
	c = loop("村道路面破损，雨天积水")
	for _, p := range store.Partitionable {
		if n := scalar(`SELECT COUNT(*) FROM ` + p.Table + `_pdefault`); n == 0 && p.Table != "notifications" {
			t.Errorf("no row of %s went to the default partition", p.Table)
		}
	}
	r := testkit.Must(a.SweepOnce(ctx))(t)
	if r.Partitions != 4*(store.PartitionsAhead+1) {
		t.Errorf("the sweep made %d partitions, want %d", r.Partitions, 4*(store.PartitionsAhead+1))
	}
	for _, p := range store.Partitionable {
		if n := scalar(`SELECT COUNT(*) FROM ` + p.Table + `_pdefault`); n != 0 {
			t.Errorf("%d rows of %s left in the default partition", n, p.Table)
		}
		if n := scalar(`SELECT COUNT(*) FROM pg_class WHERE relname = ?`, month(p.Table, later.AddDate(0, store.PartitionsAhead, 0))); n != 1 {
			t.Errorf("no partition of %s %d months ahead", p.Table, store.PartitionsAhead)
		}
	}
	if n := scalar(`SELECT COUNT(*) FROM case_events WHERE case_id = ?`, c.ID); n < 6 {
		t.Errorf("case %d has %d events after the move", c.ID, n)
	}
	if r := testkit.Must(a.SweepOnce(ctx))(t); r.Partitions != 0 {
		t.Errorf("a second sweep made %d partitions", r.Partitions)
	}
	// The audit log is still append-only.
	if _, err := db.Exec(ctx, `DELETE FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log)`); err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Errorf("deleting an audit entry: %v", err)
	}
	if code, out := run(dsn, "audit verify", "--key-file", key); code != 0 || !strings.Contains(out, "校验通过") {
		t.Fatalf("audit verify after the loop and the sweep: exit %d\n%s", code, out)
	}
	if code, out := run(dsn, "sweep", "--key-file", key); code != 0 {
		t.Fatalf("zhitong sweep: exit %d\n%s", code, out)
	}
	if code, out := run(dsn, "seed", "--cases", "40", "--force", "--key-file", key); code != 0 {
		t.Fatalf("seed into the partitioned tables: exit %d\n%s", code, out)
	}
	if code, out := run(dsn, "restore-drill", "--key-file", key); code != 0 || !strings.Contains(out, "恢复演练通过") {
		t.Fatalf("restore drill: exit %d\n%s", code, out)
	}
}
