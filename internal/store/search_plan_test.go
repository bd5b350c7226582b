package store_test

import (
	"context"
	"strings"
	"testing"

	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// TestSearchPlanIsCustom: on PostgreSQL every connection of the pool plans
// each execution of a prepared statement with its values
// (plan_cache_mode = force_custom_plan, store.Open), so a search's plan does
// not depend on which plan a pooled connection happened to cache after its
// fifth execution. A statement prepared once on one connection and
// explained seven times keeps the word in its plan every time; the same
// under force_generic_plan shows the parameter ($1) instead, which is what
// the check looks for.
func TestSearchPlanIsCustom(t *testing.T) {
	if !testkit.Postgres() {
		t.Skip("PostgreSQL only: SQLite plans every statement with its values")
	}
	db := testkit.MustDB(t)
	ctx := context.Background()
	plans := func(mode string) []string {
		var out []string
		err := db.Write(ctx, func(tx *store.Tx) error {
			var got string
			if err := tx.QueryRow(ctx, `SHOW plan_cache_mode`).Scan(&got); err != nil {
				return err
			}
			if got != "force_custom_plan" {
				t.Errorf("a pool connection has plan_cache_mode = %q, want force_custom_plan", got)
			}
			if mode != "" {
				if _, err := tx.Exec(ctx, `SET LOCAL plan_cache_mode = `+mode); err != nil {
					return err
				}
			}
			if _, err := tx.Exec(ctx, `PREPARE plan_probe(text) AS SELECT id FROM cases WHERE search @@ to_tsquery('simple', $1) ORDER BY id DESC LIMIT 21`); err != nil {
				return err
			}
			defer tx.Exec(ctx, `DEALLOCATE plan_probe`)
			for range 7 {
				rows, err := tx.Query(ctx, `EXPLAIN EXECUTE plan_probe('''路灯''')`)
				if err != nil {
					return err
				}
				var plan []string
				for rows.Next() {
					var line string
					if err := rows.Scan(&line); err != nil {
						rows.Close()
						return err
					}
					plan = append(plan, line)
				}
				rows.Close()
				out = append(out, strings.Join(plan, "\n"))
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	for i, p := range plans("") {
		if strings.Contains(p, "$1") || !strings.Contains(p, "路灯") {
			t.Errorf("execution %d was planned without its word:\n%s", i+1, p)
		}
	}
	// The check can fail: a generic plan names the parameter.
	generic := plans("force_generic_plan")
	if last := generic[len(generic)-1]; !strings.Contains(last, "$1") {
		t.Errorf("a generic plan should show $1:\n%s", last)
	}
}
