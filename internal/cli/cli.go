// Package cli is the zhitong command: it parses flags and calls into the
// application. cmd/zhitong only calls Main.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/pii"
	"zhitong/internal/store"
)

// Env is what a command runs with, so tests can run commands in-process.
type Env struct {
	Stdout, Stderr io.Writer
	Stdin          io.Reader
	Getenv         func(string) string
	Clock          zhitong.Clock
}

// Main runs the command line and returns the exit code.
func Main(args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return Run(ctx, Env{Stdout: os.Stdout, Stderr: os.Stderr, Stdin: os.Stdin, Getenv: os.Getenv}, args)
}

type command struct {
	name, usage, help string
	run               func(ctx context.Context, env Env, args []string) error
}

func commands() []command {
	return []command{
		{"serve", "serve [--addr 127.0.0.1:8080] [--db PATH|postgres://…] [--public-url URL] [--demo]", "运行完整系统（网页、JSON API、Open311）。首次运行自动建库迁移；--demo 加载演示数据（定南县）。", serve},
		{"init", "init --region CODE [--org-name 名称] [--committee-name 名称] [--short-name 简称] [--secadmin U] [--committee U] [--add] [--interactive] [--db …]",
			"初始设置：从空数据库为一个县（市、区）、设区的市或省建立部署（行政区划、机构名称、默认分类、安全管理员和代表工委账号，初始密码只显示一次）。在终端上不给 --region 时逐项询问。--add 再增设一个辖区。", initCmd},
		{"migrate", "migrate [--db …]", "只执行数据库迁移，然后退出。", migrate},
		{"demo", "demo [--db …]", "加载演示数据（幂等：重复运行不会重复加载）。", demoCmd},
		{"user", "user add --username U --role ROLE [--name 姓名] [--region CODE] [--station ID] [--unit ID] [--deputy ID] [--password P]\n  user passwd --username U [--password P]\n  user list\n  user disable|enable|unlock|reset --username U", "管理员工账号；不给 --password 时从标准输入读取一行。停用、重置密码使该用户的会话立即失效；reset 生成新密码（只显示一次，下次登录须修改）。", user},
		{"token", "token add --name NAME --role ROLE [--region CODE]\n  token list\n  token revoke --id ID", "签发 API 令牌（Authorization: Bearer …；也是 Open311 的 api_key），只显示一次；列出令牌（含最近使用时间）；吊销令牌（立即失效）。", token},
		{"audit", auditUsage, auditHelp, auditCmd},
		{"sweep", "sweep [--db …] [--at YYYY-MM-DD [--force]]", "执行一次到期督办巡检：到期提醒、逾期督办函、督办清单、通报、回访与跟踪问效任务（幂等）。--at 晚于今天需加 --force（仅限演示、测试库）。", sweepCmd},
		{"import", "import deputies|units|stations|users FILE.xlsx [--dry-run] [--region CODE]\n  import template KIND > FILE.xlsx", "从 Excel 导入代表、承办单位、联络站或员工账号（整个文件一个事务：任何一行有问题都不写入）；--dry-run 只检查并列出全部问题。template 输出导入模板。", importCmd},
		{"export", "export deputies|units|stations|users [--region CODE] > FILE.xlsx", "按导入模板的格式导出代表、承办单位、联络站或员工账号；原样再导入不会改变任何数据。", exportCmd},
		{"backup", "backup --out FILE [--db PATH]", "对运行中的 SQLite 数据库做一致性备份（VACUUM INTO）。PostgreSQL 请用 pg_dump。", backup},
		{"help", "help [COMMAND]", "显示帮助。", nil},
	}
}

// Run runs one command.
func Run(ctx context.Context, env Env, args []string) int {
	if env.Getenv == nil {
		env.Getenv = os.Getenv
	}
	if env.Clock == nil {
		env.Clock = zhitong.SystemClock{}
	}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		help(env.Stdout, args)
		return 0
	}
	for _, c := range commands() {
		if c.name == args[0] && c.run != nil {
			if err := c.run(ctx, env, args[1:]); err != nil {
				if errors.Is(err, flag.ErrHelp) {
					return 0
				}
				fmt.Fprintf(env.Stderr, "zhitong %s: %s\n", c.name, describe(err))
				return 1
			}
			return 0
		}
	}
	fmt.Fprintf(env.Stderr, "zhitong: 未知命令 %q\n\n", args[0])
	help(env.Stderr, nil)
	return 2
}

func describe(err error) string {
	var e *zhitong.Error
	if errors.As(err, &e) && e.Code != zhitong.EINTERNAL {
		if e.Field != "" {
			return e.Message + "（" + e.Field + "）"
		}
		return e.Message
	}
	return err.Error()
}

func help(w io.Writer, args []string) {
	if len(args) > 1 {
		for _, c := range commands() {
			if c.name == args[1] {
				fmt.Fprintf(w, "用法: zhitong %s\n\n%s\n", c.usage, c.help)
				return
			}
		}
	}
	fmt.Fprintln(w, "zhitong — 民意直通：人大代表联络站履职服务平台")
	fmt.Fprintln(w, "\n用法: zhitong COMMAND [flags]\n\n命令:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.help)
	}
	fmt.Fprintln(w, "\n数据库: --db 或环境变量 ZHITONG_DB；默认 ./zhitong-data/zhitong.db（SQLite）；postgres://… 使用 PostgreSQL。")
	fmt.Fprintln(w, "密钥: 环境变量 ZHITONG_KEY（64 位十六进制），或 --key-file（默认数据目录下 zhitong.key，首次运行自动生成）。")
	fmt.Fprintln(w, "运行 zhitong help COMMAND 查看单个命令的参数。")
}

// dbFlags are the flags every command that opens the database shares.
type dbFlags struct {
	db, keyFile string
}

func (d *dbFlags) register(fs *flag.FlagSet, env Env) {
	def := env.Getenv("ZHITONG_DB")
	if def == "" {
		def = filepath.Join("zhitong-data", "zhitong.db")
	}
	fs.StringVar(&d.db, "db", def, "SQLite file path or postgres:// URL (env ZHITONG_DB)")
	fs.StringVar(&d.keyFile, "key-file", "", "SM4 master key file (default: zhitong.key in the data directory; env ZHITONG_KEY wins)")
}

func (d *dbFlags) keyPath() string {
	if d.keyFile != "" {
		return d.keyFile
	}
	if store.IsPostgres(d.db) {
		return filepath.Join("zhitong-data", "zhitong.key")
	}
	return filepath.Join(filepath.Dir(d.db), "zhitong.key")
}

// open opens and migrates the database and builds the application.
func (d *dbFlags) open(ctx context.Context, env Env, logger *slog.Logger) (*app.App, func(), error) {
	db, err := store.Open(ctx, d.db)
	if err != nil {
		return nil, nil, err
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, nil, err
	}
	key, created, err := pii.LoadKey(d.keyPath())
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	if created {
		fmt.Fprintf(env.Stderr, "已生成个人信息加密密钥 %s —— 请妥善备份，丢失后加密数据无法恢复。\n", d.keyPath())
	}
	sealer, err := pii.NewSealer(key)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	a, err := app.New(ctx, app.Config{DB: db, Clock: env.Clock, Sealer: sealer, Logger: logger})
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return a, func() { db.Close() }, nil
}

func newFlags(name string, env Env) *flag.FlagSet {
	fs := flag.NewFlagSet("zhitong "+name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	return fs
}
