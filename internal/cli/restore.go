package cli

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"zhitong/internal/keys"
	"zhitong/internal/store"
)

// restoreDrill is `zhitong restore-drill` (docs/operations.md, 恢复演练):
// back up the database (or take --backup), restore it into a new database,
// and prove the copy is usable: the key is the database's, the audit chain
// verifies, every sealed field opens. The new database is removed after,
// unless --keep.
func restoreDrill(ctx context.Context, env Env, args []string) error {
	fs := newFlags("restore-drill", env)
	d := dbFlags{noCreate: true}
	d.register(fs, env)
	from := fs.String("backup", "", "backup to restore (SQLite: a zhitong backup file; PostgreSQL: a pg_dump -Fc file); default: back up --db now")
	keep := fs.Bool("keep", false, "keep the restored database and say where it is")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("多余的参数：%s", strings.Join(fs.Args(), " "))
	}
	if err := d.exists(); err != nil && *from == "" {
		return err
	}
	if *from != "" {
		if _, err := os.Stat(*from); err != nil {
			return fmt.Errorf("备份文件 %s 不可读 / cannot read the backup: %w", *from, err)
		}
	}
	dir, err := os.MkdirTemp("", "zhitong-drill-")
	if err != nil {
		return err
	}
	if !*keep {
		defer os.RemoveAll(dir)
	}
	start := time.Now()
	var restored string
	if store.IsPostgres(d.db) {
		var drop func()
		restored, drop, err = restorePostgres(ctx, env, d.db, *from, dir)
		if drop != nil && !*keep {
			defer drop()
		}
	} else {
		restored, err = restoreSQLite(ctx, env, &d, *from, dir)
	}
	if err != nil {
		return err
	}
	if err := checkRestored(ctx, env, &d, restored); err != nil {
		return fmt.Errorf("恢复演练失败 / restore drill failed: %w", err)
	}
	fmt.Fprintf(env.Stdout, "恢复演练通过（用时 %s）/ restore drill passed.\n", time.Since(start).Round(time.Millisecond))
	if *keep {
		fmt.Fprintf(env.Stdout, "恢复出的数据库 / restored database: %s\n", describeDB(restored))
	}
	return nil
}

func restoreSQLite(ctx context.Context, env Env, d *dbFlags, from, dir string) (string, error) {
	if from == "" {
		src, err := store.Open(ctx, d.db)
		if err != nil {
			return "", err
		}
		defer src.Close()
		// The key must be the live database's before anything is copied.
		if _, err := d.loadKey(ctx, env, src, false); err != nil {
			return "", err
		}
		from = filepath.Join(dir, "backup.db")
		if err := src.Backup(ctx, from); err != nil {
			return "", err
		}
		fmt.Fprintf(env.Stdout, "1. 已备份 / backed up: %s\n", from)
	} else {
		fmt.Fprintf(env.Stdout, "1. 使用备份 / using backup: %s\n", from)
	}
	restored := filepath.Join(dir, "restored", "zhitong.db")
	if err := os.MkdirAll(filepath.Dir(restored), 0o700); err != nil {
		return "", err
	}
	if err := copyFile(from, restored); err != nil {
		return "", err
	}
	fmt.Fprintf(env.Stdout, "2. 已恢复到新库 / restored into: %s\n", restored)
	return restored, nil
}

// restorePostgres dumps dsn with pg_dump (or takes from), creates a new
// database on the same server and restores into it with pg_restore. A
// search_path in the URL (one schema) is dumped alone and used again.
func restorePostgres(ctx context.Context, env Env, dsn, from, dir string) (string, func(), error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return "", nil, fmt.Errorf("--db: %w", err)
	}
	q := u.Query()
	schema := q.Get("search_path")
	q.Del("search_path")
	u.RawQuery = q.Encode()
	libpq := u.String()
	for _, tool := range []string{"pg_dump", "pg_restore"} {
		if _, err := exec.LookPath(tool); err != nil {
			return "", nil, fmt.Errorf("需要 %s（PostgreSQL 客户端，如 apt-get install postgresql-client）/ %s is needed: %w", tool, tool, err)
		}
	}
	if from == "" {
		from = filepath.Join(dir, "backup.dump")
		args := []string{"-Fc", "-f", from}
		if schema != "" {
			args = append(args, "-n", schema)
		}
		if err := run(ctx, env.Stderr, "pg_dump", append(args, libpq)...); err != nil {
			return "", nil, err
		}
		fmt.Fprintf(env.Stdout, "1. 已备份（pg_dump）/ backed up: %s\n", from)
	} else {
		fmt.Fprintf(env.Stdout, "1. 使用备份 / using backup: %s\n", from)
	}
	admin, err := store.Open(ctx, dsn)
	if err != nil {
		return "", nil, err
	}
	name := fmt.Sprintf("zhitong_drill_%d", time.Now().UnixNano())
	if _, err := admin.Exec(ctx, `CREATE DATABASE `+name); err != nil {
		admin.Close()
		return "", nil, fmt.Errorf("新建恢复库 / create database %s: %w", name, err)
	}
	drop := func() {
		admin.Exec(context.Background(), `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`)
		admin.Close()
	}
	u.Path = "/" + name
	if err := run(ctx, env.Stderr, "pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "-d", u.String(), from); err != nil {
		return "", drop, err
	}
	if schema != "" {
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
	}
	fmt.Fprintf(env.Stdout, "2. 已恢复到新库 / restored into database %s\n", name)
	return u.String(), drop, nil
}

// checkRestored opens the restored database with the command's key (the
// key rule of keys.Open: it must be this database's), verifies the audit
// chain and opens every sealed field.
func checkRestored(ctx context.Context, env Env, d *dbFlags, dsn string) error {
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	sealer, err := d.loadKey(ctx, env, db, false)
	if err != nil {
		return err
	}
	// The chain is keyed (HMAC-SM3) under the audit key the restored
	// database holds sealed under the master key: it must open too.
	if err := db.LoadAuditKey(ctx, sealer.Seal, sealer.Open, env.Clock.Now()); err != nil {
		return err
	}
	brk, n, err := db.VerifyAudit(ctx)
	if err != nil {
		return err
	}
	if brk != nil {
		return fmt.Errorf("审计日志在第 %d 条断链：%s / the audit chain breaks at entry %d", brk.Seq, brk.Reason, brk.Seq)
	}
	fmt.Fprintf(env.Stdout, "3. 审计日志完好 / audit chain verifies: %d 条\n", n)
	rep, err := keys.Verify(ctx, db, sealer, false)
	if err != nil {
		return err
	}
	if rep.Failed > 0 {
		return fmt.Errorf("%d 个加密字段打不开（第一个：%s）/ %d sealed values do not open (first: %s)", rep.Failed, rep.First, rep.Failed, rep.First)
	}
	fmt.Fprintf(env.Stdout, "4. 全部加密字段可解密 / every sealed field opens: %d 个\n", rep.Opened)
	for _, c := range store.SealedColumns {
		if k := rep.Columns[c.Name()]; k > 0 {
			fmt.Fprintf(env.Stdout, "   %-24s %d\n", c.Name(), k)
		}
	}
	var cases, users int
	if err := db.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM cases), (SELECT COUNT(*) FROM users)`).Scan(&cases, &users); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "5. 恢复库中 / restored: %d 件反映，%d 个账号\n", cases, users)
	return nil
}

func run(ctx context.Context, stderr io.Writer, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %v: %s", name, err, strings.TrimSpace(out.String()))
	}
	return nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
