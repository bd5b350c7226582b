package admin

import (
	"context"
	"fmt"
	"regexp"

	"zhitong"
	"zhitong/internal/store"
)

// Categories are global: one list for the whole deployment, so that
// statistics and rankings compare like with like. Their name, default
// deadline and retirement are changed by the system administrator or by
// committee staff whose jurisdiction covers every county of the deployment
// (the deployment's top committee). The default lead unit is set per
// jurisdiction: each committee sets it for its own region, to a unit of
// its own subtree; a case takes the setting of the nearest jurisdiction
// above it (docs/admin.md).

// Deadline bounds of a category's default, in working days.
const (
	MinDueDays = 1
	MaxDueDays = 60
)

// CategoryView is a category with the default lead unit of the viewer's
// jurisdiction.
type CategoryView struct {
	zhitong.Category
	// DefaultUnitID is the default lead unit (默认主办单位) the viewer's
	// jurisdiction set for the category, 0 if none; public lists leave it out.
	DefaultUnitID   int64  `json:"default_unit_id,omitempty"`
	DefaultUnitName string `json:"default_unit_name,omitempty"`
}

// CategoryInput creates a category. Code may be left empty: one is made.
type CategoryInput struct {
	Code    string `json:"code"`
	Name    string `json:"name"`
	DueDays int    `json:"due_days"`
	Group   string `json:"group"`
	// DefaultUnitID sets the default lead unit of the actor's jurisdiction.
	DefaultUnitID int64 `json:"default_unit_id"`
}

// CategoryPatch changes the fields it carries. DefaultUnitID (0 clears) is
// the actor's jurisdiction's setting; the others are global.
type CategoryPatch struct {
	Name          *string `json:"name"`
	DueDays       *int    `json:"due_days"`
	Group         *string `json:"group"`
	DefaultUnitID *int64  `json:"default_unit_id"`
}

var categoryCode = regexp.MustCompile(`^[a-z][a-z0-9_]{1,29}$`)

// Categories lists every category, with the default lead units of p's
// jurisdiction when p is staff.
func (s *Service) Categories(ctx context.Context, p zhitong.Principal) ([]CategoryView, error) {
	db := s.app.DB()
	cats, err := store.ListCategories(ctx, db)
	if err != nil {
		return nil, err
	}
	out := make([]CategoryView, 0, len(cats))
	var defaults map[string]int64
	names := map[int64]string{}
	if p.Staff() && p.Role != zhitong.RoleSysAdmin {
		if defaults, err = store.CategoryUnits(ctx, db, p.RegionCode); err != nil {
			return nil, err
		}
		for _, id := range defaults {
			if u, err := store.GetUnit(ctx, db, id); err == nil {
				names[id] = u.Name
			}
		}
	}
	for _, c := range cats {
		v := CategoryView{Category: c, DefaultUnitID: defaults[c.Code]}
		v.DefaultUnitName = names[v.DefaultUnitID]
		out = append(out, v)
	}
	return out, nil
}

// CanEditGlobal reports whether p may change categories' names, default
// deadlines and retirement: the system administrator, or committee staff
// whose jurisdiction covers every county of the deployment.
func (s *Service) CanEditGlobal(ctx context.Context, p zhitong.Principal) (bool, error) {
	switch p.Role {
	case zhitong.RoleSysAdmin:
		return true, nil
	case zhitong.RoleCommittee:
		return store.CoversAllCounties(ctx, s.app.DB(), p.RegionCode)
	}
	return false, nil
}

func (s *Service) global(ctx context.Context, p zhitong.Principal) error {
	if !p.Staff() {
		return zhitong.Errorf(zhitong.EUNAUTHORIZED, "请先登录")
	}
	ok, err := s.CanEditGlobal(ctx, p)
	if err != nil {
		return err
	}
	if !ok {
		return zhitong.Errorf(zhitong.EFORBIDDEN, "分类是全部署共用的，只有系统管理员或最高一级代表工委可以新增、改名、改默认时限或停用；本辖区的默认主办单位可以自行设置")
	}
	return nil
}

func checkCategory(name string, days int, group string) (string, string, error) {
	n, err := text("name", "分类名称", name, 1, 20)
	if err != nil {
		return "", "", err
	}
	if days < MinDueDays || days > MaxDueDays {
		return "", "", zhitong.Invalid("due_days", "默认办理时限应在 %d 到 %d 个工作日之间", MinDueDays, MaxDueDays)
	}
	g, err := text("group", "分组", group, 0, 20)
	return n, g, err
}

// CreateCategory adds a category (global).
func (s *Service) CreateCategory(ctx context.Context, p zhitong.Principal, in CategoryInput) (CategoryView, error) {
	var out CategoryView
	if err := s.global(ctx, p); err != nil {
		return out, err
	}
	name, group, err := checkCategory(in.Name, in.DueDays, in.Group)
	if err != nil {
		return out, err
	}
	if in.Code != "" && !categoryCode.MatchString(in.Code) {
		return out, zhitong.Invalid("code", "分类代码应以小写字母开头，由 2–30 个小写字母、数字或下划线组成，也可以不填")
	}
	err = s.write(ctx, func(tx *store.Tx) error {
		if taken, err := store.CategoryNameTaken(ctx, tx, name, ""); err != nil {
			return err
		} else if taken {
			return zhitong.Errorf(zhitong.ECONFLICT, "已有名为“%s”的分类", name)
		}
		code := in.Code
		if code == "" {
			if code, err = nextCategoryCode(ctx, tx); err != nil {
				return err
			}
		} else if _, err := store.GetCategory(ctx, tx, code); err == nil {
			return zhitong.Errorf(zhitong.ECONFLICT, "分类代码“%s”已被使用", code)
		}
		c := zhitong.Category{Code: code, Name: name, DueDays: in.DueDays, Group: group}
		if err := tx.CreateCategory(ctx, c); err != nil {
			return err
		}
		out = CategoryView{Category: c}
		if err := s.app.AppendAudit(ctx, tx, p, "category.create", "category:"+code,
			map[string]any{"name": name, "due_days": in.DueDays, "group": group}); err != nil {
			return err
		}
		if in.DefaultUnitID != 0 {
			return s.setDefault(ctx, tx, p, &out, in.DefaultUnitID)
		}
		return nil
	})
	return out, err
}

func nextCategoryCode(ctx context.Context, q store.Q) (string, error) {
	for n := 1; n < 10000; n++ {
		code := fmt.Sprintf("c%03d", n)
		if _, err := store.GetCategory(ctx, q, code); zhitong.ErrorCode(err) == zhitong.ENOTFOUND {
			return code, nil
		} else if err != nil {
			return "", err
		}
	}
	return "", zhitong.Errorf(zhitong.ECONFLICT, "分类代码已用完")
}

// UpdateCategory changes a category: its global fields (name, default
// deadline, group) for those who may, and the default lead unit of p's
// own jurisdiction for committee staff.
func (s *Service) UpdateCategory(ctx context.Context, p zhitong.Principal, code string, in CategoryPatch) (CategoryView, error) {
	var out CategoryView
	if !p.Staff() {
		return out, zhitong.Errorf(zhitong.EUNAUTHORIZED, "请先登录")
	}
	globalChange := in.Name != nil || in.DueDays != nil || in.Group != nil
	if globalChange {
		if err := s.global(ctx, p); err != nil {
			return out, err
		}
	}
	if in.DefaultUnitID != nil {
		if err := committee(p, "设置默认主办单位"); err != nil {
			return out, err
		}
	}
	if !globalChange && in.DefaultUnitID == nil {
		return out, zhitong.Invalid("name", "没有要修改的内容")
	}
	err := s.write(ctx, func(tx *store.Tx) error {
		c, err := store.GetCategory(ctx, tx, code)
		if err != nil {
			return err
		}
		out = CategoryView{Category: c}
		if globalChange {
			next := c
			if in.Name != nil {
				next.Name = *in.Name
			}
			if in.DueDays != nil {
				next.DueDays = *in.DueDays
			}
			if in.Group != nil {
				next.Group = *in.Group
			}
			if next.Name, next.Group, err = checkCategory(next.Name, next.DueDays, next.Group); err != nil {
				return err
			}
			if taken, err := store.CategoryNameTaken(ctx, tx, next.Name, c.Code); err != nil {
				return err
			} else if taken {
				return zhitong.Errorf(zhitong.ECONFLICT, "已有名为“%s”的分类", next.Name)
			}
			if next != c {
				if err := tx.UpdateCategory(ctx, next); err != nil {
					return err
				}
				out.Category = next
				if err := s.app.AppendAudit(ctx, tx, p, "category.update", "category:"+c.Code, map[string]any{
					"from": map[string]any{"name": c.Name, "due_days": c.DueDays, "group": c.Group},
					"to":   map[string]any{"name": next.Name, "due_days": next.DueDays, "group": next.Group}}); err != nil {
					return err
				}
			}
		}
		if in.DefaultUnitID != nil {
			return s.setDefault(ctx, tx, p, &out, *in.DefaultUnitID)
		}
		defaults, err := store.CategoryUnits(ctx, tx, p.RegionCode)
		if err == nil {
			out.DefaultUnitID = defaults[c.Code]
		}
		return err
	})
	return out, err
}

// setDefault sets (or with 0 clears) the default lead unit of category
// c for p's jurisdiction: a unit of p's subtree that is not retired.
func (s *Service) setDefault(ctx context.Context, tx *store.Tx, p zhitong.Principal, c *CategoryView, unit int64) error {
	if p.Role != zhitong.RoleCommittee {
		return zhitong.Errorf(zhitong.EFORBIDDEN, "只有代表工委可以设置本辖区的默认主办单位")
	}
	old, err := store.CategoryUnits(ctx, tx, p.RegionCode)
	if err != nil {
		return err
	}
	c.DefaultUnitID, c.DefaultUnitName = unit, ""
	if unit != 0 {
		u, err := s.app.CheckOwnUnitRef(ctx, tx, p, "default_unit_id", "承办单位", unit)
		if err != nil {
			return err
		}
		c.DefaultUnitName = u.Name
	}
	if old[c.Code] == unit {
		return nil
	}
	if err := tx.SetCategoryUnit(ctx, c.Code, p.RegionCode, unit); err != nil {
		return err
	}
	return s.app.AppendAudit(ctx, tx, p, "category.default_unit", "category:"+c.Code,
		map[string]any{"region": p.RegionCode, "from": old[c.Code], "to": unit})
}

// RetireCategory retires a category (global): it is no longer offered at
// intake or registration; cases keep it.
func (s *Service) RetireCategory(ctx context.Context, p zhitong.Principal, code string) (CategoryView, error) {
	var out CategoryView
	if err := s.global(ctx, p); err != nil {
		return out, err
	}
	err := s.write(ctx, func(tx *store.Tx) error {
		c, err := store.GetCategory(ctx, tx, code)
		if err != nil {
			return err
		}
		out = CategoryView{Category: c}
		if !c.RetiredAt.IsZero() {
			return nil
		}
		now := s.app.Now()
		if err := tx.RetireCategory(ctx, code, now); err != nil {
			return err
		}
		out.RetiredAt = store.ParseTime(store.FormatTime(now))
		return s.app.AppendAudit(ctx, tx, p, "category.retire", "category:"+code, map[string]any{"name": c.Name})
	})
	return out, err
}
