package auditlog_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/accounts"
	"zhitong/internal/app"
	"zhitong/internal/audit"
	"zhitong/internal/auditlog"
	"zhitong/internal/setup"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

var ctx = context.Background()

// liftTriggers does what an attacker with write access to the database can:
// drop the append-only triggers.
func liftTriggers(t *testing.T, db *store.DB) {
	t.Helper()
	qs := []string{`DROP TRIGGER audit_log_no_update`, `DROP TRIGGER audit_log_no_delete`}
	if testkit.Postgres() {
		qs = []string{`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change`}
	}
	for _, q := range qs {
		if _, err := db.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
}

// rechain rewrites entries from..end with unkeyed SM3 links, as someone
// without the audit key can, and sets the head to match.
func rechain(t *testing.T, db *store.DB, from int64) {
	t.Helper()
	all := testkit.Must(store.ListAuditFiltered(ctx, db, store.AuditQuery{}))(t)
	prev := ""
	for _, e := range all {
		if e.Seq >= from {
			e.Prev = prev
			e.Hash = audit.Sum(e)
			if _, err := db.Exec(ctx, `UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ?`, e.Prev, e.Hash, e.Seq); err != nil {
				t.Fatal(err)
			}
		}
		prev = e.Hash
	}
	if _, err := db.Exec(ctx, `UPDATE audit_head SET hash = ? WHERE id = 1`, prev); err != nil {
		t.Fatal(err)
	}
}

func verify(t *testing.T, a *app.App) auditlog.Report {
	t.Helper()
	return testkit.Must(auditlog.New(a).Verify(ctx, app.System))(t)
}

// county is one deployment's county with its administrators and an auditor.
type county struct {
	res               *setup.Result
	sec, com, auditor zhitong.Principal
}

func setUpCounty(t testing.TB, a *app.App, region, suffix string) county {
	t.Helper()
	var res *setup.Result
	if suffix == "" {
		res = testkit.SetUp(t, a, region)
	} else {
		res = testkit.Must(setup.New(a).Run(ctx, app.System, setup.Input{Region: region, Add: true, SecAdmin: "anquan" + suffix, Committee: "gongwei" + suffix, Via: "test"}))(t)
	}
	c := county{res: res, sec: testkit.Principal(t, a, res, zhitong.RoleSecAdmin), com: testkit.Principal(t, a, res, zhitong.RoleCommittee)}
	acc := testkit.Must(accounts.New(a).Create(ctx, c.sec, app.UserInput{Username: "shenji" + suffix, DisplayName: "审计员" + suffix, Role: zhitong.RoleAuditor, RegionCode: res.Region.Code}))(t)
	u := testkit.Must(store.GetUser(ctx, a.DB(), acc.ID))(t)
	c.auditor = u.Principal()
	return c
}

// TestKeyedChainDetectsRewrite: someone with write access to the database
// but not the master key alters an entry, recomputes the SM3 chain from
// there and the head: verification names the altered entry. Moving the
// start of the key past the end does not help either.
func TestKeyedChainDetectsRewrite(t *testing.T) {
	a, _ := testkit.MustApp(t)
	ln := setUpCounty(t, a, "360783", "")
	for i := range 4 {
		testkit.Must(accounts.New(a).Create(ctx, ln.sec, app.UserInput{Username: fmt.Sprintf("clerk%d", i), Role: zhitong.RoleOfficer, RegionCode: "360783"}))(t)
	}
	r := verify(t, a)
	if !r.OK || r.Checked < 6 || r.KeyedFrom != 1 {
		t.Fatalf("intact chain: %+v", r)
	}
	// Each entry's link is keyed: not the plain SM3 of its fields.
	all := testkit.Must(store.ListAuditFiltered(ctx, a.DB(), store.AuditQuery{}))(t)
	if audit.Sum(all[2]) == all[2].Hash {
		t.Fatal("entry 3 is linked with plain SM3")
	}
	// The sealed key is not the key.
	var sealed string
	testkit.Must(0, a.DB().QueryRow(ctx, `SELECT sealed FROM audit_key WHERE id = 1`).Scan(&sealed))(t)
	if !strings.HasPrefix(sealed, "v1:") {
		t.Fatalf("audit key stored as %q", sealed)
	}

	liftTriggers(t, a.DB())
	if _, err := a.DB().Exec(ctx, `UPDATE audit_log SET detail = '{"username":"forged"}' WHERE seq = 3`); err != nil {
		t.Fatal(err)
	}
	rechain(t, a.DB(), 3)
	r = verify(t, a)
	if r.OK || r.BrokenAt != 3 {
		t.Fatalf("rewritten from entry 3, verify says %+v", r)
	}
	// Claiming the key starts after the end (so that every entry is "old").
	var head int64
	testkit.Must(0, a.DB().QueryRow(ctx, `SELECT seq FROM audit_head`).Scan(&head))(t)
	testkit.Must(a.DB().Exec(ctx, `UPDATE audit_key SET keyed_from = ?`, head+1))(t)
	if r = verify(t, a); r.OK {
		t.Fatalf("key start moved past the end, verify says %+v", r)
	}
	testkit.Must(a.DB().Exec(ctx, `UPDATE audit_key SET keyed_from = 1`))(t)
	// Deleting the last entries and moving the head back is a break where
	// the keyed links stop matching only if the head is left; with the head
	// moved, the archives are the witness (docs/audit.md).
	_, _, err := a.VerifyAudit(ctx, ln.com)
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
}

// TestChainFromBeforeTheKey: a database whose entries were written before
// migration 071 (plain SM3) gets its key at the next start, keyed from the
// next entry with a checkpoint over the last old one. The whole log
// verifies; rewriting the old part is detected at the checkpoint.
func TestChainFromBeforeTheKey(t *testing.T) {
	db := testkit.MustDB(t)
	// Five entries as the code before 071 wrote them.
	prev := ""
	at := testkit.Start.UTC()
	for i := int64(1); i <= 5; i++ {
		e := audit.Entry{Seq: i, At: at.Add(time.Duration(i) * time.Second), Actor: "system", Action: "old.entry", Object: "region:360783", Detail: "{}", Prev: prev}
		e.Hash = audit.Sum(e)
		testkit.Must(db.Exec(ctx, `INSERT INTO audit_log (seq, at, actor, action, object, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			e.Seq, store.FormatTime(e.At), e.Actor, e.Action, e.Object, e.Detail, e.Prev, e.Hash))(t)
		prev = e.Hash
	}
	testkit.Must(db.Exec(ctx, `UPDATE audit_head SET seq = 5, hash = ? WHERE id = 1`, prev))(t)

	a := testkit.AppOn(t, db, testkit.NewClock(testkit.Start))
	// A second server starting on the same database gets the same key.
	b := testkit.AppOn(t, db, testkit.NewClock(testkit.Start))
	setUpCounty(t, a, "360783", "")
	r := verify(t, b)
	if !r.OK || r.KeyedFrom != 6 || r.Checked < 8 {
		t.Fatalf("old and new entries: %+v", r)
	}
	liftTriggers(t, db)
	testkit.Must(db.Exec(ctx, `UPDATE audit_log SET actor = 'user:1 张三' WHERE seq = 2`))(t)
	rechain(t, db, 2)
	r = verify(t, a)
	if r.OK || r.BrokenAt != 5 || !strings.Contains(r.Reason, "检查点") {
		t.Fatalf("old part rewritten, verify says %+v", r)
	}
}

// TestAuditorSeesOnlyTheirJurisdiction: two counties in one deployment;
// each auditor lists and exports only their county's entries.
func TestAuditorSeesOnlyTheirJurisdiction(t *testing.T) {
	a, _ := testkit.MustApp(t)
	ln := setUpCounty(t, a, "360783", "")
	dn := setUpCounty(t, a, "360728", "dn")
	svc := auditlog.New(a)
	seen := func(p zhitong.Principal, region string) []audit.Entry {
		t.Helper()
		list := testkit.Must(svc.List(ctx, p, auditlog.Query{PageInput: app.PageInput{PerPage: 100}}))(t).Items
		if len(list) == 0 {
			t.Fatalf("%s sees nothing", p.Name)
		}
		for _, e := range list {
			if !strings.HasPrefix(e.Region, region) && !strings.HasPrefix(e.ActorRegion, region) {
				t.Fatalf("auditor of %s sees %+v", region, e)
			}
		}
		return list
	}
	lnSeen := seen(ln.auditor, "360783")
	seen(dn.auditor, "360728")
	has := func(list []audit.Entry, object string) bool {
		for _, e := range list {
			if e.Object == object {
				return true
			}
		}
		return false
	}
	if !has(lnSeen, fmt.Sprintf("user:%d", ln.auditor.UserID)) || has(lnSeen, fmt.Sprintf("user:%d", dn.auditor.UserID)) {
		t.Fatal("龙南 auditor: own county's account missing or the other's shown")
	}
	// Only auditors read the log.
	for _, p := range []zhitong.Principal{ln.sec, ln.com} {
		testkit.WantCode(t, testkit.Err(svc.List(ctx, p, auditlog.Query{})), zhitong.EFORBIDDEN)
	}
	// The export of one county verifies, holds only that county, and is audited.
	var buf bytes.Buffer
	n := testkit.Must(svc.Export(ctx, dn.auditor, auditlog.Range{}, &buf))(t)
	h, m, brk, err := svc.VerifyArchive(ctx, app.System, bytes.NewReader(buf.Bytes()))
	if err != nil || brk != nil || m != n || h.Region != "360728" {
		t.Fatalf("archive: %v %+v %d/%d %+v", err, brk, m, n, h)
	}
	if strings.Contains(buf.String(), `"360783`) {
		t.Fatal("定南 archive holds a 龙南 entry")
	}
	// An edited archive does not verify.
	forged := strings.Replace(buf.String(), "shenjidn", "shenjiXX", 1)
	_, _, brk, _ = svc.VerifyArchive(ctx, app.System, strings.NewReader(forged))
	if brk == nil {
		t.Fatal("edited archive verifies")
	}
	// A cut archive does not verify.
	cut := buf.String()[:strings.LastIndex(strings.TrimSuffix(buf.String(), "\n"), "\n")+1]
	if _, _, brk, _ = svc.VerifyArchive(ctx, app.System, strings.NewReader(cut)); brk == nil {
		t.Fatal("archive without its trailer verifies")
	}
	last := testkit.Must(svc.List(ctx, dn.auditor, auditlog.Query{PageInput: app.PageInput{PerPage: 1}}))(t).Items
	if len(last) != 1 || last[0].Action != "audit.export" {
		t.Fatalf("export not audited: %+v", last)
	}
}

// TestRetention: nothing younger than 180 days is pruned, a shorter
// retention is refused, and each refusal writes its audit entry and nothing
// else. Pruning archives first, the archive verifies, and so does the rest.
func TestRetention(t *testing.T) {
	a, clock := testkit.MustApp(t)
	ln := setUpCounty(t, a, "360783", "")
	svc := auditlog.New(a)
	count := func() (n int64) {
		testkit.Must(0, a.DB().QueryRow(ctx, `SELECT COUNT(*) FROM audit_log`).Scan(&n))(t)
		return n
	}
	before := count()
	today := time.Date(2026, 11, 25, 0, 0, 0, 0, zhitong.China)
	var buf bytes.Buffer
	testkit.WantCode(t, testkit.Err(svc.Prune(ctx, app.System, today, 179, &buf, nil)), zhitong.EINVALID)
	testkit.WantCode(t, testkit.Err(svc.Prune(ctx, app.System, today.AddDate(0, 0, -179), 180, &buf, nil)), zhitong.EINVALID)
	testkit.WantCode(t, testkit.Err(svc.Prune(ctx, app.System, today.AddDate(0, 0, -200), 365, &buf, nil)), zhitong.EINVALID)
	testkit.WantCode(t, testkit.Err(svc.Prune(ctx, ln.auditor, today.AddDate(0, 0, -200), 180, &buf, nil)), zhitong.EFORBIDDEN)
	if got := count(); got != before+3 || buf.Len() != 0 {
		t.Fatalf("refusals wrote %d entries (want 3 audit entries) and %d archive bytes", got-before, buf.Len())
	}
	// Deleting a young entry behind the application's back is refused.
	if _, err := a.DB().Exec(ctx, `DELETE FROM audit_log WHERE seq = 1`); err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Fatalf("delete allowed: %v", err)
	}

	// 200 days later, more happens; then what is over 180 days old goes.
	clock.Advance(200 * 24 * time.Hour)
	testkit.Must(accounts.New(a).Create(ctx, ln.sec, app.UserInput{Username: "later", Role: zhitong.RoleOfficer, RegionCode: "360783"}))(t)
	old := count()
	cutoff := today.AddDate(0, 0, 200-180)
	res := testkit.Must(svc.Prune(ctx, app.System, cutoff, 180, &buf, nil))(t)
	if res.Through != before+3 || res.Count != before+3 {
		t.Fatalf("pruned %+v, want through %d", res, before+3)
	}
	if got := count(); got != old-res.Count+1 {
		t.Fatalf("%d entries left of %d after pruning %d", got, old, res.Count)
	}
	h, n, brk, err := svc.VerifyArchive(ctx, app.System, bytes.NewReader(buf.Bytes()))
	if err != nil || brk != nil || n != res.Count || !h.Contiguous {
		t.Fatalf("prune archive: %v %+v %d", err, brk, n)
	}
	r := verify(t, a)
	if !r.OK || r.PrunedThrough != res.Through {
		t.Fatalf("after pruning: %+v", r)
	}
	// Moving the pruning checkpoint without the key is detected.
	testkit.Must(a.DB().Exec(ctx, `UPDATE audit_key SET pruned_through = pruned_through + 1`))(t)
	if r = verify(t, a); r.OK {
		t.Fatal("moved pruning checkpoint verifies")
	}
}

// BenchmarkAppendAndVerify: one audit entry appended in its own
// transaction (the object's region looked up), then the whole log verified
// from the database (reported per entry).
func BenchmarkAppendAndVerify(b *testing.B) {
	a, _ := testkit.MustApp(b)
	setUpCounty(b, a, "360783", "")
	u := testkit.Must(store.GetUserByName(ctx, a.DB(), "anquan"))(b)
	p := u.Principal()
	object := fmt.Sprintf("user:%d", u.ID)
	b.Run("append", func(b *testing.B) {
		for b.Loop() {
			err := a.DB().Write(ctx, func(tx *store.Tx) error {
				return a.AppendAudit(ctx, tx, p, "bench.append", object, map[string]any{"n": 1})
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("verify", func(b *testing.B) {
		var n int64
		for b.Loop() {
			r := testkit.Must(auditlog.New(a).Verify(ctx, app.System))(b)
			if !r.OK {
				b.Fatalf("%+v", r)
			}
			n = r.Checked
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/entry")
	})
}
