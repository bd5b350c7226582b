package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"zhitong/internal/seed"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// orExists is DeputyCases as it was before 2026-12-07: the deputy's cases
// as c.deputy_id = ? OR EXISTS (…), which scans every case.
// The benchmark keeps it to check the rewrite returns the same rows in the
// same order and to show the difference.
const orExists = `SELECT c.id, c.submitted_at FROM cases c WHERE (c.deputy_id = ? OR EXISTS (SELECT 1 FROM duty_record_cases rc
 JOIN duty_records r ON r.id = rc.record_id AND r.voided_at = ''
 JOIN duty_record_deputies x ON x.record_id = r.id WHERE rc.case_id = c.id AND x.deputy_id = ?)) ORDER BY c.submitted_at, c.id`

// BenchmarkDeputyCases times store.DeputyCases (the cases a deputy
// collected, read once per deputy when points are rebuilt and on every
// intake naming a deputy) over ZHITONG_BENCH_CASES seeded cases (default
// 20,000), with duty records linking the busiest deputy to other deputies'
// cases (one record voided). It first checks the result is the old OR
// EXISTS query's, row for row. Run it with:
//
//	ZHITONG_BENCH_CASES=50000 go test ./internal/store -run '^$' -bench DeputyCases -benchtime 20x
func BenchmarkDeputyCases(b *testing.B) {
	n := testkit.BenchCases(20_000)
	ctx := b.Context()
	a, _ := testkit.MustApp(b)
	t0 := time.Now()
	if _, err := seed.Run(ctx, a, seed.Options{Cases: n, Force: true}); err != nil {
		b.Fatal(err)
	}
	b.Logf("seeded %d cases in %s", n, time.Since(t0).Round(time.Millisecond))
	db := a.DB()
	var dep, other int64
	if err := db.QueryRow(ctx, `SELECT deputy_id FROM cases WHERE deputy_id IS NOT NULL GROUP BY deputy_id ORDER BY COUNT(*) DESC, deputy_id LIMIT 1`).Scan(&dep); err != nil {
		b.Fatal(err)
	}
	if err := db.QueryRow(ctx, `SELECT MIN(id) FROM deputies WHERE id <> ?`, dep).Scan(&other); err != nil {
		b.Fatal(err)
	}
	// Two duty records of dep and another deputy: one linking 5 others'
	// cases and 2 of dep's own (counted once), one voided linking 3 more.
	others := ids(b, db, `SELECT id FROM cases WHERE deputy_id IS NULL OR deputy_id <> ? ORDER BY id LIMIT 8`, dep)
	own := ids(b, db, `SELECT id FROM cases WHERE deputy_id = ? ORDER BY id LIMIT 2`, dep)
	if err := db.Write(ctx, func(tx *store.Tx) error {
		for i, rec := range []struct {
			voided string
			cases  []int64
		}{{"", append(others[:5:5], own...)}, {"2026-12-01T00:00:00Z", others[5:]}} {
			var id int64
			if err := tx.QueryRow(ctx, `INSERT INTO duty_records (kind, day, region_code, created_at, voided_at) VALUES ('reception', ?, '360728', ?, ?) RETURNING id`,
				"2026-11-0"+string(rune('1'+i)), "2026-11-01T00:00:00Z", rec.voided).Scan(&id); err != nil {
				return err
			}
			for _, d := range []int64{dep, other} {
				if _, err := tx.Exec(ctx, `INSERT INTO duty_record_deputies (record_id, deputy_id) VALUES (?, ?)`, id, d); err != nil {
					return err
				}
			}
			for _, c := range rec.cases {
				if _, err := tx.Exec(ctx, `INSERT INTO duty_record_cases (record_id, case_id) VALUES (?, ?)`, id, c); err != nil {
					return err
				}
			}
		}
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	var deputies []int64
	deputies = ids(b, db, `SELECT id FROM deputies ORDER BY id`)
	for _, d := range []int64{dep, other, deputies[len(deputies)-1]} {
		got := testkit.Must(store.DeputyCases(ctx, db, d))(b)
		want := oldCases(b, db, d)
		if !slices.Equal(got, want) {
			b.Fatalf("deputy %d: DeputyCases returned %d cases, the OR EXISTS query %d (or in another order)", d, len(got), len(want))
		}
		outcomes := testkit.Must(store.DeputyCaseOutcomes(ctx, db, d))(b)
		if len(outcomes) != len(want) {
			b.Fatalf("deputy %d: DeputyCaseOutcomes returned %d cases, want %d", d, len(outcomes), len(want))
		}
		for i, o := range outcomes {
			if o.ID != want[i].ID {
				b.Fatalf("deputy %d: DeputyCaseOutcomes[%d] = case %d, want %d", d, i, o.ID, want[i].ID)
			}
		}
		if d == dep {
			b.Logf("deputy %d collected %d cases (5 more through a duty record)", d, len(got))
		}
	}
	b.Run("one", func(b *testing.B) {
		for b.Loop() {
			testkit.Must(store.DeputyCases(ctx, db, dep))(b)
		}
	})
	b.Run("or-exists", func(b *testing.B) {
		for b.Loop() {
			oldCases(b, db, dep)
		}
	})
	b.Run("all-deputies", func(b *testing.B) {
		for b.Loop() {
			for _, d := range deputies {
				testkit.Must(store.DeputyCases(ctx, db, d))(b)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*len(deputies)), "µs/deputy")
	})
}

func oldCases(tb testing.TB, db store.Q, deputyID int64) []store.Dated {
	rows, err := db.Query(context.Background(), orExists, deputyID, deputyID)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	var out []store.Dated
	for rows.Next() {
		var d store.Dated
		if err := rows.Scan(&d.ID, &d.At); err != nil {
			tb.Fatal(err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

func ids(tb testing.TB, db store.Q, query string, args ...any) []int64 {
	rows, err := db.Query(context.Background(), query, args...)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			tb.Fatal(err)
		}
		out = append(out, id)
	}
	return out
}
