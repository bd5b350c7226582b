package cli

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// TestRegionsAdd: zhitong regions add loads the other province's county
// on an init'd deployment; an unknown code is refused and writes nothing.
func TestRegionsAdd(t *testing.T) {
	dsn, key := testkit.DSN(t), filepath.Join(t.TempDir(), "zhitong.key")
	cmd := func(name string, args ...string) (int, string, string) {
		var out, errs bytes.Buffer
		env := Env{Stdout: &out, Stderr: &errs, Stdin: strings.NewReader(""), Getenv: func(string) string { return "" }, Clock: testkit.NewClock(testkit.Start)}
		code := Run(context.Background(), env, append(append([]string{name}, args...), "--key-file", key))
		return code, out.String(), errs.String()
	}
	if code, out, errs := cmd("init", "--region", "360728", "--db", dsn); code != 0 {
		t.Fatalf("init: exit %d\n%s%s", code, out, errs)
	}
	regions := func(args ...string) (int, string, string) { return cmd("regions", append([]string{"add"}, args...)...) }
	has := func(code string) bool {
		db := testkit.Must(store.Open(context.Background(), dsn))(t)
		defer db.Close()
		_, err := store.GetRegion(context.Background(), db, code)
		return err == nil
	}
	code, out, errs := regions("441624", "441699", "--db", dsn)
	if code != 1 || !strings.Contains(errs, "441699") || !strings.Contains(errs, "不在全国行政区划数据中") || has("441624") {
		t.Fatalf("unknown code: exit %d, 和平县 loaded %v\n%s%s", code, has("441624"), out, errs)
	}
	code, out, errs = regions("--db", dsn, "441624")
	if code != 0 || !strings.Contains(out, "广东省河源市和平县") || !strings.Contains(out, "17") || !has("441624116") {
		t.Fatalf("regions add: exit %d\n%s%s", code, out, errs)
	}
}
