package sso

import (
	"context"

	"zhitong"
	"zhitong/internal/app"
)

// Settings is the provider configuration as the JSON API shows it: the
// client secret never, only whether one is stored.
type Settings struct {
	Config
	HasClientSecret bool `json:"has_client_secret"`
}

// Settings returns the configuration for the system administrator.
func (s *Service) Settings(ctx context.Context, p zhitong.Principal) (Settings, error) {
	if p.Role != zhitong.RoleSysAdmin && p != app.System {
		return Settings{}, zhitong.Errorf(zhitong.EFORBIDDEN, "只有系统管理员可以查看统一身份认证设置")
	}
	c, err := s.Config(ctx)
	if err != nil {
		return Settings{}, err
	}
	out := Settings{Config: c, HasClientSecret: c.ClientSecret != ""}
	out.ClientSecret = ""
	return out, nil
}
