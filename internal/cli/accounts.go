package cli

import (
	"context"
	"fmt"
	"text/tabwriter"

	"zhitong"
	"zhitong/internal/accounts"
	"zhitong/internal/app"
	"zhitong/internal/store"
)

// userAdmin runs the account administration commands on the server, as
// the security administrator would in the workbench: zhitong user
// list|disable|enable|reset|unlock.
func userAdmin(ctx context.Context, env Env, args []string) error {
	fs := newFlags("user "+args[0], env)
	var d dbFlags
	d.register(fs, env)
	username := fs.String("username", "", "login name")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if args[0] != "list" && *username == "" {
		return fmt.Errorf("用法: zhitong user %s --username U", args[0])
	}
	a, closeDB, err := d.open(ctx, env, nil)
	if err != nil {
		return err
	}
	defer closeDB()
	svc := accounts.New(a)
	if args[0] == "list" {
		items, err := svc.Users(ctx, app.System)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "编号\t用户名\t姓名\t角色\t辖区\t状态")
		for _, u := range items {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", u.ID, u.Username, u.DisplayName, u.RoleLabel, u.Jurisdiction, u.StateLabel)
		}
		return tw.Flush()
	}
	u, err := store.GetUserByName(ctx, a.DB(), *username)
	if err != nil {
		return err
	}
	switch args[0] {
	case "disable":
		_, err = svc.Disable(ctx, app.System, u.ID)
		report(env, err, "已停用 %s，其登录会话已全部失效。\n", u.Username)
	case "enable":
		_, err = svc.Enable(ctx, app.System, u.ID)
		report(env, err, "已启用 %s。\n", u.Username)
	case "unlock":
		_, err = svc.Unlock(ctx, app.System, u.ID)
		report(env, err, "已解除 %s 的锁定。\n", u.Username)
	case "reset":
		var c accounts.Created
		c, err = svc.ResetPassword(ctx, app.System, u.ID)
		report(env, err, "已重置 %s 的密码（只显示这一次，下次登录须修改）：\n%s\n", u.Username, c.Password)
	case "reset-2fa":
		err = resetTwoFactor(ctx, env, a, u) // signin.go
	}
	return err
}

func report(env Env, err error, format string, args ...any) {
	if err == nil {
		fmt.Fprintf(env.Stdout, format, args...)
	}
}

// tokenAdmin lists and revokes API tokens: zhitong token list|revoke.
func tokenAdmin(ctx context.Context, env Env, args []string) error {
	fs := newFlags("token "+args[0], env)
	var d dbFlags
	d.register(fs, env)
	id := fs.Int64("id", 0, "token id (see zhitong token list)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if args[0] == "revoke" && *id <= 0 {
		return fmt.Errorf("用法: zhitong token revoke --id ID")
	}
	a, closeDB, err := d.open(ctx, env, nil)
	if err != nil {
		return err
	}
	defer closeDB()
	svc := accounts.New(a)
	if args[0] == "revoke" {
		tok, err := svc.RevokeToken(ctx, app.System, *id)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "已吊销令牌 %d（%s），立即失效。\n", tok.ID, tok.Name)
		return nil
	}
	items, err := svc.Tokens(ctx, app.System)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "编号\t名称\t角色\t辖区\t签发时间\t最近使用\t状态")
	for _, t := range items {
		used, state := "从未使用", "有效"
		if t.LastUsedAt != nil {
			used = t.LastUsedAt.In(zhitong.China).Format("2006-01-02 15:04")
		}
		if t.Revoked {
			state = "已吊销"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Name, t.RoleLabel, t.Jurisdiction,
			t.CreatedAt.In(zhitong.China).Format("2006-01-02 15:04"), used, state)
	}
	return tw.Flush()
}
