package cli

import (
	"context"
	"fmt"

	"zhitong/internal/exchange"
)

// exchangeCmd: `zhitong exchange key export --peer NAME [--out FILE]`
// writes our SM2 public key for a peer (PEM), to give to it; the key pair
// is made first when the peer has none (docs/exchange.md, Signing).
func exchangeCmd(ctx context.Context, env Env, args []string) error {
	fs := newFlags("exchange", env)
	var d dbFlags
	d.register(fs, env)
	peer := fs.String("peer", "", "对接渠道的名称（工作台“12345对接”中的名称）")
	out := fs.String("out", "", "写入的文件；不给时输出到标准输出")
	if len(args) < 2 || args[0] != "key" || args[1] != "export" {
		return fmt.Errorf("用法：zhitong exchange key export --peer NAME [--out FILE]")
	}
	if err := fs.Parse(args[2:]); err != nil {
		return err
	}
	if *peer == "" {
		return fmt.Errorf("请用 --peer 指定对接渠道的名称")
	}
	a, closeDB, err := d.open(ctx, env, nil)
	if err != nil {
		return err
	}
	defer closeDB()
	pemText, err := exchange.New(a).ExportKey(ctx, *peer)
	if err != nil {
		return err
	}
	return exportPEM(env, *out, pemText, "已导出本方用于对接渠道“"+*peer+"”的 SM2 公钥")
}
