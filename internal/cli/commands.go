package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/demo"
	"zhitong/internal/jobs"
	"zhitong/internal/keys"
	"zhitong/internal/server"
	"zhitong/internal/store"
)

func serve(ctx context.Context, env Env, args []string) error {
	fs := newFlags("serve", env)
	var d dbFlags
	d.register(fs, env)
	addr := fs.String("addr", "127.0.0.1:8080", "listen address")
	withDemo := fs.Bool("demo", false, "load the demo county (Dingnan) on first start")
	secure := fs.Bool("secure-cookies", false, "mark session cookies Secure (behind HTTPS)")
	limit := fs.Int("public-limit", server.DefaultPublicLimit, "public submissions, bookings, code look-ups and logins per client per 10 minutes (0: no limit); counted in the database, across servers")
	signIn := fs.Int("signin-limit", server.DefaultSignInLimit, "failed sign-ins per account name per 10 minutes (0: no limit)")
	signInClient := fs.Int("signin-client-limit", server.DefaultSignInClientLimit, "failed sign-ins per client per 10 minutes (0: no limit)")
	proxies := fs.String("trusted-proxies", "127.0.0.1,::1", "reverse proxies whose X-Real-IP / X-Forwarded-For name the client (addresses or CIDR, comma-separated)")
	public := publicURLFlag(fs, env)
	ssoF := registerSSOFlags(fs, env)
	readDB := fs.String("read-db", env.Getenv("ZHITONG_READ_DB"), "postgres:// URL of a streaming replica the statistics read from, where a few seconds of lag are harmless (env ZHITONG_READ_DB; default: the database)")
	debugAddr := fs.String("debug-addr", "", "serve Go's profiles (/debug/pprof/, heap and CPU) on this loopback address, e.g. 127.0.0.1:6060 (default: off)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	trusted, err := server.ParseProxies(*proxies)
	if err != nil {
		return err
	}
	for _, l := range []*int{limit, signIn, signInClient} {
		if *l <= 0 {
			*l = -1 // server.Config: 0 is the default, negative is off
		}
	}
	logger := slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	if *debugAddr != "" {
		if err := startDebug(ctx, *debugAddr, logger); err != nil {
			return err
		}
	}
	d.begin = true
	if *readDB != "" {
		if d.reports, err = store.OpenReplica(ctx, *readDB); err != nil {
			return err
		}
		defer d.reports.Close()
	}
	a, closeDB, err := d.open(ctx, env, logger)
	if err != nil {
		return err
	}
	defer closeDB()
	if err := ssoF.apply(ctx, env, a, logger); err != nil {
		return err
	}
	if *withDemo {
		if err := loadDemo(ctx, env, a); err != nil {
			return err
		}
	}
	// Listen before the jobs start, so links can name the bound address.
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	base, derived := publicURL(*public, ln.Addr())
	if derived {
		logger.Warn("no --public-url or ZHITONG_PUBLIC_URL: links in citizens' SMS use the listen address; set the public HTTPS address in production", "public_url", base)
	}
	stopJobs, err := startJobs(ctx, env, a, logger, base)
	if err != nil {
		return err
	}
	defer stopJobs()
	qrBase := *public // only a configured address: a page's own Host beats the listen address for QR codes
	gate, err := setupGate(ctx, a)
	if err != nil {
		return err
	}
	// Stop if the database moves to another key under us (a rotation begun
	// by a server restarted with the new key): see keys.Watch.
	every := 30 * time.Second
	if v := env.Getenv("ZHITONG_KEY_WATCH"); v != "" {
		if every, err = time.ParseDuration(v); err != nil || every <= 0 {
			return fmt.Errorf("ZHITONG_KEY_WATCH: 应为时长，如 30s / a duration such as 30s")
		}
	}
	ctx, stopServing := context.WithCancelCause(ctx)
	defer stopServing(nil)
	go func() {
		if err := keys.Watch(ctx, a.DB(), d.check, every); err != nil {
			logger.Error(err.Error())
			stopServing(err)
		}
	}()
	srv := server.New(server.Config{App: a, Logger: logger, SecureCookies: *secure, PublicLimit: *limit, SignInLimit: *signIn, SignInClientLimit: *signInClient, TrustedProxies: trusted, PublicURL: qrBase, SetupGate: gate})
	err = srv.Serve(ctx, ln, func(addr net.Addr) {
		fmt.Fprintf(env.Stdout, "民意直通已启动：http://%s/\n数据库：%s\n", addr, describeDB(d.db))
		if gate != nil {
			logger.Warn("尚未完成初始设置：运行 zhitong init，或在本机浏览器打开 /setup；从其他电脑打开须带一次性设置令牌",
				"setup_url", base+"/setup?token="+gate.Token())
		}
	})
	if cause := context.Cause(ctx); errors.Is(cause, keys.ErrKeyChanged) {
		return cause
	}
	return err
}

// publicURLFlag registers --public-url; ZHITONG_PUBLIC_URL is its default,
// as ZHITONG_DB is the default of --db.
func publicURLFlag(fs *flag.FlagSet, env Env) *string {
	return fs.String("public-url", env.Getenv("ZHITONG_PUBLIC_URL"),
		"base of links in citizens' SMS, e.g. https://zhitong.example.gov.cn (env ZHITONG_PUBLIC_URL; default http://ADDR)")
}

// publicURL is the base of links in messages: the given --public-url
// (whose default is ZHITONG_PUBLIC_URL), else http:// and the address the
// server listens on, 127.0.0.1 for a wildcard. derived says it was guessed.
func publicURL(given string, addr net.Addr) (url string, derived bool) {
	if given != "" {
		return strings.TrimRight(given, "/"), false
	}
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return "http://" + addr.String(), true
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port), true
}

func describeDB(dsn string) string {
	if store.IsPostgres(dsn) {
		if i := strings.Index(dsn, "@"); i > 0 {
			return "postgres://…" + dsn[i:]
		}
		return dsn
	}
	return dsn + "（SQLite）"
}

func loadDemo(ctx context.Context, env Env, a *app.App) error {
	loaded, err := demo.Load(ctx, a)
	if err != nil {
		return fmt.Errorf("demo data: %w", err)
	}
	if loaded {
		fmt.Fprintln(env.Stdout, "已加载演示数据：江西省赣州市定南县（演示数据，非真实信息）。")
	} else {
		fmt.Fprintln(env.Stdout, "演示数据已存在，未重复加载。")
	}
	fmt.Fprintln(env.Stdout, "演示账号（密码均为 "+demo.Password+"）：")
	for _, acc := range demo.Accounts {
		fmt.Fprintf(env.Stdout, "  %-14s %s\n", acc.Username, acc.Label)
	}
	fmt.Fprintln(env.Stdout, "演示库的两步验证为可选（正式部署中三员和代表工委必须使用）：可在“我的账号 → 两步验证”体验绑定。")
	return nil
}

func migrate(ctx context.Context, env Env, args []string) error {
	fs := newFlags("migrate", env)
	var d dbFlags
	d.register(fs, env)
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := store.Open(ctx, d.db)
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := db.Migrate(ctx)
	if err != nil {
		return err
	}
	if _, err := d.loadKey(ctx, env, db, true); err != nil {
		return err
	}
	if err := jobs.Migrate(ctx, db); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "迁移完成，本次执行 %d 个迁移。\n", n)
	return nil
}

func demoCmd(ctx context.Context, env Env, args []string) error {
	fs := newFlags("demo", env)
	var d dbFlags
	d.register(fs, env)
	if err := fs.Parse(args); err != nil {
		return err
	}
	a, closeDB, err := d.open(ctx, env, nil)
	if err != nil {
		return err
	}
	defer closeDB()
	return loadDemo(ctx, env, a)
}

func readPassword(env Env, given string) (string, error) {
	if given != "" {
		return given, nil
	}
	fmt.Fprint(env.Stderr, "密码: ")
	line, err := bufio.NewReader(env.Stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", fmt.Errorf("未读到密码: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func user(ctx context.Context, env Env, args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "list", "disable", "enable", "reset", "unlock", "reset-2fa":
			return userAdmin(ctx, env, args)
		}
	}
	if len(args) == 0 || (args[0] != "add" && args[0] != "passwd") {
		return fmt.Errorf("用法: zhitong user add|passwd|list|disable|enable|reset|unlock|reset-2fa …")
	}
	fs := newFlags("user "+args[0], env)
	var d dbFlags
	d.register(fs, env)
	var in app.UserInput
	var role string
	fs.StringVar(&in.Username, "username", "", "login name")
	fs.StringVar(&in.Password, "password", "", "password (read from stdin when empty)")
	fs.StringVar(&in.DisplayName, "name", "", "display name")
	fs.StringVar(&role, "role", "", "committee, station_head, officer, deputy, unit, analyst, auditor, sysadmin, secadmin")
	fs.StringVar(&in.RegionCode, "region", "", "region code the account is scoped to")
	fs.Int64Var(&in.StationID, "station", 0, "station id")
	fs.Int64Var(&in.UnitID, "unit", 0, "unit id")
	fs.Int64Var(&in.DeputyID, "deputy", 0, "deputy id")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	in.Role = zhitong.Role(role)
	a, closeDB, err := d.open(ctx, env, nil)
	if err != nil {
		return err
	}
	defer closeDB()
	if in.RegionCode, err = normalizeRegion(in.RegionCode); err != nil {
		return err
	}
	if in.Password, err = readPassword(env, in.Password); err != nil {
		return err
	}
	if args[0] == "passwd" {
		if err := a.SetPassword(ctx, app.System, in.Username, in.Password); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "已修改 %s 的密码。\n", in.Username)
		return nil
	}
	u, err := a.AddUser(ctx, app.System, in)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "已创建账号 %s（%s），编号 %d。\n", u.Username, zhitong.Label(zhitong.Roles, u.Role), u.ID)
	return nil
}

func token(ctx context.Context, env Env, args []string) error {
	if len(args) > 0 && (args[0] == "list" || args[0] == "revoke") {
		return tokenAdmin(ctx, env, args)
	}
	if len(args) == 0 || args[0] != "add" {
		return fmt.Errorf("用法: zhitong token add|list|revoke …")
	}
	fs := newFlags("token add", env)
	var d dbFlags
	d.register(fs, env)
	name := fs.String("name", "", "what the token is for, e.g. 12345热线")
	role := fs.String("role", "integration", "role the token acts as")
	region := fs.String("region", "", "region code the token is scoped to")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	a, closeDB, err := d.open(ctx, env, nil)
	if err != nil {
		return err
	}
	defer closeDB()
	code, err := normalizeRegion(*region)
	if err != nil {
		return err
	}
	secret, _, err := a.AddToken(ctx, app.System, *name, zhitong.Role(*role), code)
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, secret)
	return nil
}

func backup(ctx context.Context, env Env, args []string) error {
	fs := newFlags("backup", env)
	var d dbFlags
	d.register(fs, env)
	out := fs.String("out", "", "backup file to write (must not exist)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		return fmt.Errorf("请用 --out 指定备份文件")
	}
	if _, err := os.Stat(*out); err == nil {
		return fmt.Errorf("备份文件 %s 已存在", *out)
	}
	db, err := store.Open(ctx, d.db)
	if err != nil {
		return err
	}
	defer db.Close()
	// A backup needs no key, but one given must be this database's.
	if _, err := d.loadKey(ctx, env, db, true); err != nil {
		return err
	}
	if err := db.Backup(ctx, *out); err != nil {
		return err
	}
	// Record the run for the system administrator's home page; the backup
	// itself is made, so a failure here is reported, not fatal.
	rec := store.BackupRecord{At: time.Now().UTC(), File: *out}
	if abs, err := filepath.Abs(*out); err == nil {
		rec.File = abs
	}
	if st, err := os.Stat(*out); err == nil {
		rec.Size = st.Size()
	}
	if err := db.RecordBackup(ctx, rec); err != nil {
		fmt.Fprintf(env.Stderr, "备份已完成，但未能记录本次备份：%v\n", err)
	}
	fmt.Fprintf(env.Stdout, "已备份到 %s（%d 字节）\n", *out, rec.Size)
	return nil
}
