package keys_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"zhitong/internal/app"
	"zhitong/internal/keys"
	"zhitong/internal/pii"
	"zhitong/internal/testkit"
)

// TestRotationSpeed measures `key rotate` on N cases (every sealed column
// filled, 4 values a case): ZHITONG_MEASURE_ROTATION=50000 go test
// ./internal/keys -run TestRotationSpeed -v. Figures in docs/operations.md.
func TestRotationSpeed(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("ZHITONG_MEASURE_ROTATION"))
	if n <= 0 {
		t.Skip("set ZHITONG_MEASURE_ROTATION=N (cases) to measure")
	}
	testkit.NoKeyEnv(t)
	ctx := context.Background()
	db := testkit.MustDB(t)
	ka := filepath.Join(t.TempDir(), "a.key")
	r := testkit.Must(keys.Open(ctx, db, keys.Source{KeyFile: ka, Create: true}))(t)
	a := testkit.Must(app.New(ctx, app.Config{DB: db, Clock: testkit.NewClock(testkit.Start), Sealer: r.Sealer}))(t)
	f := testkit.Seed(t, a)
	t0 := time.Now()
	testkit.SealEverything(t, a, f, n)
	t.Logf("seeded %d cases in %s", n, time.Since(t0))
	kb := filepath.Join(t.TempDir(), "b.key")
	testkit.Must(pii.CreateKeyFile(kb))(t)
	rs := testkit.Must(keys.Open(ctx, db, keys.Source{KeyFile: kb, OldKeyFile: ka, Begin: true}))(t)
	t0 = time.Now()
	rep := testkit.Must(keys.Rotate(ctx, db, rs.Sealer, time.Now, nil))(t)
	d := time.Since(t0)
	t.Logf("rotated %d values in %s: %.0f values/s", rep.Resealed, d, float64(rep.Resealed)/d.Seconds())
}
