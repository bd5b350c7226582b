package sheets_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/sheets"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// env is an application over a real database with the testkit fixture.
type env struct {
	t   testing.TB
	app *app.App
	f   *testkit.Fixture
	s   *sheets.Service
}

func newEnv(t testing.TB) *env {
	t.Helper()
	a, _ := testkit.MustApp(t)
	return &env{t: t, app: a, f: testkit.Seed(t, a), s: sheets.New(a)}
}

func (e *env) committee() zhitong.Principal { return e.f.In[zhitong.RoleCommittee] }

// book writes a workbook whose first sheet holds header and rows.
func book(tb testing.TB, header []string, rows ...[]string) []byte {
	tb.Helper()
	return testkit.Workbook(tb, header, rows...)
}

func headers(tb testing.TB, kind string) []string {
	tb.Helper()
	spec, err := sheets.Kind(kind)
	if err != nil {
		tb.Fatal(err)
	}
	return spec.Headers()
}

// run imports data as p and fails the test on a file-level error.
func (e *env) run(p zhitong.Principal, kind string, data []byte, dry bool) *sheets.Report {
	e.t.Helper()
	rep, err := e.s.Import(context.Background(), p, kind, bytes.NewReader(data), sheets.Options{DryRun: dry})
	if err != nil {
		e.t.Fatalf("import %s: %v", kind, err)
	}
	return rep
}

// export exports kind as p.
func (e *env) export(p zhitong.Principal, kind string) []byte {
	e.t.Helper()
	var buf bytes.Buffer
	if err := e.s.Export(context.Background(), p, kind, &buf); err != nil {
		e.t.Fatalf("export %s: %v", kind, err)
	}
	return buf.Bytes()
}

func (e *env) count(table string) int {
	e.t.Helper()
	var n int
	if err := e.app.DB().QueryRow(context.Background(), `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// audits counts the audit entries of action.
func (e *env) audits(action string) int {
	e.t.Helper()
	list, err := store.ListAuditFiltered(context.Background(), e.app.DB(), store.AuditQuery{})
	if err != nil {
		e.t.Fatal(err)
	}
	n := 0
	for _, a := range list {
		if a.Action == action {
			n++
		}
	}
	return n
}

func wantCounts(tb testing.TB, rep *sheets.Report, added, updated, unchanged int) {
	tb.Helper()
	if !rep.OK() {
		tb.Fatalf("problems: %v", rep.Problems)
	}
	if rep.Added != added || rep.Updated != updated || rep.Unchanged != unchanged {
		tb.Fatalf("added/updated/unchanged = %d/%d/%d, want %d/%d/%d (%+v)", rep.Added, rep.Updated, rep.Unchanged, added, updated, unchanged, rep.Rows)
	}
}

// hasProblem reports whether the report names row and column with a reason containing text.
func hasProblem(rep *sheets.Report, row int, column, text string) bool {
	for _, p := range rep.Problems {
		if p.Row == row && p.Column == column && strings.Contains(p.Reason, text) {
			return true
		}
	}
	return false
}
