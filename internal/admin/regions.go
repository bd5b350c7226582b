package admin

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"zhitong"
	"zhitong/internal/store"
)

// Region kinds staff may add (the national data has none of them).
const (
	KindIndustrialPark  = "industrial_park"  // 工业园区
	KindDevelopmentZone = "development_zone" // 开发区
	KindCommunity       = "community"        // 社区
	KindVillage         = "village"          // 村
)

// RegionKinds names the kinds of added regions.
var RegionKinds = []zhitong.Named[string]{
	{Value: KindIndustrialPark, Label: "工业园区"},
	{Value: KindDevelopmentZone, Label: "开发区"},
	{Value: KindCommunity, Label: "社区"},
	{Value: KindVillage, Label: "村"},
}

// Local codes (docs/admin.md): a region added under a county (6 digits)
// gets the county's code and three digits, a township-level code; one added
// under a township-level region (9 digits) gets three more, a village-level
// code. The three digits are taken from LocalFirst…LocalLast: the national
// statistical scheme gives township-level units 001–599 (街道, 镇, 乡,
// 政企合一单位) and villages 001–399, so 801–999 never collide with a code
// the national data has or will have, and the code stays inside the
// parent's prefix (so the region is in every jurisdiction its parent is in).
const (
	LocalFirst = 801
	LocalLast  = 999
)

// IsLocalCode reports whether code was generated here for an added region.
func IsLocalCode(code string) bool {
	if len(code) != 9 && len(code) != 12 {
		return false
	}
	n, err := strconv.Atoi(code[len(code)-3:])
	return err == nil && n >= LocalFirst && n <= LocalLast
}

// RegionInput adds a region under a parent.
type RegionInput struct {
	Parent string `json:"parent_code"`
	Name   string `json:"name"`
	Kind   string `json:"kind"`
}

// RegionPatch renames a region.
type RegionPatch struct {
	Name *string `json:"name"`
}

// kindsUnder lists the kinds that may be added under a region of level.
func kindsUnder(level int) []string {
	switch level {
	case 3: // county: parks and zones are township-level
		return []string{KindIndustrialPark, KindDevelopmentZone}
	case 4: // township (or an added park/zone): everything
		return []string{KindIndustrialPark, KindDevelopmentZone, KindCommunity, KindVillage}
	}
	return nil
}

// Regions lists the regions of p's jurisdiction, retired ones too, for the
// administration pages.
func (s *Service) Regions(ctx context.Context, p zhitong.Principal) ([]zhitong.Region, error) {
	if err := committee(p, "管理行政区划"); err != nil {
		return nil, err
	}
	return store.ListRegions(ctx, s.app.DB(), p.RegionCode)
}

// AddRegion adds a region the national data lacks under a parent in p's
// jurisdiction, with a generated code.
func (s *Service) AddRegion(ctx context.Context, p zhitong.Principal, in RegionInput) (zhitong.Region, error) {
	var out zhitong.Region
	if err := committee(p, "新增区域"); err != nil {
		return out, err
	}
	name, err := text("name", "名称", in.Name, 1, 40)
	if err != nil {
		return out, err
	}
	err = s.write(ctx, func(tx *store.Tx) error {
		if in.Parent == "" {
			return zhitong.Invalid("parent_code", "请选择上级区划")
		}
		parent, err := s.app.CheckRegionRef(ctx, tx, p, "parent_code", in.Parent)
		if err != nil {
			return err
		}
		kinds := kindsUnder(parent.Level)
		if len(kinds) == 0 {
			return zhitong.Invalid("parent_code", "只能在县级或乡镇级区划下新增区域（“%s”是%s）", parent.Name, levelName(parent.Level))
		}
		if !slices.Contains(kinds, in.Kind) {
			if parent.Level == 3 {
				return zhitong.Invalid("kind", "县级区划下只能新增工业园区或开发区；社区和村请建在乡镇（街道）下")
			}
			return zhitong.Invalid("kind", "请选择类型：工业园区、开发区、社区或村")
		}
		if taken, err := store.RegionNameTaken(ctx, tx, parent.Code, name, ""); err != nil {
			return err
		} else if taken {
			return zhitong.Errorf(zhitong.ECONFLICT, "“%s”下已有名为“%s”的区域", parent.Name, name)
		}
		code, err := nextLocalCode(ctx, tx, parent.Code)
		if err != nil {
			return err
		}
		out = zhitong.Region{Code: code, Name: name, ParentCode: parent.Code, Level: parent.Level + 1, Kind: in.Kind}
		if err := tx.InsertRegion(ctx, out); err != nil {
			return err
		}
		return s.app.AppendAudit(ctx, tx, p, "region.add", "region:"+code,
			map[string]any{"name": name, "parent": parent.Code, "kind": in.Kind})
	})
	return out, err
}

// nextLocalCode is the first free local code under parent.
func nextLocalCode(ctx context.Context, q store.Q, parent string) (string, error) {
	codes, err := store.ChildRegionCodes(ctx, q, parent)
	if err != nil {
		return "", err
	}
	used := map[string]bool{}
	for _, c := range codes {
		used[c] = true
	}
	for n := LocalFirst; n <= LocalLast; n++ {
		code := parent + fmt.Sprintf("%03d", n)
		if !used[code] {
			return code, nil
		}
	}
	return "", zhitong.Errorf(zhitong.ECONFLICT, "该区划下自编代码（%d–%d）已用完", LocalFirst, LocalLast)
}

// region loads a region p may change: strictly below p's own region.
func (s *Service) region(ctx context.Context, q store.Q, p zhitong.Principal, code string) (zhitong.Region, error) {
	r, err := store.GetRegion(ctx, q, code)
	if err != nil {
		return r, err
	}
	if !within(p, r.Code) {
		return r, zhitong.Errorf(zhitong.EFORBIDDEN, "行政区划“%s”不在您的辖区内", r.Name)
	}
	if r.Code == p.RegionCode {
		return r, zhitong.Errorf(zhitong.EFORBIDDEN, "不能修改或停用本级行政区划“%s”", r.Name)
	}
	return r, nil
}

// UpdateRegion renames a region of p's jurisdiction.
func (s *Service) UpdateRegion(ctx context.Context, p zhitong.Principal, code string, in RegionPatch) (zhitong.Region, error) {
	var out zhitong.Region
	if err := committee(p, "修改行政区划"); err != nil {
		return out, err
	}
	if in.Name == nil {
		return out, zhitong.Invalid("name", "请填写新名称")
	}
	name, err := text("name", "名称", *in.Name, 1, 40)
	if err != nil {
		return out, err
	}
	err = s.write(ctx, func(tx *store.Tx) error {
		r, err := s.region(ctx, tx, p, code)
		if err != nil {
			return err
		}
		out = r
		if r.Name == name {
			return nil
		}
		if taken, err := store.RegionNameTaken(ctx, tx, r.ParentCode, name, r.Code); err != nil {
			return err
		} else if taken {
			return zhitong.Errorf(zhitong.ECONFLICT, "同一上级下已有名为“%s”的区域", name)
		}
		if err := tx.RenameRegion(ctx, r.Code, name); err != nil {
			return err
		}
		out.Name = name
		return s.app.AppendAudit(ctx, tx, p, "region.rename", "region:"+r.Code, map[string]any{"from": r.Name, "to": name})
	})
	return out, err
}

// RetireRegion retires a region of p's jurisdiction. It is refused while
// regions under it, stations in it or units of it are still in use: those
// are retired or moved first.
func (s *Service) RetireRegion(ctx context.Context, p zhitong.Principal, code string) (zhitong.Region, error) {
	var out zhitong.Region
	if err := committee(p, "停用行政区划"); err != nil {
		return out, err
	}
	err := s.write(ctx, func(tx *store.Tx) error {
		r, err := s.region(ctx, tx, p, code)
		if err != nil {
			return err
		}
		out = r
		if !r.RetiredAt.IsZero() {
			return nil
		}
		use, err := store.CountRegionUse(ctx, tx, r.Code)
		if err != nil {
			return err
		}
		switch {
		case use.Regions > 0:
			return zhitong.Errorf(zhitong.ECONFLICT, "“%s”下还有 %d 个在用的下级区域，请先停用它们", r.Name, use.Regions)
		case use.Stations > 0:
			return zhitong.Errorf(zhitong.ECONFLICT, "“%s”还有 %d 个联络站，请先把联络站改到其他区域", r.Name, use.Stations)
		case use.Units > 0:
			return zhitong.Errorf(zhitong.ECONFLICT, "“%s”还有 %d 个在用的承办单位，请先停用或改到其他区域", r.Name, use.Units)
		}
		now := s.app.Now()
		if err := tx.RetireRegion(ctx, r.Code, now); err != nil {
			return err
		}
		out.RetiredAt = store.ParseTime(store.FormatTime(now))
		return s.app.AppendAudit(ctx, tx, p, "region.retire", "region:"+r.Code, map[string]any{"name": r.Name})
	})
	return out, err
}

func levelName(level int) string {
	return map[int]string{1: "省级", 2: "市级", 3: "县级", 4: "乡镇级", 5: "村级"}[level]
}
