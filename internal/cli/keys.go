package cli

import (
	"context"
	"fmt"
	"time"

	"zhitong/internal/keys"
	"zhitong/internal/pii"
	"zhitong/internal/store"
)

// keyCmd is `zhitong key generate|status|rotate` (docs/operations.md, 密钥).
func keyCmd(ctx context.Context, env Env, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("用法: zhitong key generate --out FILE | key status | key rotate [--key-file NEW] [--old-key-file OLD]")
	}
	switch args[0] {
	case "generate":
		fs := newFlags("key generate", env)
		out := fs.String("out", "", "new key file to write (must not exist)")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		if *out == "" {
			return fmt.Errorf("请用 --out 指定新密钥文件 / give the new key file with --out")
		}
		key, err := pii.CreateKeyFile(*out)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "已生成新密钥 %s（校验值 %.8s）。请先备份，再按 docs/operations.md 轮换。\n", *out, pii.CheckValue(key))
		return nil
	case "status":
		fs := newFlags("key status", env)
		d := dbFlags{noCreate: true}
		d.register(fs, env)
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		if err := d.exists(); err != nil {
			return err
		}
		db, err := store.Open(ctx, d.db)
		if err != nil {
			return err
		}
		defer db.Close()
		if _, err := db.Migrate(ctx); err != nil {
			return err
		}
		if _, err := d.loadKey(ctx, env, db, true); err != nil {
			return err
		}
		cur, prev, err := keys.Check(ctx, db)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "密钥校验值 / key check: %.8s\n", cur)
		if prev != "" {
			fmt.Fprintf(env.Stdout, "正在轮换，旧密钥校验值 / rotating from: %.8s —— 运行 zhitong key rotate 完成\n", prev)
		}
		return nil
	case "rotate":
		fs := newFlags("key rotate", env)
		d := dbFlags{noCreate: true, begin: true}
		d.register(fs, env)
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		a, closeDB, err := d.open(ctx, env, nil)
		if err != nil {
			return err
		}
		defer closeDB()
		if !a.Sealer().Rotating() {
			return fmt.Errorf("没有正在进行的轮换：请以新密钥为 ZHITONG_KEY（或 --key-file），以现用密钥为 ZHITONG_OLD_KEY（或 --old-key-file）运行 / no rotation: give the new key as ZHITONG_KEY or --key-file and the current one as ZHITONG_OLD_KEY or --old-key-file")
		}
		start := time.Now()
		rep, err := keys.Rotate(ctx, a.DB(), a.Sealer(), a.Now, env.Stdout)
		if rep != nil && len(rep.Unmatched) > 0 {
			fmt.Fprintf(env.Stderr, "注意：%d 条 070 之前的短信退订记录找不到对应号码（编号 %v），轮换后不再生效，请重新登记。\n", len(rep.Unmatched), rep.Unmatched)
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "密钥轮换完成（用时 %s）：重新加密 %d 个值，%d 个已是新密钥。旧密钥已不再需要（请按规定保管或销毁），服务器可去掉 ZHITONG_OLD_KEY 重启。\n", time.Since(start).Round(time.Millisecond), rep.Resealed, rep.Current)
		return nil
	}
	return fmt.Errorf("未知子命令 %q；用法: zhitong key generate|status|rotate", args[0])
}
