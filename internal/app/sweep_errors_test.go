package app_test

import (
	"fmt"
	"strings"
	"testing"

	"zhitong/internal/app"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// failSupervisionOf makes the database refuse every supervision action of
// one case, as a broken row or a constraint would: a real failure inside
// the sweep's transaction, on either engine.
func failSupervisionOf(t *testing.T, db *store.DB, caseID int64) {
	t.Helper()
	failInsertsOf(t, db, "supervision_actions", caseID)
}

// failInsertsOf makes the database refuse every row of table (one with a
// case_id column) for one case, until unfail.
func failInsertsOf(t *testing.T, db *store.DB, table string, caseID int64) {
	t.Helper()
	stmts := []string{fmt.Sprintf(`CREATE TRIGGER refuse_case BEFORE INSERT ON %s
 WHEN NEW.case_id = %d BEGIN SELECT RAISE(ABORT, 'refused for the test'); END`, table, caseID)}
	if testkit.Postgres() {
		stmts = []string{fmt.Sprintf(`CREATE FUNCTION refuse_case() RETURNS trigger LANGUAGE plpgsql AS $$
 BEGIN IF NEW.case_id = %d THEN RAISE EXCEPTION 'refused for the test'; END IF; RETURN NEW; END $$`, caseID),
			`CREATE TRIGGER refuse_case BEFORE INSERT ON ` + table + ` FOR EACH ROW EXECUTE FUNCTION refuse_case()`}
	}
	mustExec(t, db, stmts...)
}

// unfail drops failInsertsOf's trigger on table.
func unfail(t *testing.T, db *store.DB, table string) {
	t.Helper()
	if testkit.Postgres() {
		mustExec(t, db, `DROP TRIGGER refuse_case ON `+table, `DROP FUNCTION refuse_case()`)
		return
	}
	mustExec(t, db, `DROP TRIGGER refuse_case`)
}

func mustExec(t *testing.T, db *store.DB, stmts ...string) {
	t.Helper()
	err := db.Write(ctx, func(tx *store.Tx) error {
		for _, s := range stmts {
			if _, err := tx.Exec(ctx, s); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestSweepGoesOnPastAFailingCase: one case whose escalation fails does not
// stop the other cases, the bulletins or the record of the run; the failure
// is counted and returned after everything ran, and again at the next tick.
func TestSweepGoesOnPastAFailingCase(t *testing.T) {
	a, clock := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	unitHandler(t, a, f)
	bad := assigned(t, a, f, "建设路路灯不亮，夜间出行不便")
	good := assigned(t, a, f, "小区门口路面塌陷，车辆难以通行")
	failSupervisionOf(t, a.DB(), bad.ID)

	setDay(clock, "2026-11-25") // 3 working days left: a reminder for each
	r, err := a.SweepOnce(ctx)
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("case %d", bad.ID)) || !strings.Contains(err.Error(), "refused for the test") {
		t.Fatalf("sweep error = %v, want the failing case named", err)
	}
	if want := (app.SweepResult{Escalations: 1, Bulletins: 2, Errors: 1}); r != want {
		t.Errorf("sweep did %+v, want %+v: the good case, last week's and October's bulletins, one error", r, want)
	}
	if got := strings.Join(templates(t, a, good.ID), " "); got != "unit.assigned case.reminder" {
		t.Errorf("good case outbox %q", got)
	}
	if got := strings.Join(templates(t, a, bad.ID), " "); got != "unit.assigned" {
		t.Errorf("failing case outbox %q: its transaction should have rolled back", got)
	}
	run := testkit.Must(store.GetJobRun(ctx, a.DB(), "sweep"))(t)
	if !run.FinishedAt.Equal(clock.Now()) || run.Errors != 1 || !strings.Contains(run.LastError, "refused for the test") {
		t.Errorf("recorded run = %+v", run)
	}

	// The next tick tries the failing case again and still finishes.
	r, err = a.SweepOnce(ctx)
	if r != (app.SweepResult{Errors: 1}) || err == nil {
		t.Errorf("second sweep: %+v, %v", r, err)
	}
}
