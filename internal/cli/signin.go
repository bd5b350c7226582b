package cli

import (
	"context"
	"fmt"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/signin"
)

// resetTwoFactor is zhitong user reset-2fa --username U (run by userAdmin):
// it removes a user's two-factor enrolment on the server, for a security
// administrator who lost their phone and recovery codes when no other one
// can reset it in the workbench. Audited like the workbench's reset; the
// user's sessions end.
func resetTwoFactor(ctx context.Context, env Env, a *app.App, u *zhitong.User) error {
	if err := signin.New(a).Reset(ctx, app.System, u.ID); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "已重置 %s 的两步验证，其登录会话已全部失效；下次登录时须重新绑定。\n", u.Username)
	return nil
}
