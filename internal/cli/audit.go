package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/auditlog"
)

const auditUsage = "audit verify [--archive FILE] [--db …]\n  audit export [--from YYYY-MM-DD] [--to YYYY-MM-DD] FILE\n  audit prune --before YYYY-MM-DD --archive FILE [--keep-days 180]"

const auditHelp = "校验审计日志的密钥链（HMAC-SM3），报告第一条校验不通过的条目；--archive 校验导出的存档。" +
	"export 把一段时间的审计日志连同校验值导出为存档（JSON Lines）。" +
	"prune 先存档再清理保留期（至少 180 天，《网络安全法》要求不少于六个月）以前的条目。"

func auditCmd(ctx context.Context, env Env, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("用法: zhitong %s", auditUsage)
	}
	switch args[0] {
	case "verify":
		return auditVerify(ctx, env, args[1:])
	case "export":
		return auditExport(ctx, env, args[1:])
	case "prune":
		return auditPrune(ctx, env, args[1:])
	}
	return fmt.Errorf("用法: zhitong %s", auditUsage)
}

func auditVerify(ctx context.Context, env Env, args []string) error {
	fs := newFlags("audit verify", env)
	d := dbFlags{noCreate: true} // never makes a key file (see dbFlags)
	d.register(fs, env)
	archive := fs.String("archive", "", "校验这个存档（zhitong audit export 导出）而不是数据库中的日志")
	if err := fs.Parse(args); err != nil {
		return err
	}
	a, closeDB, err := d.open(ctx, env, nil)
	if err != nil {
		return err
	}
	defer closeDB()
	svc := auditlog.New(a)
	if *archive != "" {
		f, err := os.Open(*archive)
		if err != nil {
			return err
		}
		defer f.Close()
		h, n, brk, err := svc.VerifyArchive(ctx, app.System, f)
		if err != nil {
			return err
		}
		if brk != nil {
			if brk.Seq > 0 {
				return fmt.Errorf("存档 %s 在第 %d 条校验不通过：%s（此前 %d 条完好）", *archive, brk.Seq, brk.Reason, n)
			}
			return fmt.Errorf("存档 %s 校验不通过：%s", *archive, brk.Reason)
		}
		fmt.Fprintf(env.Stdout, "存档完好：%d 条（%s 至 %s，辖区 %s），每条校验值与结尾密钥校验均通过。\n", n, orAll(h.From), orAll(h.To), orAll(h.Region))
		return nil
	}
	r, err := svc.Verify(ctx, app.System)
	if err != nil {
		return err
	}
	if !r.OK {
		return fmt.Errorf("审计日志第 %d 条校验不通过：%s（此前 %d 条完好）", r.BrokenAt, r.Reason, r.Checked)
	}
	fmt.Fprintf(env.Stdout, "审计日志完好：共 %d 条，密钥链（HMAC-SM3）校验通过。\n", r.Checked)
	if r.KeyedFrom > 1 {
		fmt.Fprintf(env.Stdout, "第 %d 条以前是启用审计密钥前的旧链（SM3），由 %s 的密钥检查点保护。\n", r.KeyedFrom-1, r.KeySince.In(zhitong.China).Format("2006-01-02 15:04"))
	}
	if r.PrunedThrough > 0 {
		fmt.Fprintf(env.Stdout, "第 1–%d 条已存档并清理。\n", r.PrunedThrough)
	}
	return nil
}

func orAll(s string) string {
	if s == "" {
		return "不限"
	}
	return s
}

func auditExport(ctx context.Context, env Env, args []string) error {
	fs := newFlags("audit export", env)
	d := dbFlags{noCreate: true} // never makes a key file (see dbFlags)
	d.register(fs, env)
	from := fs.String("from", "", "起始日期（含），北京时间")
	to := fs.String("to", "", "结束日期（含），北京时间")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("用法: zhitong audit export [--from YYYY-MM-DD] [--to YYYY-MM-DD] FILE")
	}
	r, err := auditlog.ParseRange(*from, *to)
	if err != nil {
		return err
	}
	a, closeDB, err := d.open(ctx, env, nil)
	if err != nil {
		return err
	}
	defer closeDB()
	f, commit, cleanup, err := newArchive(fs.Arg(0))
	if err != nil {
		return err
	}
	defer cleanup()
	n, err := auditlog.New(a).Export(ctx, app.System, r, f)
	if err == nil {
		err = commit()
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "已导出 %d 条审计日志到 %s（可用 zhitong audit verify --archive 校验）。\n", n, fs.Arg(0))
	return nil
}

func auditPrune(ctx context.Context, env Env, args []string) error {
	fs := newFlags("audit prune", env)
	d := dbFlags{noCreate: true} // never makes a key file (see dbFlags)
	d.register(fs, env)
	before := fs.String("before", "", "清理这一天（北京时间）以前的条目")
	archive := fs.String("archive", "", "先把要清理的条目存档到这个文件（必填，不能已存在）")
	keep := fs.Int("keep-days", auditlog.MinRetentionDays, "保留天数，不得少于 180")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *before == "" || *archive == "" {
		return fmt.Errorf("用法: zhitong audit prune --before YYYY-MM-DD --archive FILE [--keep-days 180]")
	}
	r, err := auditlog.ParseRange(*before, "")
	if err != nil {
		return err
	}
	a, closeDB, err := d.open(ctx, env, nil)
	if err != nil {
		return err
	}
	defer closeDB()
	f, commit, cleanup, err := newArchive(*archive)
	if err != nil {
		return err
	}
	defer cleanup()
	// The archive is synced and in place before anything is removed.
	res, err := auditlog.New(a).Prune(ctx, app.System, r.From, *keep, f, commit)
	if err != nil {
		return err
	}
	if res.Through == 0 {
		fmt.Fprintf(env.Stdout, "%s 以前没有可清理的条目。\n", *before)
		return nil
	}
	fmt.Fprintf(env.Stdout, "已存档到 %s 并清理第 %d 条及以前的 %d 条审计日志；其余条目仍可校验。\n", *archive, res.Through, res.Count)
	return nil
}

// newArchive opens a temporary file beside path for an archive; commit
// syncs it and renames it to path, cleanup removes what was not committed.
// path must not exist yet: an archive is never overwritten.
func newArchive(path string) (f *os.File, commit func() error, cleanup func(), err error) {
	if _, err := os.Stat(path); err == nil {
		return nil, nil, nil, fmt.Errorf("%s 已存在，不覆盖", path)
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, nil, nil, err
	}
	if f, err = os.CreateTemp(filepath.Dir(path), ".audit-*.tmp"); err != nil {
		return nil, nil, nil, err
	}
	commit = func() error {
		if err := f.Sync(); err != nil {
			return err
		}
		return os.Rename(f.Name(), path)
	}
	cleanup = func() {
		f.Close()
		os.Remove(f.Name()) // gone already once committed
	}
	return f, commit, cleanup, nil
}
