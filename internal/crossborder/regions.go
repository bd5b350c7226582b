// Package crossborder serves liaison stations on a provincial or county
// border (docs/stations.md, "Cross-border stations"): loading the other
// side's regions from the national division data, and the rule that lets
// both sides' staff read the cases of a station they share.
package crossborder

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/regions"
	"zhitong/internal/setup"
	"zhitong/internal/store"
)

// Service is the cross-border area of the application.
type Service struct{ app *app.App }

// New returns the service of a.
func New(a *app.App) *Service { return &Service{app: a} }

// MaxLoadCodes bounds one load request.
const MaxLoadCodes = 50

// Loaded is one code loaded from the national data.
type Loaded struct {
	Code      string `json:"code"`      // canonical
	Name      string `json:"name"`      // full path: 广东省河源市和平县
	Level     string `json:"level"`     // 县级 …
	Added     int    `json:"added"`     // regions written (ancestors and subtree not there before)
	Townships int    `json:"townships"` // townships and streets the national data has under it
}

// LoadRegions adds, for each code, the region, its ancestors and its whole
// subtree from the embedded national division data (internal/regions),
// keeping regions already there (an administrator's rename stands). It
// creates no organisation: the regions are there to be served by a
// station, named in cases and given units; who governs them is decided
// as before (store.OrganisationFor). All codes are checked first: one
// unknown or malformed code refuses the whole request and writes nothing.
// The system (CLI) and committee staff may load; loading a region grants
// nobody jurisdiction over it.
func (s *Service) LoadRegions(ctx context.Context, p zhitong.Principal, codes []string) ([]Loaded, error) {
	if !isSystem(p) {
		if !p.Staff() {
			return nil, zhitong.Errorf(zhitong.EUNAUTHORIZED, "请先登录")
		}
		if p.Role != zhitong.RoleCommittee {
			return nil, zhitong.Errorf(zhitong.EFORBIDDEN, "只有代表工委可以从全国行政区划数据加载区划")
		}
	}
	tree, err := regions.Load()
	if err != nil {
		return nil, err
	}
	wanted, err := parseCodes(tree, codes)
	if err != nil {
		return nil, err
	}
	out := make([]Loaded, 0, len(wanted))
	err = s.app.DB().Write(ctx, func(tx *store.Tx) error {
		out = out[:0]
		for _, code := range wanted {
			rows, towns := setup.RegionRows(tree, code)
			added, err := tx.InsertRegionsIfMissing(ctx, rows)
			if err != nil {
				return fmt.Errorf("load regions of %s: %w", code, err)
			}
			r, _ := tree.Get(code)
			out = append(out, Loaded{Code: code, Name: fullName(tree, code), Level: r.Level.String(), Added: added, Townships: towns})
		}
		detail := make([]map[string]any, len(out))
		for i, l := range out {
			detail[i] = map[string]any{"code": l.Code, "name": l.Name, "added": l.Added}
		}
		return s.app.AppendAudit(ctx, tx, p, "region.load", "regions:national",
			map[string]any{"codes": wanted, "loaded": detail, "source": "china-division 2.7.0"})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// parseCodes normalises and checks every code against the national data,
// dropping duplicates; the first bad one is the error.
func parseCodes(tree *regions.Tree, codes []string) ([]string, error) {
	var wanted []string
	for _, raw := range codes {
		for _, c := range strings.FieldsFunc(raw, func(r rune) bool { return r == ',' || r == '，' || r == ' ' || r == '\n' || r == '\t' || r == '、' }) {
			code, err := regions.Normalize(c)
			if err != nil {
				return nil, zhitong.Invalid("codes", "%s", err.Error())
			}
			if _, ok := tree.Get(code); !ok {
				return nil, zhitong.Invalid("codes", "行政区划代码“%s”不在全国行政区划数据中（2023 年统计用区划代码），请核对", c)
			}
			if !slices.Contains(wanted, code) {
				wanted = append(wanted, code)
			}
		}
	}
	if len(wanted) == 0 {
		return nil, zhitong.Invalid("codes", "请填写要加载的行政区划代码，例如 441624（广东省河源市和平县）")
	}
	if len(wanted) > MaxLoadCodes {
		return nil, zhitong.Invalid("codes", "一次最多加载 %d 个区划（现有 %d 个）", MaxLoadCodes, len(wanted))
	}
	return wanted, nil
}

// fullName is the chain of names down to code: 广东省河源市和平县.
func fullName(tree *regions.Tree, code string) string {
	var b strings.Builder
	for _, r := range tree.Path(code) {
		b.WriteString(r.Name)
	}
	return b.String()
}

func isSystem(p zhitong.Principal) bool { return p.Role == "" && p.Name == app.System.Name }
