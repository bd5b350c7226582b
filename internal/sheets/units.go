package sheets

import (
	"context"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/store"
)

// unitSpec is the sheet of handling units (承办单位), keyed by name.
var unitSpec = &Spec{
	Name: "units", Label: "承办单位", Role: zhitong.RoleCommittee,
	Key: []string{"单位名称"}, KeyHelp: "单位名称",
	Columns: []Column{
		{Header: "单位名称", Field: "name", Required: true, Example: "县水利局", Help: "单位全称，2 到 50 个字；同一部署内不能重名"},
		{Header: "单位类型", Field: "kind", Required: true, Options: labels(app.UnitKinds), Example: "县直部门", Help: "县直部门或乡镇政府"},
		{Header: "所在区划代码", Field: "region", Required: true, Text: true, Example: "360728", Help: "单位所在的行政区划代码，须在您的管辖范围内"},
	},
	open: openUnits,
}

type unitSheet struct {
	s      *Service
	p      zhitong.Principal
	q      store.Q
	byName map[string]zhitong.Unit
}

func openUnits(ctx context.Context, s *Service, q store.Q, p zhitong.Principal) (handler, error) {
	all, err := store.ListUnits(ctx, q, "")
	if err != nil {
		return nil, err
	}
	h := &unitSheet{s: s, p: p, q: q, byName: map[string]zhitong.Unit{}}
	for _, u := range all {
		h.byName[u.Name] = u
	}
	return h, nil
}

func (h *unitSheet) save(ctx context.Context, tx *store.Tx, r record) (Outcome, error) {
	kind, _ := valueOf(app.UnitKinds, r.get("单位类型"))
	_, out, err := h.s.app.ImportUnit(ctx, tx, h.p, r.n, h.byName[r.get("单位名称")].ID,
		app.UnitInput{Name: r.get("单位名称"), Kind: kind, Region: r.get("所在区划代码")})
	return Outcome(out), err
}

func (h *unitSheet) export(ctx context.Context) ([][]string, error) {
	list, err := store.ListUnits(ctx, h.q, h.p.RegionCode)
	if err != nil {
		return nil, err
	}
	out := make([][]string, 0, len(list))
	for _, u := range list {
		out = append(out, []string{u.Name, zhitong.Label(app.UnitKinds, u.Kind), u.RegionCode})
	}
	return out, nil
}
