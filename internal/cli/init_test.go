package cli

import (
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"zhitong"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// initRunner runs zhitong init in-process on one database, with stdin.
func initRunner(t *testing.T) (run func(stdin string, args ...string) (int, string, string), dsn string) {
	dsn, key := testkit.DSN(t), filepath.Join(t.TempDir(), "zhitong.key")
	return func(stdin string, args ...string) (int, string, string) {
		t.Helper()
		var out, errs bytes.Buffer
		env := Env{Stdout: &out, Stderr: &errs, Stdin: strings.NewReader(stdin), Getenv: func(string) string { return "" }, Clock: testkit.NewClock(testkit.Start)}
		code := Run(context.Background(), env, append([]string{"init", "--db", dsn, "--key-file", key}, args...))
		return code, out.String(), errs.String()
	}, dsn
}

var shownPassword = regexp.MustCompile(`(\S+)\s+\S+\s+\S+\s+密码：(\S+)`)

func users(t *testing.T, dsn string) []*zhitong.User {
	t.Helper()
	ctx := context.Background()
	db := testkit.Must(store.Open(ctx, dsn))(t)
	defer db.Close()
	return testkit.Must(store.ListUsers(ctx, db))(t)
}

func TestInitByFlags(t *testing.T) {
	run, dsn := initRunner(t)
	code, out, errs := run("", "--region", "360783", "--short-name", "龙人大", "--committee", "daibiaogongwei")
	if code != 0 || !strings.Contains(out, "江西省赣州市龙南市（360783）") || !strings.Contains(out, "龙南市人大常委会代表工作委员会；简称 龙人大") {
		t.Fatalf("init: exit %d\n%s%s", code, out, errs)
	}
	shown := shownPassword.FindAllStringSubmatch(out, -1)
	if len(shown) != 2 || shown[0][1] != "anquan" || shown[1][1] != "daibiaogongwei" {
		t.Fatalf("accounts shown: %q\n%s", shown, out)
	}
	for _, u := range users(t, dsn) {
		if !u.MustChangePassword || u.RegionCode != "360783" {
			t.Errorf("%s: must change %v, region %s", u.Username, u.MustChangePassword, u.RegionCode)
		}
	}
	// Twice: refused, nothing changed, and the way out named.
	code, out, errs = run("", "--region", "360783")
	if code != 1 || !strings.Contains(errs, "已有数据") || !strings.Contains(errs, "--add") || strings.Contains(out, "密码") {
		t.Errorf("second init: exit %d\n%s%s", code, out, errs)
	}
	if n := len(users(t, dsn)); n != 2 {
		t.Errorf("%d users after a refused init", n)
	}
	// --add: another county; the committee account only.
	code, out, errs = run("", "--region", "330106", "--add")
	if code != 0 || !strings.Contains(out, "西湖区人大常委会") || len(shownPassword.FindAllString(out, -1)) != 1 || !strings.Contains(out, "gongwei330106") {
		t.Errorf("init --add: exit %d\n%s%s", code, out, errs)
	}
	code, _, errs = run("", "--region", "330106", "--add")
	if code != 1 || !strings.Contains(errs, "已经设置过") {
		t.Errorf("init --add twice: exit %d %s", code, errs)
	}
}

func TestInitNeedsARegion(t *testing.T) {
	run, dsn := initRunner(t)
	code, _, errs := run("")
	if code != 1 || !strings.Contains(errs, "--region") {
		t.Errorf("init without a region off a terminal: exit %d %s", code, errs)
	}
	code, _, errs = run("", "--region", "360783100")
	if code != 1 || !strings.Contains(errs, "乡镇") {
		t.Errorf("init on a township: exit %d %s", code, errs)
	}
	if n := len(users(t, dsn)); n != 0 {
		t.Errorf("%d users after refusals", n)
	}
}

func TestInitInteractive(t *testing.T) {
	run, dsn := initRunner(t)
	// Declined: nothing written.
	code, out, _ := run("龙南\n\n\n\n\n\nn\n", "--interactive")
	if code != 0 || !strings.Contains(out, "已取消") || len(users(t, dsn)) != 0 {
		t.Fatalf("declined: exit %d %s", code, out)
	}
	// A name with several matches, a choice by number, one default changed.
	code, out, errs := run("西湖\n1\n\n\n西湖人大常委\n\n\ny\n", "--interactive")
	if code != 0 {
		t.Fatalf("interactive: exit %d\n%s%s", code, out, errs)
	}
	for _, want := range []string{"行政区划代码或名称", "浙江省杭州市西湖区（330106）", "请输入序号", "人大常委会名称 [西湖区人大常委会]", "确认"} {
		if !strings.Contains(errs, want) {
			t.Errorf("prompts lack %q:\n%s", want, errs)
		}
	}
	if !strings.Contains(out, "西湖区人大常委会；西湖区人大常委会代表工作委员会；简称 西湖人大常委") || len(shownPassword.FindAllString(out, -1)) != 2 {
		t.Errorf("result:\n%s", out)
	}
	// Input that ends early: refused, nothing more written.
	run2, dsn2 := initRunner(t)
	if code, _, errs := run2("360783\n", "--interactive"); code != 1 || !strings.Contains(errs, "输入已结束") || len(users(t, dsn2)) != 0 {
		t.Errorf("short input: exit %d %s", code, errs)
	}
}
