package cli

import (
	"context"
	"fmt"

	"zhitong/internal/store"
)

const dbUsage = "db partition [--ahead 3] [--db postgres://…]"

const dbHelp = "PostgreSQL：把只增不改的大表（办理记录 case_events、审计日志 audit_log、通知 notifications、答复送达 deliveries）" +
	"转为按月分区（一个事务，期间写入等待；每月一个分区并建默认分区），保留全部索引、约束和触发器；" +
	"巡检（sweep）提前建好以后 --ahead 个月的分区。重复运行只补建缺少的分区。SQLite 不适用。见 docs/operations.md。"

func dbCmd(ctx context.Context, env Env, args []string) error {
	if len(args) == 0 || args[0] != "partition" {
		return fmt.Errorf("用法: zhitong %s", dbUsage)
	}
	fs := newFlags("db partition", env)
	d := dbFlags{noCreate: true}
	d.register(fs, env)
	ahead := fs.Int("ahead", store.PartitionsAhead, "在当月之后再提前建好几个月的分区")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if !store.IsPostgres(d.db) {
		return store.ErrNotPostgres
	}
	if *ahead < 0 || *ahead > 120 {
		return fmt.Errorf("--ahead 应在 0 到 120 之间：%d", *ahead)
	}
	db, err := store.Open(ctx, d.db)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	reports, err := db.Partition(ctx, env.Clock.Now(), *ahead)
	if err != nil {
		return err
	}
	for _, r := range reports {
		if r.Already {
			fmt.Fprintf(env.Stdout, "%s：已是分区表，补建分区 %d 个。\n", r.Table, r.Partitions)
			continue
		}
		fmt.Fprintf(env.Stdout, "%s：已转为按月分区，%d 行，%d 个月分区和一个默认分区。\n", r.Table, r.Rows, r.Partitions)
	}
	return nil
}
