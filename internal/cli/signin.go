package cli

import (
	"context"
	"fmt"

	"zhitong/internal/app"
	"zhitong/internal/signin"
	"zhitong/internal/store"
)

// userTwoFactor resets a user's two-factor sign-in on the server (zhitong
// user reset-2fa --username U): for a security administrator who lost their
// phone and recovery codes when no other one can reset it in the
// workbench. Audited like the workbench's reset; the user's sessions end.
func userTwoFactor(ctx context.Context, env Env, args []string) error {
	fs := newFlags("user "+args[0], env)
	var d dbFlags
	d.register(fs, env)
	username := fs.String("username", "", "login name")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *username == "" {
		return fmt.Errorf("用法: zhitong user reset-2fa --username U")
	}
	a, closeDB, err := d.open(ctx, env, nil)
	if err != nil {
		return err
	}
	defer closeDB()
	u, err := store.GetUserByName(ctx, a.DB(), *username)
	if err != nil {
		return err
	}
	if err := signin.New(a).Reset(ctx, app.System, u.ID); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "已重置 %s 的两步验证，其登录会话已全部失效；下次登录时须重新绑定。\n", u.Username)
	return nil
}
