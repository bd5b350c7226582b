package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/sheets"
	"zhitong/internal/store"
)

const importUsage = "用法: zhitong import deputies|units|stations|users FILE.xlsx [--dry-run] [--region CODE|all] [--db …]\n  zhitong import template KIND > FILE.xlsx"

// importCmd imports a workbook as the system, scoped to --region (by
// default the deployment's top region), or writes a template.
func importCmd(ctx context.Context, env Env, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%s", importUsage)
	}
	if args[0] == "template" {
		if len(args) != 2 {
			return fmt.Errorf("用法: zhitong import template deputies|units|stations|users > FILE.xlsx")
		}
		if err := refuseTerminal(env.Stdout); err != nil {
			return err
		}
		return sheets.Template(env.Stdout, args[1])
	}
	kind := args[0]
	if _, err := sheets.Kind(kind); err != nil {
		return err
	}
	fs := newFlags("import "+kind, env)
	var d dbFlags
	d.register(fs, env)
	dry := fs.Bool("dry-run", false, "check every row and report, write nothing")
	region := fs.String("region", "", "region code the import is limited to, or all (default: the deployment's top region; the whole deployment when it has several)")
	files, err := parseInterleaved(fs, args[1:])
	if err != nil {
		return err
	}
	if len(files) != 1 {
		return fmt.Errorf("%s", importUsage)
	}
	f, err := os.Open(files[0])
	if err != nil {
		return zhitong.Errorf(zhitong.EINVALID, "无法打开文件 %s：%v", files[0], err)
	}
	defer f.Close()
	a, p, closeDB, err := openIn(ctx, env, &d, kind, *region)
	if err != nil {
		return err
	}
	defer closeDB()
	opt := sheets.Options{DryRun: *dry}
	if isTerminal(env.Stderr) {
		opt.Progress = (&progressBar{w: env.Stderr, label: "导入"}).update
	}
	rep, err := sheets.New(a).Import(ctx, p, kind, f, opt)
	if err != nil {
		return err
	}
	printReport(env.Stdout, rep)
	if !rep.OK() {
		return zhitong.Errorf(zhitong.EINVALID, "文件有 %d 处问题，没有写入任何数据；改正后重新导入", len(rep.Problems))
	}
	return nil
}

// exportCmd writes the kind's records in --region as a workbook.
func exportCmd(ctx context.Context, env Env, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("用法: zhitong export deputies|units|stations|users [--region CODE] > FILE.xlsx")
	}
	kind := args[0]
	if _, err := sheets.Kind(kind); err != nil {
		return err
	}
	fs := newFlags("export "+kind, env)
	d := dbFlags{noCreate: true}
	d.register(fs, env)
	region := fs.String("region", "", "region code to export (default: the deployment's top region)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if err := refuseTerminal(env.Stdout); err != nil {
		return err
	}
	a, p, closeDB, err := openIn(ctx, env, &d, kind, *region)
	if err != nil {
		return err
	}
	defer closeDB()
	return sheets.New(a).Export(ctx, p, kind, env.Stdout)
}

// parseInterleaved parses flags that may come before or after the
// positional arguments (zhitong import units FILE --dry-run).
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos, args = append(pos, fs.Arg(0)), fs.Args()[1:]
	}
}

// openIn opens the database and returns the system acting as the role that
// imports kind (the committee; the security administrator for accounts) in
// region: the code given, or the one region at the top of the deployment's tree.
func openIn(ctx context.Context, env Env, d *dbFlags, kind, region string) (*app.App, zhitong.Principal, func(), error) {
	spec, err := sheets.Kind(kind)
	if err != nil {
		return nil, zhitong.Principal{}, nil, err
	}
	a, closeDB, err := d.open(ctx, env, nil)
	if err != nil {
		return nil, zhitong.Principal{}, nil, err
	}
	code, err := scopeRegion(ctx, a, region)
	if err != nil {
		closeDB()
		return nil, zhitong.Principal{}, nil, err
	}
	return a, app.SystemAs(spec.Role, code), closeDB, nil
}

// regionAll is the --region value for the whole deployment.
const regionAll = "all"

// scopeRegion checks the region code given, or finds the one region at the
// top of the deployment's tree. "all", or no code on a deployment with
// several top-level regions (two provinces, after zhitong regions add),
// is the whole deployment: the empty scope, whose subtree holds every
// region — a station across provinces is imported so.
func scopeRegion(ctx context.Context, a *app.App, region string) (string, error) {
	if region == regionAll {
		return "", nil // the whole deployment: every top-level region
	}
	code, err := normalizeRegion(region)
	if err != nil {
		return "", err
	}
	if code != "" {
		if _, err := store.GetRegion(ctx, a.DB(), code); err != nil {
			return "", zhitong.Errorf(zhitong.EINVALID, "%s", zhitong.ErrorMessage(err))
		}
		return code, nil
	}
	all, err := store.ListRegions(ctx, a.DB(), "")
	if err != nil {
		return "", err
	}
	codes := map[string]bool{}
	for _, r := range all {
		codes[r.Code] = true
	}
	var tops []string
	for _, r := range all {
		if !codes[r.ParentCode] {
			tops = append(tops, r.Code)
		}
	}
	switch len(tops) {
	case 0:
		return "", zhitong.Errorf(zhitong.EINVALID, "数据库中还没有行政区划，请先运行 zhitong init 设置本地区")
	case 1:
		return tops[0], nil
	}
	// Several top-level regions (a deployment whose other province's
	// county was loaded, docs/stations.md): the whole deployment.
	return "", nil
}

func printReport(w io.Writer, rep *sheets.Report) {
	for _, r := range rep.Rows {
		fmt.Fprintf(w, "第 %d 行 %s：%s\n", r.Row, r.Key, r.Outcome.Label())
	}
	for _, p := range rep.Problems {
		fmt.Fprintln(w, "问题 "+p.String())
	}
	switch {
	case !rep.OK():
		fmt.Fprintf(w, "%s：%d 处问题，没有写入任何数据。\n", rep.Label, len(rep.Problems))
	case rep.DryRun:
		fmt.Fprintf(w, "%s：试运行通过，将新增 %d、更新 %d、不变 %d（未写入）。\n", rep.Label, rep.Added, rep.Updated, rep.Unchanged)
	default:
		fmt.Fprintf(w, "%s：已导入，新增 %d、更新 %d、不变 %d。\n", rep.Label, rep.Added, rep.Updated, rep.Unchanged)
	}
	if len(rep.Passwords) > 0 {
		fmt.Fprintln(w, "新账号的初始密码（只显示这一次，首次登录须修改）：")
		for _, c := range rep.Passwords {
			fmt.Fprintf(w, "  %s\t%s\n", c.Username, c.Password)
		}
	}
}

// refuseTerminal keeps a workbook from being written onto a terminal.
func refuseTerminal(w io.Writer) error {
	if isTerminal(w) {
		return zhitong.Errorf(zhitong.EINVALID, "Excel 文件不能输出到终端，请重定向到文件，例如 > 文件.xlsx")
	}
	return nil
}

// isTerminal reports whether a standard stream (reader or writer) is a
// terminal (a character device).
func isTerminal(stream any) bool {
	f, ok := stream.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// progressBar draws 导入 [██████░░░░] 60% 6000/10000 on one terminal line.
type progressBar struct {
	w     io.Writer
	label string
	last  int
}

func (b *progressBar) update(done, total int) {
	if total <= 0 {
		return
	}
	pct := done * 100 / total
	if pct == b.last && done != total {
		return
	}
	b.last = pct
	const width = 30
	n := pct * width / 100
	fmt.Fprintf(b.w, "\r%s [%s%s] %3d%% %d/%d", b.label, strings.Repeat("█", n), strings.Repeat("░", width-n), pct, done, total)
	if done == total {
		fmt.Fprintln(b.w)
	}
}
