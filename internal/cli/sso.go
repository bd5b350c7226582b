package cli

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strconv"
	"strings"

	"zhitong/internal/app"
	"zhitong/internal/sso"
)

// ssoFlags set the single sign-on provider at `serve` and `init`
// (docs/sso.md): each flag has its ZHITONG_SSO_* variable. The client
// secret is never a flag (argv shows in ps and in logs): it comes from
// ZHITONG_SSO_CLIENT_SECRET or the file --sso-client-secret-file names.
type ssoFlags struct {
	issuer, clientID, secretFile, redirect, scopes, require *string
}

func registerSSOFlags(fs *flag.FlagSet, env Env) *ssoFlags {
	return &ssoFlags{
		issuer:     fs.String("sso-issuer", env.Getenv("ZHITONG_SSO_ISSUER"), "统一身份认证服务地址（OpenID Connect issuer，env ZHITONG_SSO_ISSUER）；给出即启用"),
		clientID:   fs.String("sso-client-id", env.Getenv("ZHITONG_SSO_CLIENT_ID"), "客户端标识（env ZHITONG_SSO_CLIENT_ID）"),
		secretFile: fs.String("sso-client-secret-file", env.Getenv("ZHITONG_SSO_CLIENT_SECRET_FILE"), "客户端密钥文件（env ZHITONG_SSO_CLIENT_SECRET_FILE；或直接用 env ZHITONG_SSO_CLIENT_SECRET；密钥不接受命令行参数）"),
		redirect:   fs.String("sso-redirect-url", env.Getenv("ZHITONG_SSO_REDIRECT_URL"), "本系统的回调地址 https://…/sso/callback（env ZHITONG_SSO_REDIRECT_URL）"),
		scopes:     fs.String("sso-scopes", env.Getenv("ZHITONG_SSO_SCOPES"), "申请的范围，空格分隔（env ZHITONG_SSO_SCOPES；默认 openid profile）"),
		require:    fs.String("sso-require-staff", env.Getenv("ZHITONG_SSO_REQUIRE_STAFF"), "true：要求工作人员使用统一身份认证（系统管理员密码保留），false：不要求（env ZHITONG_SSO_REQUIRE_STAFF）"),
	}
}

// apply stores what the flags and variables give over the stored
// settings, through sso.SetConfig (validated, audited without the secret).
// Nothing given, or nothing different: nothing written.
func (f *ssoFlags) apply(ctx context.Context, env Env, a *app.App, logger *slog.Logger) error {
	c, old, changed, err := f.config(ctx, env, a)
	if err != nil || !changed {
		return err
	}
	if err := sso.New(a).SetConfig(ctx, app.System, c); err != nil {
		return fmt.Errorf("统一身份认证设置（--sso-* / ZHITONG_SSO_*）：%s", describe(err))
	}
	if logger != nil {
		logger.Info("sso: provider settings from flags/environment stored", "issuer", c.Issuer, "client_id", c.ClientID,
			"redirect_url", c.RedirectURL, "require_for_staff", c.RequireForStaff, "secret_changed", c.ClientSecret != old.ClientSecret)
	}
	return nil
}

// check refuses bad settings before anything is written (init checks
// them before setting up).
func (f *ssoFlags) check(ctx context.Context, env Env, a *app.App) error {
	c, _, changed, err := f.config(ctx, env, a)
	if err == nil && changed {
		if err = c.Validate(); err != nil {
			err = fmt.Errorf("统一身份认证设置（--sso-* / ZHITONG_SSO_*）：%s", describe(err))
		}
	}
	return err
}

// config is the stored settings with what the flags and variables give
// over them, and whether that differs.
func (f *ssoFlags) config(ctx context.Context, env Env, a *app.App) (c, old sso.Config, changed bool, err error) {
	secret := env.Getenv("ZHITONG_SSO_CLIENT_SECRET")
	if *f.secretFile != "" {
		b, err := os.ReadFile(*f.secretFile)
		if err != nil {
			return c, old, false, fmt.Errorf("统一身份认证客户端密钥文件：%w", err)
		}
		secret = strings.TrimSpace(string(b))
	}
	if *f.issuer == "" && *f.clientID == "" && *f.redirect == "" && *f.scopes == "" && *f.require == "" && secret == "" {
		return c, old, false, nil
	}
	if old, err = sso.New(a).Config(ctx); err != nil {
		return c, old, false, err
	}
	c = old
	if *f.issuer != "" {
		c.Issuer, c.Enabled = *f.issuer, true
	}
	if *f.clientID != "" {
		c.ClientID = *f.clientID
	}
	if *f.redirect != "" {
		c.RedirectURL = *f.redirect
	}
	if *f.scopes != "" {
		c.Scopes = strings.Fields(*f.scopes)
	}
	if *f.require != "" {
		v, err := strconv.ParseBool(*f.require)
		if err != nil {
			return c, old, false, fmt.Errorf("--sso-require-staff / ZHITONG_SSO_REQUIRE_STAFF 应为 true 或 false")
		}
		c.RequireForStaff = v
	}
	if secret != "" {
		c.ClientSecret = secret
	}
	changed = c.Enabled != old.Enabled || c.Issuer != old.Issuer || c.ClientID != old.ClientID || c.RedirectURL != old.RedirectURL ||
		!slices.Equal(c.Scopes, old.Scopes) || c.RequireForStaff != old.RequireForStaff || c.ClientSecret != old.ClientSecret
	return c, old, changed, nil
}
