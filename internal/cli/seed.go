package cli

import (
	"context"
	"fmt"

	"zhitong/internal/seed"
)

// seedCmd fills a database with realistic demo history (internal/seed).
func seedCmd(ctx context.Context, env Env, args []string) error {
	fs := newFlags("seed", env)
	var d dbFlags
	d.register(fs, env)
	cases := fs.Int("cases", 10000, "要生成的案件数")
	force := fs.Bool("force", false, "数据库已有真实（非演示）数据时仍然生成——只用于测试库")
	region := fs.String("region", "", "生成到哪个辖区（县级及以上行政区划代码；默认上次的辖区，否则 360700 赣州市）")
	years := fs.Int("years", 3, "案件分布在最近几年")
	rnd := fs.Int64("seed", 1, "随机种子：相同的种子生成相同的文本和办理过程")
	keep := fs.Bool("keep-indexes", false, "PostgreSQL：大批量生成时不暂时删除二级索引和外键（默认 2 万件以上、库中只有种子数据时先删后建）")
	if err := fs.Parse(args); err != nil {
		return err
	}
	a, closeDB, err := d.open(ctx, env, nil)
	if err != nil {
		return err
	}
	defer closeDB()
	res, err := seed.Run(ctx, a, seed.Options{Cases: *cases, Progress: env.Stdout, Force: *force, Region: *region, Years: *years, Seed: *rnd, KeepIndexes: *keep})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "种子账号（密码 %s）：联络员 seed-<县级代码>-ganshi，代表工委 seed-%s-gongwei，承办单位 seed-u<单位编号>；共 %d 个账号\n",
		seed.Password, res.Region, len(res.Accounts))
	return nil
}
