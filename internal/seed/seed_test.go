package seed_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/seed"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// A seeded database is one the application works on: the audit chain
// verifies, every status is there, a seeded case opens with its history,
// search finds it, its tracking code answers, and a seeded running case
// goes on through the real lifecycle steps.
func TestSeedFromEmpty(t *testing.T) {
	a, _ := testkit.MustApp(t)
	ctx := context.Background()
	var progress bytes.Buffer
	res, err := seed.Run(ctx, a, seed.Options{Cases: 400, Progress: &progress, Region: "360783", Batch: 150})
	if err != nil {
		t.Fatal(err)
	}
	if res.Cases != 400 || res.LastCaseID-res.FirstCaseID != 399 {
		t.Fatalf("result %+v", res)
	}
	if !strings.Contains(progress.String(), "件/秒") || !strings.Contains(progress.String(), "400 / 400") {
		t.Errorf("progress:\n%s", progress.String())
	}
	brk, n, err := a.DB().VerifyAudit(ctx)
	if err != nil || brk != nil {
		t.Fatalf("audit verify: %v %+v", err, brk)
	}
	if n < res.Audit {
		t.Fatalf("audit has %d entries, the seed wrote %d", n, res.Audit)
	}
	counts, err := store.CountCasesByStatus(ctx, a.DB(), store.CaseFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range zhitong.Statuses {
		if counts[s.Value] == 0 {
			t.Errorf("no case in status %s (%v)", s.Value, counts)
		}
	}
	var outcomes, bodies, towns int
	db := a.DB()
	testkit.Must(0, db.QueryRow(ctx, `SELECT COUNT(DISTINCT outcome) FROM replies`).Scan(&outcomes))(t)
	testkit.Must(0, db.QueryRow(ctx, `SELECT COUNT(DISTINCT body) FROM cases`).Scan(&bodies))(t)
	testkit.Must(0, db.QueryRow(ctx, `SELECT COUNT(DISTINCT region_code) FROM cases`).Scan(&towns))(t)
	if outcomes != 4 || bodies < 300 || towns < 10 {
		t.Errorf("outcomes %d, distinct bodies %d, towns %d", outcomes, bodies, towns)
	}
	var pending int
	testkit.Must(0, db.QueryRow(ctx, `SELECT COUNT(*) FROM notifications WHERE status = 'pending'`).Scan(&pending))(t)
	if pending != 0 {
		t.Errorf("%d seeded notices would be sent at start-up", pending)
	}

	officer := principal(t, a, "seed-360783-ganshi")
	// An in-progress case: its page, search, tracking; then its unit replies
	// and the citizen is satisfied, through the application.
	var id int64
	testkit.Must(0, db.QueryRow(ctx, `SELECT id FROM cases WHERE status = 'in_progress' AND NOT anonymous ORDER BY id LIMIT 1`).Scan(&id))(t)
	v := testkit.Must(a.Get(ctx, officer, id))(t)
	if len(v.Events) < 3 || len(v.Assignments) == 0 || v.Phone == "" || !strings.Contains(v.Phone, "****") {
		t.Fatalf("case view: %d events, %d assignments, phone %q", len(v.Events), len(v.Assignments), v.Phone)
	}
	word := string([]rune(v.Title)[len([]rune(v.Title))-2:])
	found, _ := testkit.Must2(a.List(ctx, officer, app.ListInput{Query: word, PerPage: 50}))(t)
	if len(found) == 0 {
		t.Fatalf("search %q found nothing", word)
	}
	tv := testkit.Must(a.Track(ctx, v.Code))(t)
	if tv.Status != zhitong.StatusInProgress {
		t.Fatalf("track %s: %s", v.Code, tv.Status)
	}
	var unitUser string
	testkit.Must(0, db.QueryRow(ctx, `SELECT u.username FROM users u JOIN assignments a ON a.unit_id = u.unit_id WHERE a.case_id = ? AND a.lead ORDER BY a.id DESC LIMIT 1`, id).Scan(&unitUser))(t)
	unit := principal(t, a, unitUser)
	testkit.Must(a.Reply(ctx, unit, id, app.ReplyInput{Outcome: zhitong.OutcomeSolved, Text: "已处理完毕，谢谢监督。"}))(t)
	c := testkit.Must(a.Evaluate(ctx, v.Code, app.EvaluateInput{Rating: zhitong.RatingSatisfied}))(t)
	if c.Status != zhitong.StatusEvaluated {
		t.Fatalf("after evaluation: %s", c.Status)
	}
	// The deadline sweep runs over the seeded history.
	if _, err := a.SweepOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if brk, _, err := a.DB().VerifyAudit(ctx); err != nil || brk != nil {
		t.Fatalf("audit verify after the app's own steps: %v %+v", err, brk)
	}

	// A second seed adds to the first, in the same region, without --force.
	res2, err := seed.Run(ctx, a, seed.Options{Cases: 50, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	if res2.Region != "360783" || res2.FirstCaseID <= res.LastCaseID {
		t.Fatalf("second seed %+v", res2)
	}
	if brk, _, err := a.DB().VerifyAudit(ctx); err != nil || brk != nil {
		t.Fatalf("audit verify after the second seed: %v %+v", err, brk)
	}
	// The application's own next rows do not collide with seeded ids.
	testkit.Must(a.Submit(ctx, zhitong.Citizen, app.IntakeInput{Body: "种子数据之后提交的新诉求内容", RegionCode: "360783100"}))(t)
}

// A deployment set up for real is refused, and nothing is written; --force
// seeds it anyway.
func TestSeedRefusesRealDeployment(t *testing.T) {
	a, _ := testkit.MustApp(t)
	ctx := context.Background()
	testkit.SetUp(t, a, "360783")
	_, err := seed.Run(ctx, a, seed.Options{Cases: 10})
	testkit.WantCode(t, err, zhitong.ECONFLICT)
	if !strings.Contains(zhitong.ErrorMessage(err), "--force") {
		t.Errorf("message: %s", zhitong.ErrorMessage(err))
	}
	var n int
	testkit.Must(0, a.DB().QueryRow(ctx, `SELECT COUNT(*) FROM units`).Scan(&n))(t)
	if n != 0 {
		t.Fatalf("refused seed wrote %d units", n)
	}
	// A real case, too, is refused.
	testkit.Must(a.Submit(ctx, zhitong.Citizen, app.IntakeInput{Body: "真实群众提交的诉求内容", RegionCode: "360783100"}))(t)
	_, err = seed.Run(ctx, a, seed.Options{Cases: 10})
	testkit.WantCode(t, err, zhitong.ECONFLICT)

	res, err := seed.Run(ctx, a, seed.Options{Cases: 30, Force: true, Region: "360783"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Cases != 30 {
		t.Fatalf("forced seed: %+v", res)
	}
	if brk, _, err := a.DB().VerifyAudit(ctx); err != nil || brk != nil {
		t.Fatalf("audit verify: %v %+v", err, brk)
	}
}

func principal(t *testing.T, a *app.App, username string) zhitong.Principal {
	t.Helper()
	u, err := store.GetUserByName(context.Background(), a.DB(), username)
	if err != nil {
		t.Fatalf("%s: %v", username, err)
	}
	return u.Principal()
}

// Fifteen cases are enough for every status.
func TestSmallSeedHasEveryStatus(t *testing.T) {
	a, _ := testkit.MustApp(t)
	ctx := context.Background()
	if _, err := seed.Run(ctx, a, seed.Options{Cases: len(zhitong.Statuses), Region: "360783"}); err != nil {
		t.Fatal(err)
	}
	counts := testkit.Must(store.CountCasesByStatus(ctx, a.DB(), store.CaseFilter{}))(t)
	for _, s := range zhitong.Statuses {
		if counts[s.Value] != 1 {
			t.Errorf("%d cases in status %s", counts[s.Value], s.Value)
		}
	}
}

// Seeded just after midnight in China, nothing happens in the future: the
// office-hours rule must not move a case of the small hours to later today
// (a 1M seed started at 00:38 had 169 cases submitted up to 19 h ahead),
// nor may a co-unit sign after the seeder's now (a 1M seed had cases
// updated up to 10 h ahead, which every "changed since" read then found).
// Every time the seeder writes is checked, on every table it fills.
func TestSeedNothingInTheFuture(t *testing.T) {
	a, clock := testkit.MustApp(t)
	now := time.Date(2026, 12, 8, 0, 20, 0, 0, zhitong.China)
	clock.Set(now)
	ctx := context.Background()
	if _, err := seed.Run(ctx, a, seed.Options{Cases: 1500, Region: "360783"}); err != nil {
		t.Fatal(err)
	}
	stamp := store.FormatTime(now)
	for table, cols := range map[string][]string{
		"cases":         {"submitted_at", "registered_at", "closed_at", "archived_at", "updated_at"},
		"proposals":     {"created_at"},
		"assignments":   {"assigned_at", "accepted_at", "returned_at"},
		"replies":       {"at"},
		"deliveries":    {"at"},
		"evaluations":   {"at"},
		"case_events":   {"at"},
		"notifications": {"created_at", "not_before", "sent_at", "read_at"},
		"publications":  {"confirmed_at", "replied_at"},
		"audit_log":     {"at"},
	} {
		for _, col := range cols {
			var n int
			var last string
			q := `SELECT COUNT(*), COALESCE(MAX(` + col + `), '') FROM ` + table + ` WHERE ` + col + ` > ?`
			if err := a.DB().QueryRow(ctx, q, stamp).Scan(&n, &last); err != nil {
				t.Fatal(err)
			}
			if n != 0 {
				t.Errorf("%s.%s: %d rows after %s, the last %s", table, col, n, stamp, last)
			}
		}
	}
}

// On PostgreSQL a seeded database has its visibility map, as autovacuum
// would set it: the loaded cases are all-visible, so an index-only scan
// (the sweep's changed cases, migration 109) reads no heap page for them.
func TestSeedSetsTheVisibilityMap(t *testing.T) {
	if !testkit.Postgres() {
		t.Skip("PostgreSQL only")
	}
	a, _ := testkit.MustApp(t)
	ctx := context.Background()
	if _, err := seed.Run(ctx, a, seed.Options{Cases: 300, Region: "360783"}); err != nil {
		t.Fatal(err)
	}
	var pages, visible int
	if err := a.DB().QueryRow(ctx, `SELECT relpages, relallvisible FROM pg_class WHERE oid = 'cases'::regclass`).Scan(&pages, &visible); err != nil {
		t.Fatal(err)
	}
	if pages == 0 || visible < pages {
		t.Fatalf("cases: %d of %d pages all-visible after the seed", visible, pages)
	}
}
