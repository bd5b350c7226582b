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
