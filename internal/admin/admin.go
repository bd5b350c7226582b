// Package admin administers the reference data a jurisdiction runs on:
// regions the national data lacks, handling units (承办单位) with their SMS
// contact, and categories (分类) with each jurisdiction's default lead unit.
//
// Committee staff (代表工委) do it within their region subtree; every change
// is audited in the same transaction; nothing that cases refer to is
// deleted, it is retired (停用). docs/admin.md describes the rules.
//
// The Upsert functions validate one row against the actor's jurisdiction
// inside a caller's transaction, for the Excel import (internal/sheets).
package admin

import (
	"context"
	"strings"
	"unicode/utf8"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/store"
)

// Service administers regions, units and categories.
type Service struct{ app *app.App }

// New returns the administration service over a.
func New(a *app.App) *Service { return &Service{app: a} }

// committee checks that p is committee staff (代表工委).
func committee(p zhitong.Principal, what string) error {
	if !p.Staff() {
		return zhitong.Errorf(zhitong.EUNAUTHORIZED, "请先登录")
	}
	if p.Role != zhitong.RoleCommittee {
		return zhitong.Errorf(zhitong.EFORBIDDEN, "只有代表工委可以%s", what)
	}
	return nil
}

// within reports whether code lies in p's region subtree.
func within(p zhitong.Principal, code string) bool { return strings.HasPrefix(code, p.RegionCode) }

// text trims s and checks its length and characters.
func text(field, label, s string, min, max int) (string, error) {
	s = strings.TrimSpace(s)
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return "", zhitong.Invalid(field, "%s含有不允许的控制字符", label)
		}
	}
	n := utf8.RuneCountInString(s)
	if n < min {
		return "", zhitong.Invalid(field, "请填写%s", label)
	}
	if n > max {
		return "", zhitong.Invalid(field, "%s不能超过 %d 个字（现有 %d 个）", label, max, n)
	}
	return s, nil
}

// write runs fn in one transaction of the application's database.
func (s *Service) write(ctx context.Context, fn func(*store.Tx) error) error {
	return s.app.DB().Write(ctx, fn)
}

// asInvalid turns a not-found reference in a body into invalid (400).
func asInvalid(field string, err error) error {
	if zhitong.ErrorCode(err) == zhitong.ENOTFOUND {
		return zhitong.Invalid(field, "%s", zhitong.ErrorMessage(err))
	}
	return err
}
