package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"zhitong/internal/sheets"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// TestImportStationAcrossProvinces: on a deployment made by zhitong init
// 360728, after zhitong regions add 441624, the documented command
// (docs/stations.md) imports 岭北镇赣粤边界联络站 serving 定南县岭北镇 and
// 和平县下车镇: with --region all, or no --region (the deployment has two
// top-level regions, 36 and 44). --region 36 stays limited to Jiangxi and
// refuses the Guangdong region, writing nothing.
func TestImportStationAcrossProvinces(t *testing.T) {
	ctx := context.Background()
	dsn, dir := testkit.DSN(t), t.TempDir()
	key := filepath.Join(dir, "zhitong.key")
	cmd := func(args ...string) (int, string) {
		t.Helper()
		var out, errs bytes.Buffer
		env := Env{Stdout: &out, Stderr: &errs, Stdin: strings.NewReader(""), Getenv: func(string) string { return "" }, Clock: testkit.NewClock(testkit.Start)}
		code := Run(ctx, env, append(args, "--db", dsn, "--key-file", key))
		return code, out.String() + errs.String()
	}
	if code, out := cmd("init", "--region", "360728"); code != 0 {
		t.Fatalf("init: exit %d\n%s", code, out)
	}
	if code, out := cmd("regions", "add", "441624"); code != 0 {
		t.Fatalf("regions add: exit %d\n%s", code, out)
	}
	spec := testkit.Must(sheets.Kind("stations"))(t)
	st := filepath.Join(dir, "st.xlsx")
	if err := os.WriteFile(st, testkit.Workbook(t, spec.Headers(),
		[]string{"岭北镇赣粤边界联络站", "跨区域联络站", "360728105", "441624103", "岭北镇圩镇", "", "", "", "", "0797-4321234"}), 0o600); err != nil {
		t.Fatal(err)
	}
	db := testkit.Must(store.Open(ctx, dsn))(t)
	defer db.Close()
	count := func() int {
		var n int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM station_regions WHERE region_code IN ('360728105', '441624103')`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if code, out := cmd("import", "stations", st, "--region", "36"); code != 1 || !strings.Contains(out, "441624103") || count() != 0 {
		t.Fatalf("--region 36: exit %d, %d regions written\n%s", code, count(), out)
	}
	if code, out := cmd("import", "stations", st, "--dry-run"); code != 0 || count() != 0 {
		t.Fatalf("no --region, dry run: exit %d\n%s", code, out)
	}
	if code, out := cmd("import", "stations", st, "--region", "all"); code != 0 || !strings.Contains(out, "岭北镇赣粤边界联络站：新增") || count() != 2 {
		t.Fatalf("--region all: exit %d, %d regions\n%s", code, count(), out)
	}
}
