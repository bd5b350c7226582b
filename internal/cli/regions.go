package cli

import (
	"context"
	"fmt"

	"zhitong/internal/app"
	"zhitong/internal/crossborder"
)

const regionsUsage = "regions add CODE… [--db …]"

const regionsHelp = "从内置的全国行政区划数据（2023 年统计用区划代码）加载区划：每个代码连同其上级和全部下级（乡镇、街道）写入本部署，已有的保持不变。" +
	"用于跨区域联络站服务的邻省、邻县区划（例如定南县的部署加载广东省和平县 441624 的乡镇）；不设立机关、不授予任何人管辖权。" +
	"代码不在全国数据中时拒绝执行，什么也不写入。"

// regionsCmd is `zhitong regions add CODE…` (docs/stations.md).
func regionsCmd(ctx context.Context, env Env, args []string) error {
	fs := newFlags("regions", env)
	var d dbFlags
	d.register(fs, env)
	if len(args) < 1 || args[0] != "add" {
		return fmt.Errorf("用法：zhitong %s", regionsUsage)
	}
	// Codes and flags in any order: the flag package stops at the first
	// argument that is not a flag.
	var codes []string
	rest := args[1:]
	for {
		if err := fs.Parse(rest); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		codes = append(codes, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	if len(codes) == 0 {
		return fmt.Errorf("请给出要加载的行政区划代码，例如：zhitong regions add 441624")
	}
	a, closeDB, err := d.open(ctx, env, nil)
	if err != nil {
		return err
	}
	defer closeDB()
	loaded, err := crossborder.New(a).LoadRegions(ctx, app.System, codes)
	if err != nil {
		return err
	}
	for _, l := range loaded {
		fmt.Fprintf(env.Stdout, "%s %s（%s）：新增 %d 个区划，全国数据中其下有乡镇、街道 %d 个\n", l.Code, l.Name, l.Level, l.Added, l.Townships)
	}
	return nil
}
