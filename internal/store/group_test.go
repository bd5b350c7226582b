package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"zhitong/internal/audit"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// TestGroupedAuditChain: concurrent grouped transactions (several lanes on
// PostgreSQL) link their audit entries at the group's end, and the chain
// verifies whole. A caller that fails after appending its entry leaves
// neither the entry nor its other writes, and the others' entries stay
// linked around the gap it did not leave.
func TestGroupedAuditChain(t *testing.T) {
	a, _ := testkit.MustApp(t)
	db := a.DB()
	ctx := context.Background()
	_, before := testkit.Must2(db.VerifyAudit(ctx))(t)
	const n = 60
	errFail := errors.New("refused after its audit entry")
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			errs[i] = db.WriteGrouped(ctx, func(tx *store.Tx) error {
				if err := tx.AppendAudit(ctx, audit.Entry{At: time.Now(), Actor: "system", Action: "test.grouped",
					Object: fmt.Sprintf("region:grouped-%d", i), Detail: "{}"}); err != nil {
					return err
				}
				if _, err := tx.Exec(ctx, `INSERT INTO meta (key, value) VALUES (?, '')`, fmt.Sprintf("grouped-%d", i)); err != nil {
					return err
				}
				if i%3 == 0 {
					return errFail
				}
				return nil
			})
		})
	}
	wg.Wait()
	for i, err := range errs {
		if i%3 == 0 && !errors.Is(err, errFail) || i%3 != 0 && err != nil {
			t.Fatalf("caller %d: %v", i, err)
		}
	}
	brk, after := testkit.Must2(db.VerifyAudit(ctx))(t)
	if brk != nil {
		t.Fatalf("the chain breaks at %d: %s", brk.Seq, brk.Reason)
	}
	if want := before + n - n/3; after != want {
		t.Errorf("%d entries verified, want %d", after, want)
	}
	entries := testkit.Must(store.ListAuditFiltered(ctx, db, store.AuditQuery{Limit: 1000}))(t)
	kept := map[string]bool{}
	for _, e := range entries {
		if e.Action == "test.grouped" {
			kept[strings.TrimPrefix(e.Object, "region:")] = true
		}
	}
	var meta int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM meta WHERE key LIKE 'grouped-%'`).Scan(&meta); err != nil {
		t.Fatal(err)
	}
	if meta != n-n/3 {
		t.Errorf("%d meta rows kept, want %d", meta, n-n/3)
	}
	for i := range n {
		if kept[fmt.Sprintf("grouped-%d", i)] == (i%3 == 0) {
			t.Errorf("caller %d (failed: %v): its audit entry kept %v", i, i%3 == 0, kept[fmt.Sprintf("grouped-%d", i)])
		}
	}
}

// TestGroupReplay: a group runs without savepoints; when one caller's
// statement fails (which on PostgreSQL aborts the whole transaction) or its
// queued notification is refused at the group's end, the group runs again
// with savepoints, and every other caller's rows, notifications and audit
// entries are committed, the chain whole. A group where nobody fails is not
// run again.
func TestGroupReplay(t *testing.T) {
	a, _ := testkit.MustApp(t)
	db := a.DB()
	ctx := context.Background()
	_, before := testkit.Must2(db.VerifyAudit(ctx))(t)
	now := time.Now()
	caller := func(name string, fail string) func(*store.Tx) error {
		return func(tx *store.Tx) error {
			if err := tx.AppendAudit(ctx, audit.Entry{At: now, Actor: "system", Action: "test.replay", Object: "region:" + name, Detail: "{}"}); err != nil {
				return err
			}
			key := name
			if fail == "statement" {
				key = "replay-ok-0" // taken by the first caller: a unique violation
			}
			if _, err := tx.Exec(ctx, `INSERT INTO meta (key, value) VALUES (?, '')`, key); err != nil {
				return err
			}
			var caseID int64
			if fail == "notification" {
				caseID = 1 << 40 // no such case: refused at the group's end
			}
			return tx.QueueNotifications(ctx, &store.Notification{Key: "test:" + name, Template: "test", Channel: "inapp",
				Recipient: "test", CaseID: caseID, Vars: "{}", Status: "skipped", NotBefore: now, CreatedAt: now})
		}
	}
	replays := db.GroupReplays()
	errs := db.CommitGroup(ctx, caller("replay-ok-0", ""), caller("replay-bad-1", "statement"), caller("replay-ok-2", ""),
		caller("replay-bad-3", "notification"), caller("replay-ok-4", ""))
	for i, err := range errs {
		if bad := i == 1 || i == 3; bad != (err != nil) {
			t.Errorf("caller %d: %v", i, err)
		}
	}
	if got := db.GroupReplays() - replays; got != 1 {
		t.Errorf("%d replays, want 1", got)
	}
	if errs := db.CommitGroup(ctx, caller("replay-ok-5", ""), caller("replay-ok-6", "")); errs[0] != nil || errs[1] != nil {
		t.Fatal(errs)
	}
	if got := db.GroupReplays() - replays; got != 1 {
		t.Errorf("a group without failures ran again: %d replays, want 1", got)
	}
	for _, q := range []string{`SELECT COUNT(*) FROM meta WHERE key LIKE 'replay-%'`, `SELECT COUNT(*) FROM notifications WHERE key LIKE 'test:replay-%'`,
		`SELECT COUNT(*) FROM audit_log WHERE action = 'test.replay'`} {
		var n int
		if err := db.QueryRow(ctx, q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 5 {
			t.Errorf("%s: %d, want 5 (replay-ok-0, 2, 4, 5, 6)", q, n)
		}
	}
	var bad int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM meta WHERE key LIKE 'replay-bad-%'`).Scan(&bad); err != nil || bad != 0 {
		t.Errorf("a failed caller's rows kept: %d, %v", bad, err)
	}
	brk, after := testkit.Must2(db.VerifyAudit(ctx))(t)
	if brk != nil {
		t.Fatalf("the chain breaks at %d: %s", brk.Seq, brk.Reason)
	}
	if after != before+5 {
		t.Errorf("%d entries verified, want %d", after, before+5)
	}
}

// TestGroupedAuditAfterOtherWriter: a group links its entries to the head
// its process last wrote; after another writer moved the head (an
// ungrouped AppendAudit here, a job or another process in production) the
// group's entries follow that writer's, and the chain verifies whole.
func TestGroupedAuditAfterOtherWriter(t *testing.T) {
	a, _ := testkit.MustApp(t)
	db := a.DB()
	ctx := context.Background()
	_, before := testkit.Must2(db.VerifyAudit(ctx))(t)
	entry := func(name string) audit.Entry {
		return audit.Entry{At: time.Now(), Actor: "system", Action: "test.head", Object: "region:" + name, Detail: "{}"}
	}
	grouped := func(name string) func(*store.Tx) error {
		return func(tx *store.Tx) error { return tx.AppendAudit(ctx, entry(name)) }
	}
	for round := range 3 {
		for _, err := range db.CommitGroup(ctx, grouped(fmt.Sprintf("g%d-a", round)), grouped(fmt.Sprintf("g%d-b", round))) {
			if err != nil {
				t.Fatal(err)
			}
		}
		if round == 1 {
			// A group one of whose callers fails runs again with savepoints.
			fail := errors.New("refused")
			db.CommitGroup(ctx, grouped("lost"), func(tx *store.Tx) error { return fail })
		}
		if err := db.Write(ctx, func(tx *store.Tx) error { return tx.AppendAudit(ctx, entry(fmt.Sprintf("w%d", round))) }); err != nil {
			t.Fatal(err)
		}
	}
	brk, after := testkit.Must2(db.VerifyAudit(ctx))(t)
	if brk != nil {
		t.Fatalf("the chain breaks at %d: %s", brk.Seq, brk.Reason)
	}
	if want := before + 3*3 + 1; after != want {
		t.Errorf("%d entries verified, want %d", after, want)
	}
}
