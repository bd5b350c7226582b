package seed_test

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"

	"zhitong"
	"zhitong/internal/seed"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// schemaObjects lists the indexes and constraints of the schema, with
// their definitions: what dropping and rebuilding must leave as it was.
func schemaObjects(t *testing.T, db *store.DB) []string {
	t.Helper()
	rows, err := db.Query(context.Background(), `SELECT tablename || ' ' || indexname || ' ' || replace(indexdef, ' ON ONLY ', ' ON ') FROM pg_indexes WHERE schemaname = current_schema()
 UNION ALL SELECT conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint WHERE connamespace = current_schema()::regnamespace`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

// TestSeedDropsAndRebuildsIndexes (PostgreSQL): a big seed into a database
// of seeded records drops the secondary indexes and foreign keys of the
// tables it loads and rebuilds every one of them; a seed killed before the
// rebuild leaves them recorded, and the next migrate (zhitong seed, init,
// migrate, serve) builds them; the same holds on partitioned tables; a
// database with real records keeps them.
func TestSeedDropsAndRebuildsIndexes(t *testing.T) {
	if !testkit.Postgres() {
		t.Skip("PostgreSQL only: SQLite keeps its indexes")
	}
	ctx := context.Background()
	defer func(n int) { *seed.DropIndexesFrom = n }(*seed.DropIndexesFrom)
	*seed.DropIndexesFrom = 50
	a, _ := testkit.MustApp(t)
	db := a.DB()
	before := schemaObjects(t, db)
	var progress bytes.Buffer
	if _, err := seed.Run(ctx, a, seed.Options{Cases: 60, Progress: &progress, Region: "360783", Batch: 25}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(progress.String(), "暂时删除") || !strings.Contains(progress.String(), "已重建") {
		t.Fatalf("the seed did not drop and rebuild the indexes:\n%s", progress.String())
	}
	if after := schemaObjects(t, db); !slices.Equal(before, after) {
		t.Fatalf("indexes and constraints after the seed differ:\nbefore %q\nafter  %q", before, after)
	}
	if brk, _, err := db.VerifyAudit(ctx); err != nil || brk != nil {
		t.Fatalf("audit verify: %v %+v", err, brk)
	}

	// Killed after dropping: recorded, and rebuilt by the next migrate.
	n, err := db.DropBulkIndexes(ctx, []string{"cases", "case_events", "audit_log"}, a.Now())
	if err != nil || n < 5 {
		t.Fatalf("dropped %d: %v", n, err)
	}
	if mid := schemaObjects(t, db); len(mid) != len(before)-n {
		t.Fatalf("%d objects after dropping %d of %d", len(mid), n, len(before))
	}
	var recorded int
	testkit.Must(0, db.QueryRow(ctx, `SELECT COUNT(*) FROM seed_dropped`).Scan(&recorded))(t)
	if recorded != n {
		t.Fatalf("%d recorded, %d dropped", recorded, n)
	}
	testkit.Must(db.Migrate(ctx))(t)
	if after := schemaObjects(t, db); !slices.Equal(before, after) {
		t.Fatalf("migrate did not rebuild what was dropped:\nbefore %q\nafter  %q", before, after)
	}

	// The same on tables partitioned by month (zhitong db partition): an
	// index of the partitioned table is built again on every partition.
	testkit.Must(db.Partition(ctx, a.Now(), store.PartitionsAhead))(t)
	before = schemaObjects(t, db)
	progress.Reset()
	if _, err := seed.Run(ctx, a, seed.Options{Cases: 60, Progress: &progress, Batch: 25}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(progress.String(), "已重建") {
		t.Fatalf("the seed did not drop and rebuild the indexes:\n%s", progress.String())
	}
	if after := schemaObjects(t, db); !slices.Equal(before, after) {
		t.Fatalf("indexes and constraints of the partitioned tables after the seed differ:\nbefore %q\nafter  %q", before, after)
	}
	if brk, _, err := db.VerifyAudit(ctx); err != nil || brk != nil {
		t.Fatalf("audit verify: %v %+v", err, brk)
	}

	// A database with a real (non-demo) unit keeps its indexes (--force).
	testkit.Must(0, db.Write(ctx, func(tx *store.Tx) error {
		return tx.InsertUnit(ctx, &zhitong.Unit{Name: "真实单位", Kind: "department", RegionCode: "360783"})
	}))(t)
	progress.Reset()
	if _, err := seed.Run(ctx, a, seed.Options{Cases: 60, Progress: &progress, Force: true, Batch: 25}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(progress.String(), "暂时删除") {
		t.Fatalf("a database with real records had its indexes dropped:\n%s", progress.String())
	}
}
