package cli

import (
	"context"
	"fmt"
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
	var d dbFlags
	d.register(fs, env)
	at := fs.String("at", "", "按指定日期 YYYY-MM-DD（北京时间 09:00）执行，用于演示和核对；默认现在")
	if err := fs.Parse(args); err != nil {
		return err
	}
	a, closeDB, err := d.open(ctx, env, nil)
	if err != nil {
		return err
	}
	defer closeDB()
	if *at != "" {
		day, err := time.ParseInLocation(time.DateOnly, *at, zhitong.China)
		if err != nil {
			return fmt.Errorf("--at 应为 YYYY-MM-DD：%q", *at)
		}
		a = a.WithClock(fixedClock(day.Add(9 * time.Hour)))
	}
	r, err := a.SweepOnce(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "督办巡检完成：督办动作 %d 项（提醒、督办函、列入清单），生成通报 %d 份，回访任务 %d 个，跟踪问效任务 %d 个。\n",
		r.Escalations, r.Bulletins, r.Callbacks, r.FollowUps)
	return nil
}
