package sheets

import (
	"context"

	"zhitong"
	"zhitong/internal/admin"
	"zhitong/internal/store"
)

// unitSpec is the sheet of handling units (承办单位), keyed by name. The
// rows go through the administration's own upsert (admin.UpsertUnit).
var unitSpec = &Spec{
	Name: "units", Label: "承办单位", Role: zhitong.RoleCommittee,
	Key: []string{"单位名称"}, KeyHelp: "单位名称",
	Columns: []Column{
		{Header: "单位名称", Field: "name", Required: true, Example: "县水利局", Help: "单位全称，不超过 50 个字；同一部署内不能重名"},
		{Header: "单位类型", Field: "kind", Required: true, Options: labels(admin.UnitKinds), Example: "部门", Help: "部门（县直部门等）或乡镇（街道）"},
		{Header: "所在区划代码", Field: "region_code", Required: true, Text: true, Example: "360728", Help: "单位所在的行政区划代码，须在您的管辖范围内"},
		{Header: "上级部门", Field: "parent_id", Help: "上级部门的单位名称；须已存在，或在本文件中排在前面"},
		{Header: "联系人", Field: "contact", Example: "王明", Help: "不超过 20 个字"},
		{Header: "联系电话", Field: "phone", Text: true, Example: "13907970001", Help: "接收短信通知的手机号，或带区号的固定电话（短信只发往手机）。导出时打码显示，原样导入不会改变已存的号码"},
	},
	open: openUnits,
}

type unitSheet struct {
	admin *admin.Service
	p     zhitong.Principal
}

func openUnits(_ context.Context, s *Service, _ store.Q, p zhitong.Principal) (handler, error) {
	return &unitSheet{admin: admin.New(s.app), p: p}, nil
}

func (h *unitSheet) save(ctx context.Context, tx *store.Tx, r record) (Outcome, error) {
	kind, _ := valueOf(admin.UnitKinds, r.get("单位类型"))
	out, err := h.admin.UpsertUnit(ctx, tx, h.p, admin.UnitInput{Name: r.get("单位名称"), Kind: kind, Region: r.get("所在区划代码"),
		ParentName: r.get("上级部门"), Contact: r.get("联系人"), Phone: r.get("联系电话")})
	return Outcome(out), err
}

func (h *unitSheet) export(ctx context.Context) ([][]string, error) {
	list, err := h.admin.Units(ctx, h.p)
	if err != nil {
		return nil, err
	}
	out := make([][]string, 0, len(list))
	for _, u := range list {
		out = append(out, []string{u.Name, zhitong.Label(admin.UnitKinds, u.Kind), u.RegionCode, u.ParentName, u.Contact, u.Phone})
	}
	return out, nil
}
