package cli

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	"zhitong"
	"zhitong/internal/stats"
)

// statsCmd settles the final days and months of the statistics now (the
// server's hourly job does the same); --rebuild forgets them first, after
// a change of the deadline policy or of a past holiday schedule. `stats
// time` times every view of the dashboard on this database (the figures
// of docs/operations.md).
func statsCmd(ctx context.Context, env Env, args []string) error {
	fs := newFlags("stats", env)
	var d dbFlags
	d.register(fs, env)
	rebuild := fs.Bool("rebuild", false, "先清除已结算的统计，再从原始数据重新结算")
	region := fs.String("region", "", "计时时查看者的辖区（区划代码，空为全部）")
	runs := fs.Int("runs", 3, "计时时每个视图运行的次数（取中位数）")
	only := fs.String("only", "", "计时时只算这一个视图（如 period=month&month=2026-12&slice=unit）")
	profile := fs.String("cpuprofile", "", "计时时把 CPU 剖析写入此文件（go tool pprof 读取）")
	if len(args) == 0 || (args[0] != "settle" && args[0] != "time") {
		return fmt.Errorf("用法：zhitong stats settle [--rebuild] 或 zhitong stats time [--region 代码] [--runs 3]")
	}
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	a, closeDB, err := d.open(ctx, env, nil)
	if err != nil {
		return err
	}
	defer closeDB()
	s := stats.New(a)
	if args[0] == "time" {
		if *profile != "" {
			f, err := os.Create(*profile)
			if err != nil {
				return err
			}
			defer f.Close()
			if err := pprof.StartCPUProfile(f); err != nil {
				return err
			}
			defer pprof.StopCPUProfile()
		}
		return timeDashboard(ctx, env, s, *region, *only, max(*runs, 1))
	}
	if *rebuild {
		if err := s.Rebuild(ctx); err != nil {
			return err
		}
	}
	n, err := s.FreezeDue(ctx)
	fmt.Fprintf(env.Stdout, "统计结算完成：新结算 %d 个日、月。\n", n)
	return err
}

// timeDashboard computes every view of the dashboard (this month, last
// month, this quarter, this year, last year, a custom range, each in total
// and by every slice) as a committee member of region, and prints the
// median time of each and the slowest.
func timeDashboard(ctx context.Context, env Env, s *stats.Service, region, only string, runs int) error {
	p := zhitong.Principal{Role: zhitong.RoleCommittee, RegionCode: region}
	now := env.Clock.Now().In(zhitong.China)
	month := now.Format("2006-01")
	last := time.Date(now.Year(), now.Month()-1, 1, 0, 0, 0, 0, time.UTC).Format("2006-01")
	quarter := fmt.Sprintf("%d-Q%d", now.Year(), (int(now.Month())-1)/3+1)
	periods := []string{"period=month&month=" + month, "period=month&month=" + last, "period=quarter&quarter=" + quarter,
		fmt.Sprintf("period=year&year=%d", now.Year()), fmt.Sprintf("period=year&year=%d", now.Year()-1),
		"period=custom&start=" + now.AddDate(-1, 0, 1).Format(time.DateOnly) + "&end=" + now.Format(time.DateOnly)}
	var views []string
	for _, per := range periods {
		for _, sl := range stats.Slices {
			q := per
			if sl.Value != "" {
				q += "&slice=" + sl.Value
			}
			views = append(views, q)
		}
	}
	if only != "" {
		views = []string{only}
	}
	var slowest time.Duration
	slowestView := ""
	for _, q := range views {
		{
			v, _ := url.ParseQuery(q)
			var times []time.Duration
			for range runs {
				t0 := time.Now()
				if _, err := s.Dashboard(ctx, p, v); err != nil {
					return fmt.Errorf("%s: %w", q, err)
				}
				times = append(times, time.Since(t0))
			}
			slices.Sort(times)
			med := times[len(times)/2]
			if med > slowest {
				slowest, slowestView = med, q
			}
			fmt.Fprintf(env.Stdout, "%-8.1f ms  %s\n", float64(med.Microseconds())/1000, strings.ReplaceAll(q, "period=", ""))
		}
	}
	fmt.Fprintf(env.Stdout, "最慢：%.1f ms（%s），每个视图 %d 次取中位数\n", float64(slowest.Microseconds())/1000, slowestView, runs)
	return nil
}
