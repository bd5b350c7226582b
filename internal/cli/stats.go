package cli

import (
	"context"
	"fmt"

	"zhitong/internal/stats"
)

// statsCmd settles the final days and months of the statistics now (the
// server's hourly job does the same); --rebuild forgets them first, after
// a change of the deadline policy or of a past holiday schedule.
func statsCmd(ctx context.Context, env Env, args []string) error {
	fs := newFlags("stats", env)
	var d dbFlags
	d.register(fs, env)
	rebuild := fs.Bool("rebuild", false, "先清除已结算的统计，再从原始数据重新结算")
	if len(args) == 0 || args[0] != "settle" {
		return fmt.Errorf("用法：zhitong stats settle [--rebuild]")
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
	if *rebuild {
		if err := s.Rebuild(ctx); err != nil {
			return err
		}
	}
	n, err := s.FreezeDue(ctx)
	fmt.Fprintf(env.Stdout, "统计结算完成：新结算 %d 个日、月。\n", n)
	return err
}
