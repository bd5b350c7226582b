package stats_test

import (
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/stats"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// BenchmarkDashboard times the dashboard over ZHITONG_BENCH_CASES cases
// (default 10,000) spread over the last year: a month, a quarter and a
// year, each in total and by unit. The history is bulk-inserted (cases,
// assignments, replies, evaluations as the lifecycle leaves them), since
// the statistics read only those tables. Run it with:
//
//	ZHITONG_BENCH_CASES=100000 go test ./internal/stats -run - -bench Dashboard -benchtime 5x
func BenchmarkDashboard(b *testing.B) {
	n := 10_000
	if s := os.Getenv("ZHITONG_BENCH_CASES"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	a, clock := testkit.MustApp(b)
	f := testkit.Seed(b, a)
	clock.Set(time.Date(2026, 12, 7, 2, 0, 0, 0, time.UTC))
	t0 := time.Now()
	fill(b, a, f, n, clock.Now())
	b.Logf("filled %d cases in %s", n, time.Since(t0).Round(time.Millisecond))
	s := stats.New(a)
	t0 = time.Now()
	months := testkit.Must(s.FreezeDue(b.Context()))(b)
	b.Logf("settled %d days and months in %s", months, time.Since(t0).Round(time.Millisecond))
	committee := f.In[zhitong.RoleCommittee]
	views := func(prefix string) {
		for _, q := range []string{"period=month&month=2026-12", "period=month&month=2026-12&slice=unit", "period=month&month=2026-11", "period=month&month=2026-11&slice=unit", "period=quarter&quarter=2026-Q3&slice=town",
			"period=year&year=2026", "period=year&year=2026&slice=category"} {
			v, _ := url.ParseQuery(q)
			b.Run(prefix+strings.NewReplacer("period=", "", "&", "/", "=", "-").Replace(q), func(b *testing.B) {
				var rows int
				for b.Loop() {
					rows = testkit.Must(s.Dashboard(b.Context(), committee, v))(b).RowsRead
				}
				b.ReportMetric(float64(rows), "rows/op")
			})
		}
	}
	views("")
	// A day's changes before the next run: every case received in the
	// last two days re-categorised (as registering them does), so their
	// days are read live (stats_touched, docs/statistics.md).
	res, err := a.DB().Exec(b.Context(), `UPDATE cases SET category_code = CASE category_code WHEN 'roads' THEN 'consult' ELSE 'roads' END
 WHERE submitted_at >= ?`, store.FormatTime(clock.Now().Add(-48*time.Hour)))
	if err != nil {
		b.Fatal(err)
	}
	touched, _ := res.RowsAffected()
	b.Logf("touched %d cases", touched)
	views("touched/")
}

// fill inserts n cases over the year before now: every case registered
// (most the same day), 90 % assigned to the fixture's units, all replied
// (A to D) but a fifth of the last month's, half of the replies rated.
func fill(b *testing.B, a *app.App, f *testkit.Fixture, n int, now time.Time) {
	ctx := b.Context()
	const batch = 200
	units := []int64{f.Lead, f.Co}
	outcomes := []string{"A", "A", "B", "C", "D"}
	ratings := []string{"satisfied", "basically_satisfied", "unsatisfied"}
	var base int64
	if err := a.DB().QueryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM cases`).Scan(&base); err != nil {
		b.Fatal(err)
	}
	for start := 0; start < n; start += batch {
		end := min(n, start+batch)
		var cs, as, rs, es []string
		var cargs, aargs, rargs, eargs []any
		for i := start; i < end; i++ {
			id := base + int64(i) + 1
			at := now.Add(-time.Duration(i%365) * 24 * time.Hour).Add(-time.Duration(i%7) * time.Hour)
			reg := at.Add(time.Duration(i%3) * 20 * time.Hour)
			status := "registered"
			unit := units[i%2]
			due := at.AddDate(0, 0, 14).Format(time.DateOnly)
			assign := i%10 != 0
			asAt := reg.Add(2 * time.Hour)
			accAt := asAt.Add(time.Duration(i%5) * 24 * time.Hour)
			rAt := asAt.Add(time.Duration(3+i%20) * 24 * time.Hour)
			// Nothing happens after now: the last days' cases wait.
			assign = assign && !asAt.After(now)
			reply := assign && (i%10 < 7 || i%365 > 30) && !rAt.After(now) // older than a month: replied
			regText := store.FormatTime(reg)
			if reg.After(now) {
				regText = ""
			}
			if assign {
				status = "in_progress"
			}
			if reply {
				status = "replied"
			}
			cs = append(cs, "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
			cargs = append(cargs, id, fmt.Sprintf("B%09d", id), []string{"online", "walk_in", "imported"}[i%3], status, "标题", "内容",
				[]string{"roads", "consult"}[i%2], f.Town, f.Station, store.FormatTime(at), regText, store.FormatTime(at), due)
			if !assign {
				continue
			}
			state, accText := "accepted", store.FormatTime(accAt)
			if accAt.After(now) {
				state, accText = "pending", ""
			}
			if reply {
				state = "done" // a reply finishes the round (app.finishRound)
			}
			as = append(as, "(?, ?, ?, 1, ?, ?, ?, ?)")
			aargs = append(aargs, id, unit, true, due, state, store.FormatTime(asAt), accText)
			if !reply {
				continue
			}
			rs = append(rs, "(?, 1, ?, ?, ?, ?)")
			rargs = append(rargs, id, unit, outcomes[i%5], "答复", store.FormatTime(rAt))
			if i%2 == 0 && !rAt.Add(48*time.Hour).After(now) {
				es = append(es, "(?, 1, ?, ?, ?)")
				eargs = append(eargs, id, ratings[i%3], i%4 == 0, store.FormatTime(rAt.Add(48*time.Hour)))
			}
		}
		err := a.DB().Write(ctx, func(tx *store.Tx) error {
			if _, err := tx.Exec(ctx, `INSERT INTO cases (id, code, channel, status, title, body, category_code, region_code, station_id, submitted_at,
 registered_at, updated_at, due_date) VALUES `+strings.Join(cs, ", "), cargs...); err != nil {
				return err
			}
			for _, x := range []struct {
				sql  string
				rows []string
				args []any
			}{
				{`INSERT INTO assignments (case_id, unit_id, lead, round, due_date, state, assigned_at, accepted_at) VALUES `, as, aargs},
				{`INSERT INTO replies (case_id, round, unit_id, outcome, text, at) VALUES `, rs, rargs},
				{`INSERT INTO evaluations (case_id, round, rating, callback, at) VALUES `, es, eargs},
			} {
				if len(x.rows) == 0 {
					continue
				}
				if _, err := tx.Exec(ctx, x.sql+strings.Join(x.rows, ", "), x.args...); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	if testkit.Postgres() {
		if _, err := a.DB().Exec(ctx, `ANALYZE`); err != nil {
			b.Fatal(err)
		}
	} else if _, err := a.DB().Exec(ctx, `ANALYZE`); err != nil {
		b.Fatal(err)
	}
}
