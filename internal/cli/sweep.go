package cli

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"zhitong"
)

// fixedClock is the clock of a sweep run "as of" a given time.
type fixedClock time.Time

func (c fixedClock) Now() time.Time { return time.Time(c) }

// sweepCmd runs the deadline rules once: escalation, bulletins, call-backs
// and follow-ups. The server runs the same sweep as a periodic job.
func sweepCmd(ctx context.Context, env Env, args []string) error {
	fs := newFlags("sweep", env)
	d := dbFlags{noCreate: true}
	d.register(fs, env)
	at := fs.String("at", "", "按指定日期 YYYY-MM-DD（北京时间 09:00）执行，用于演示和核对；默认现在")
	force := fs.Bool("force", false, "允许 --at 晚于当前时间：会写入日期在未来的记录，仅用于演示和测试库")
	debug := fs.Bool("debug", false, "在标准错误输出每一步的用时和件数（调试日志）")
	if err := fs.Parse(args); err != nil {
		return err
	}
	// Checked before the database is opened: a refused run touches nothing.
	asOf, err := sweepTime(*at, env.Clock.Now(), *force)
	if err != nil {
		return err
	}
	var logger *slog.Logger
	if *debug {
		logger = slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	a, closeDB, err := d.open(ctx, env, logger)
	if err != nil {
		return err
	}
	defer closeDB()
	if !asOf.IsZero() {
		a = a.WithClock(fixedClock(asOf))
	}
	r, err := a.SweepOnce(ctx)
	if r.Errors > 0 {
		fmt.Fprintf(env.Stderr, "有 %d 件未能处理（详见日志），其余已照常巡检。\n", r.Errors)
	}
	fmt.Fprintf(env.Stdout, "督办巡检完成：督办动作 %d 项（提醒、督办函、列入清单），生成通报 %d 份，回访任务 %d 个，跟踪问效任务 %d 个。\n",
		r.Escalations, r.Bulletins, r.Callbacks, r.FollowUps)
	return err
}

// sweepTime is the time a sweep --at runs as: 09:00 China time that day,
// or now if that is later today. A later day is refused without force: the
// sweep would write records dated in the future — the bulletin of a week
// not yet ended, which is never generated again, and supervision actions
// dated ahead — so it is for demo and test databases only. Zero: run now.
func sweepTime(at string, now time.Time, force bool) (time.Time, error) {
	if at == "" {
		return time.Time{}, nil
	}
	day, err := time.ParseInLocation(time.DateOnly, at, zhitong.China)
	if err != nil {
		return time.Time{}, fmt.Errorf("--at 应为 YYYY-MM-DD：%q", at)
	}
	t := day.Add(9 * time.Hour)
	switch {
	case !t.After(now) || force:
		return t, nil
	case day.Format(time.DateOnly) == now.In(zhitong.China).Format(time.DateOnly):
		return now, nil
	}
	return time.Time{}, fmt.Errorf("--at %s 晚于当前时间（%s）：巡检会写入日期在未来的记录——尚未结束的周期的通报（之后不会再重新生成）、"+
		"日期在未来的督办动作和通知，只可用于演示和测试数据库；确需如此请加 --force。"+
		"(--at is later than now: the sweep would write records dated in the future, e.g. the bulletin of a week not yet ended, "+
		"which is never regenerated; use --force on demo or test databases only.)", at, now.In(zhitong.China).Format("2006-01-02 15:04"))
}
