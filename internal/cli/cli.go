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
	"strings"
	"syscall"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/hooks"
	"zhitong/internal/keys"
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
		{"regions", regionsUsage, regionsHelp, regionsCmd},
		{"migrate", "migrate [--db …]", "只执行数据库迁移，然后退出。", migrate},
		{"demo", "demo [--db …]", "加载演示数据（幂等：重复运行不会重复加载）。", demoCmd},
		{"user", "user add --username U --role ROLE [--name 姓名] [--region CODE] [--station ID] [--unit ID] [--deputy ID] [--password P]\n  user passwd --username U [--password P]\n  user list\n  user disable|enable|unlock|reset|reset-2fa --username U", "管理员工账号；不给 --password 时从标准输入读取一行。停用、重置密码使该用户的会话立即失效；reset 生成新密码（只显示一次，下次登录须修改）；reset-2fa 重置两步验证（手机丢失时，下次登录重新绑定）。", user},
		{"token", "token add --name NAME --role ROLE [--region CODE]\n  token list\n  token revoke --id ID", "签发 API 令牌（Authorization: Bearer …；也是 Open311 的 api_key），只显示一次；列出令牌（含最近使用时间）；吊销令牌（立即失效）。", token},
		{"audit", auditUsage, auditHelp, auditCmd},
		{"db", dbUsage, dbHelp, dbCmd},
		{"seed", "seed --cases N [--force] [--keep-indexes] [--region CODE] [--years 3] [--seed 1] [--db …]", "生成大量逼真的演示数据（多个县、乡镇、单位，各种状态的案件及其办理记录、审计日志、通知），用于压力测试和演示；数据库已有真实数据时拒绝执行，除非 --force。", seedCmd},
		{"sweep", "sweep [--db …] [--at YYYY-MM-DD [--force]]", "执行一次到期督办巡检：到期提醒、逾期督办函、督办清单、通报、回访与跟踪问效任务（幂等）。--at 晚于今天需加 --force（仅限演示、测试库）。", sweepCmd},
		{"import", "import deputies|units|stations|users FILE.xlsx [--dry-run] [--region CODE]\n  import template KIND > FILE.xlsx", "从 Excel 导入代表、承办单位、联络站或员工账号（整个文件一个事务：任何一行有问题都不写入）；--dry-run 只检查并列出全部问题。template 输出导入模板。", importCmd},
		{"export", "export deputies|units|stations|users [--region CODE] > FILE.xlsx", "按导入模板的格式导出代表、承办单位、联络站或员工账号；原样再导入不会改变任何数据。", exportCmd},
		{"stats", "stats settle [--rebuild] | stats time [--region …] [--runs 3] [--db …]", "结算统计：把已不会再变的日、月按统计口径计数存档，供统计分析快速读取（服务每小时自动执行）；--rebuild 先清除再重新结算（修改时限规则的 return_days 后使用）。time：逐个视图（月、季、年、自定义 × 各切片）计时统计分析。", statsCmd},
		{"verify", "verify FILE.pdf|文号|验证码 [--key 公钥.pem] [--db …]", "核验公文：PDF 文件核验其电子签章（SM3 摘要、SM2 签名）、签名密钥是否为发文机关的（--key 给出公钥文件时只用公钥、不读数据库；否则用数据库），以及是否为登记在案的原件；文号或验证码按数据库核验。核验不创建数据库或密钥：没有数据库时 PDF 只核验签章完整（不能确认发文机关），文号或验证码说明需要数据库。未通过时说明原因并以非零状态退出。", verifyCmd},
		{"documents", "documents key export [--region CODE] [--out FILE] [--db …]", "导出机关的公文签章公钥（PEM），供离线核验（zhitong verify --key）；机关还没有密钥时先生成。", documentsCmd},
		{"exchange", "exchange key export --peer NAME [--out FILE] [--db …]", "导出本方用于某个对接渠道（12345、其他部署）的 SM2 签名公钥（PEM），交给对方导入；该渠道还没有 SM2 密钥时先生成（私钥以主密钥加密保存）。", exchangeCmd},
		{"backup", "backup --out FILE [--db PATH]", "对运行中的 SQLite 数据库做一致性备份（VACUUM INTO）。PostgreSQL 请用 pg_dump。", backup},
		{"key", "key generate --out FILE\n  key status [--db …]\n  key rotate [--db …] [--key-file NEW] [--old-key-file OLD]", "个人信息主密钥：生成新密钥；查看库中记录的密钥校验值；在系统运行时把全部加密字段换到新密钥下（可中断后重跑续做）。见 docs/operations.md。", keyCmd},
		{"restore-drill", "restore-drill [--db …] [--backup FILE] [--keep]", "恢复演练：备份（或取 --backup 文件），恢复到一个新库，校验审计链，逐一解密全部加密字段，报告各列数量。SQLite 用 VACUUM INTO；PostgreSQL 用 pg_dump/pg_restore 恢复到新建的临时库。", restoreDrill},
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
	fmt.Fprintln(w, "密钥: 环境变量 ZHITONG_KEY（64 位十六进制），或 --key-file（默认数据目录下 zhitong.key；只在没有数据的新库上生成，audit verify、sweep、export 从不生成）。每个库只认一把密钥，给错密钥的命令拒绝运行。")
	fmt.Fprintln(w, "运行 zhitong help COMMAND 查看单个命令的参数。")
}

// dbFlags are the flags every command that opens the database shares.
type dbFlags struct {
	db, keyFile, oldKeyFile string
	// noCreate: the command never makes a key file, not even for a new
	// database (audit verify, sweep, export: they write no personal data,
	// and run from another directory they would leave a stray key); the
	// others make one only for a database without data. begin lets the
	// command start a key rotation (serve, key rotate). See keys.Open.
	noCreate, begin bool
	check           string // set by loadKey: the check value of the key in use
	// reports: serve's --read-db, the replica app.App.ReportDB reads from.
	reports *store.DB
}

func (d *dbFlags) register(fs *flag.FlagSet, env Env) {
	def := env.Getenv("ZHITONG_DB")
	if def == "" {
		def = filepath.Join("zhitong-data", "zhitong.db")
	}
	fs.StringVar(&d.db, "db", def, "SQLite file path or postgres:// URL (env ZHITONG_DB)")
	fs.StringVar(&d.keyFile, "key-file", "", "SM4 master key file (default: zhitong.key in the data directory; env ZHITONG_KEY wins)")
	fs.StringVar(&d.oldKeyFile, "old-key-file", "", "the previous key file during a key rotation (env ZHITONG_OLD_KEY wins)")
}

// loadKey applies the key rule of keys.Open for this command: the one
// place commands get the master key. optional is for commands that need no
// key (migrate, backup), which still refuse a wrong one.
func (d *dbFlags) loadKey(ctx context.Context, env Env, db *store.DB, optional bool) (*pii.Sealer, error) {
	res, err := keys.Open(ctx, db, keys.Source{KeyFile: d.keyPath(), OldKeyFile: d.oldKeyFile,
		Create: !d.noCreate, Begin: d.begin, Optional: optional, Now: env.Clock.Now()})
	if err != nil {
		return nil, err
	}
	if res.Created != "" {
		fmt.Fprintf(env.Stderr, "已生成个人信息加密密钥 %s —— 请妥善备份，丢失后加密数据无法恢复。\n", res.Created)
	}
	if res.Began {
		fmt.Fprintln(env.Stderr, "数据库已开始轮换到新密钥：新数据用新密钥加密；请用新密钥和旧密钥重启其他服务器，并运行 zhitong key rotate 完成轮换。")
	}
	d.check = res.Check
	for _, n := range res.Notes {
		fmt.Fprintln(env.Stderr, n)
	}
	return res.Sealer, nil
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

// exists refuses, for a command that creates nothing (noCreate), a SQLite
// file that is not there: opening it would leave an empty database behind
// (run from another directory, `audit verify` used to).
func (d *dbFlags) exists() error {
	if !d.noCreate || store.IsPostgres(d.db) {
		return nil
	}
	path := strings.TrimPrefix(d.db, "file:")
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("数据库 %s 不存在：请用 --db 或 ZHITONG_DB 指定数据库 / no database at %s: give it with --db or ZHITONG_DB", path, path)
	}
	return nil
}

// open opens and migrates the database and builds the application.
func (d *dbFlags) open(ctx context.Context, env Env, logger *slog.Logger) (*app.App, func(), error) {
	if err := d.exists(); err != nil {
		return nil, nil, err
	}
	db, err := store.Open(ctx, d.db)
	if err != nil {
		return nil, nil, err
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, nil, err
	}
	sealer, err := d.loadKey(ctx, env, db, false)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	a, err := app.New(ctx, app.Config{DB: db, Clock: env.Clock, Sealer: sealer, Logger: logger, Reports: d.reports})
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	// Case steps run here too (sweep's escalation letters, the demo's
	// assignments): they issue their documents and queue their exchange
	// status as in the server, which installs the same hooks again with its
	// --public-url.
	hooks.Install(a, env.Getenv("ZHITONG_PUBLIC_URL"))
	return a, func() { db.Close() }, nil
}

func newFlags(name string, env Env) *flag.FlagSet {
	fs := flag.NewFlagSet("zhitong "+name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	return fs
}
