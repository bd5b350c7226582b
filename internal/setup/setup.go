// Package setup turns an empty database into a working deployment for one
// jurisdiction of the national division data — a county, a city with its
// counties, or a province: its region subtree, its organisation's names
// (人大常委会 and 代表工委), a default set of case categories and the first
// security administrator and committee account, each with a random
// password to be changed at the first sign-in. zhitong init, the first-run
// page (/setup) and the demo county all go through it.
package setup

import (
	"context"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/documents"
	"zhitong/internal/regions"
	"zhitong/internal/store"
)

// Input is what set-up needs. Empty names take DefaultNames; empty
// usernames take DefaultSecAdmin and DefaultCommittee (with Add, no
// security administrator is created unless SecAdmin is given).
type Input struct {
	Region string // any form regions.Normalize accepts: 360783, 360700, 36
	Names
	SecAdmin, SecAdminDisplay   string // username and display name
	Committee, CommitteeDisplay string
	// Add sets up one more jurisdiction in a database that already holds
	// data. Without it, Run refuses anything but an empty database.
	Add bool
	// Via says where the set-up came from, for the audit log ("cli", "web 127.0.0.1").
	Via string
}

// Default usernames of the first accounts.
const (
	DefaultSecAdmin  = "anquan"
	DefaultCommittee = "gongwei"
)

// metaSetUp is the meta key the first set-up writes, with its region code.
const metaSetUp = "setup_region"

// Account is an account set-up created, with its initial password, which
// is shown once and must be changed at the first sign-in.
type Account struct {
	ID          int64
	Username    string
	DisplayName string
	Role        zhitong.Role
	Password    string
}

// Result is what Run did.
type Result struct {
	Organisation zhitong.Organisation
	Region       regions.Region
	FullName     string // 江西省赣州市龙南市
	Regions      int    // regions added (ancestors and the subtree; those already there are kept)
	Townships    int    // townships and streets in the subtree
	Categories   int    // default categories added (0 when some existed)
	Accounts     []Account
}

// Service sets up jurisdictions.
type Service struct{ app *app.App }

// New returns the set-up service.
func New(a *app.App) *Service { return &Service{app: a} }

// Run sets up a jurisdiction in one transaction: nothing is written unless
// all of it is. Only the system principal (the command line on the server,
// the first-run page) may run it.
func (s *Service) Run(ctx context.Context, p zhitong.Principal, in Input) (*Result, error) {
	if p != app.System {
		return nil, zhitong.Errorf(zhitong.EFORBIDDEN, "只能在服务器上（zhitong init 或首次设置页面）进行初始设置")
	}
	tree, err := regions.Load()
	if err != nil {
		return nil, err
	}
	plan, err := prepare(tree, in)
	if err != nil {
		return nil, err
	}
	for i := range plan.accounts {
		acc := &plan.accounts[i]
		acc.Password = NewPassword()
		plan.hashes = append(plan.hashes, s.app.HashPassword(acc.Password))
	}
	res := &Result{Region: plan.region, FullName: FullName(tree, plan.region.Code)}
	err = s.app.DB().Write(ctx, func(tx *store.Tx) error {
		res.Accounts = nil // a transaction retried on PostgreSQL starts over
		if !in.Add {
			if what, err := store.HoldsData(ctx, tx); err != nil {
				return err
			} else if what != "" {
				return zhitong.Errorf(zhitong.ECONFLICT, "数据库中已有数据（%s），初始设置未执行，未做任何修改。如需再增设一个辖区，请使用 --add", what)
			}
			// Two first runs at once (PostgreSQL, two servers): the
			// second waits on this key and fails instead of setting up twice.
			if _, err := tx.Exec(ctx, `INSERT INTO meta (key, value) VALUES (?, ?)`, metaSetUp, plan.region.Code); store.IsUniqueViolation(err) {
				return zhitong.Errorf(zhitong.ECONFLICT, "另一个初始设置正在进行或已完成，未做任何修改")
			} else if err != nil {
				return err
			}
		}
		org, added, towns, err := Organise(ctx, tx, tree, plan.region.Code, plan.names, s.app.Now())
		if err != nil {
			return err
		}
		res.Organisation, res.Regions, res.Townships = org, added, towns
		// The organisation's document-signing key (docs/documents.md).
		if err := documents.EnsureKey(ctx, tx, s.app.Sealer(), org.RegionCode, s.app.Now()); err != nil {
			return err
		}
		if res.Categories, err = SeedCategories(ctx, tx); err != nil {
			return err
		}
		for i, acc := range plan.accounts {
			u := &zhitong.User{Username: acc.Username, DisplayName: acc.DisplayName, Role: acc.Role, RegionCode: plan.region.Code,
				PasswordHash: plan.hashes[i], CreatedAt: s.app.Now(), MustChangePassword: true}
			if err := tx.InsertUser(ctx, u); err != nil {
				return err
			}
			acc.ID = u.ID
			res.Accounts = append(res.Accounts, acc)
			if err := s.app.AppendAudit(ctx, tx, p, "user.add", "user:"+strconv.FormatInt(u.ID, 10),
				map[string]any{"username": u.Username, "role": u.Role, "region": u.RegionCode, "must_change_password": true, "via": "setup"}); err != nil {
				return err
			}
		}
		usernames := make([]string, len(res.Accounts))
		for i, acc := range res.Accounts {
			usernames[i] = acc.Username
		}
		return s.app.AppendAudit(ctx, tx, p, "setup.run", "region:"+plan.region.Code, map[string]any{
			"org": org.Name, "committee": org.CommitteeName, "short_name": org.ShortName, "add": in.Add, "via": in.Via,
			"regions_added": res.Regions, "categories_added": res.Categories, "accounts": usernames})
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// plan is a validated Input.
type plan struct {
	region   regions.Region
	names    Names
	accounts []Account
	hashes   []string
}

var usernameRE = regexp.MustCompile(`^[A-Za-z0-9._-]{3,40}$`)

// prepare validates every field of in at once (errors.Join, the first
// decides the code) and fills in the defaults.
func prepare(tree *regions.Tree, in Input) (*plan, error) {
	var problems []error
	pl := &plan{}
	code, err := regions.Normalize(strings.TrimSpace(in.Region))
	r, ok := tree.Get(code)
	switch {
	case strings.TrimSpace(in.Region) == "":
		problems = append(problems, zhitong.Invalid("region", "请填写行政区划代码（如 360783）"))
	case err != nil || !ok:
		problems = append(problems, zhitong.Invalid("region", "行政区划代码“%s”不在全国行政区划数据中", in.Region))
	case !Settable(r):
		problems = append(problems, zhitong.Invalid("region", "%s是乡镇级行政区划，不设人大常委会；请选择县级及以上（县、市、区、省）", r.Name))
	default:
		pl.region = r
	}
	def := Names{}
	if pl.region.Code != "" {
		def = DefaultNames(tree, pl.region)
	}
	pl.names = Names{OrgName: orDefault(in.OrgName, def.OrgName), CommitteeName: orDefault(in.CommitteeName, def.CommitteeName),
		ShortName: orDefault(in.ShortName, def.ShortName)}
	for _, f := range []struct {
		field, label, v string
		min, max        int
	}{{"org_name", "人大常委会名称", pl.names.OrgName, 4, 40}, {"committee_name", "代表工作委员会名称", pl.names.CommitteeName, 4, 60},
		{"short_name", "简称", pl.names.ShortName, 2, 10}} {
		if f.v == "" && pl.region.Code == "" {
			continue // the region's problem says it all
		}
		if n := utf8.RuneCountInString(f.v); n < f.min || n > f.max {
			problems = append(problems, zhitong.Invalid(f.field, "%s应为 %d 至 %d 个字", f.label, f.min, f.max))
		} else if strings.ContainsAny(f.v, "<>\"'&\r\n\t") {
			problems = append(problems, zhitong.Invalid(f.field, "%s不能包含 < > \" ' & 或换行", f.label))
		}
	}
	sec, com := strings.TrimSpace(in.SecAdmin), strings.TrimSpace(in.Committee)
	if sec == "" && !in.Add {
		sec = DefaultSecAdmin
	}
	if com == "" {
		com = DefaultCommittee
		if in.Add && pl.region.Code != "" {
			com += pl.region.Code
		}
	}
	place := pl.names.OrgName
	if sec != "" {
		pl.accounts = append(pl.accounts, Account{Username: sec, DisplayName: orDefault(in.SecAdminDisplay, "安全管理员"), Role: zhitong.RoleSecAdmin})
	}
	pl.accounts = append(pl.accounts, Account{Username: com, DisplayName: orDefault(in.CommitteeDisplay, strings.TrimSuffix(place, "人大常委会")+"代表工委"),
		Role: zhitong.RoleCommittee})
	for _, acc := range pl.accounts {
		field := map[zhitong.Role]string{zhitong.RoleSecAdmin: "secadmin", zhitong.RoleCommittee: "committee"}[acc.Role]
		switch {
		case !usernameRE.MatchString(acc.Username):
			problems = append(problems, zhitong.Invalid(field, "用户名“%s”应为 3 至 40 位英文字母、数字或 . _ -", acc.Username))
		case utf8.RuneCountInString(acc.DisplayName) > 50:
			problems = append(problems, zhitong.Invalid(field+"_name", "姓名最多 50 个字"))
		}
	}
	if len(pl.accounts) == 2 && pl.accounts[0].Username == pl.accounts[1].Username {
		problems = append(problems, zhitong.Invalid("committee", "两个账号的用户名不能相同"))
	}
	if len(problems) > 0 {
		return nil, errors.Join(problems...)
	}
	return pl, nil
}

func orDefault(v, def string) string {
	if v = strings.TrimSpace(v); v != "" {
		return v
	}
	return def
}
