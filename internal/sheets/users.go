package sheets

import (
	"context"
	"strings"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/store"
)

// userSpec is the sheet of staff accounts, keyed by username. New accounts
// get a random initial password, shown once after the import, which the
// user must change at first sign-in; the sheet carries no passwords.
var userSpec = &Spec{
	Name: "users", Label: "员工账号", Role: zhitong.RoleSecAdmin,
	Key: []string{"用户名"}, KeyHelp: "用户名",
	Columns: []Column{
		{Header: "用户名", Field: "username", Required: true, Example: "liu.jg", Help: "登录名，3 到 40 个英文字母、数字或 . _ -；导入后不能修改"},
		{Header: "姓名", Field: "display_name", Required: true, Example: "刘建国", Help: "不超过 50 个字"},
		{Header: "角色", Field: "role", Required: true, Options: labels(zhitong.Roles), Example: "联络员", Help: "账号的角色"},
		{Header: "管辖区划代码", Field: "region", Required: true, Text: true, Example: "360728", Help: "账号管辖的行政区划代码，须在您的管辖范围内"},
		{Header: "所在联络站", Field: "station_id", Help: "站长、联络员填写所在联络站的名称；须已存在"},
		{Header: "所属单位", Field: "unit_id", Help: "承办单位账号填写单位名称；须已存在"},
		{Header: "关联代表", Field: "deputy_id", Help: "代表账号填写代表姓名；须已有代表档案，且在您的管辖范围内不重名"},
	},
	open: openUsers,
}

type userSheet struct {
	s                   *Service
	p                   zhitong.Principal
	q                   store.Q
	stations, units     byName
	deputies            byName
	stationN, unitN, dN map[int64]string
}

func openUsers(ctx context.Context, s *Service, q store.Q, p zhitong.Principal) (handler, error) {
	h := &userSheet{s: s, p: p, q: q}
	var err error
	if h.stations, h.stationN, err = names(store.ListStations(ctx, q, p.RegionCode))(func(st zhitong.Station) (int64, string) { return st.ID, st.Name }); err != nil {
		return nil, err
	}
	if h.units, h.unitN, err = names(store.ListUnits(ctx, q, p.RegionCode))(func(u zhitong.Unit) (int64, string) { return u.ID, u.Name }); err != nil {
		return nil, err
	}
	h.deputies, h.dN, err = names(store.ListDeputies(ctx, q, p.RegionCode))(func(d zhitong.Deputy) (int64, string) { return d.ID, d.Name })
	return h, err
}

// names indexes a list both ways, by name and by id, given each record's id and name.
func names[T any](list []T, err error) func(func(T) (int64, string)) (byName, map[int64]string, error) {
	return func(of func(T) (int64, string)) (byName, map[int64]string, error) {
		ids, byID := byName{}, map[int64]string{}
		for _, v := range list {
			id, name := of(v)
			ids.add(name, id)
			byID[id] = name
		}
		return ids, byID, err
	}
}

func (h *userSheet) save(ctx context.Context, tx *store.Tx, r record) (Outcome, error) {
	role, _ := valueOf(zhitong.Roles, r.get("角色"))
	in := app.UserInput{Username: r.get("用户名"), DisplayName: r.get("姓名"), Role: role, RegionCode: r.get("管辖区划代码"),
		Password: r.get(passwordCell)}
	var bad []error // names that are not found, reported with the app's own problems
	for _, ref := range []struct {
		header, field, what string
		names               byName
		dst                 *int64
	}{
		{"所在联络站", "station_id", "联络站", h.stations, &in.StationID},
		{"所属单位", "unit_id", "承办单位", h.units, &in.UnitID},
		{"关联代表", "deputy_id", "代表", h.deputies, &in.DeputyID},
	} {
		if name := r.get(ref.header); name != "" {
			id, err := ref.names.find(ref.field, ref.what, name)
			if err != nil {
				bad = append(bad, err)
			}
			*ref.dst = id
		}
	}
	_, out, err := h.s.app.ImportUser(ctx, tx, h.p, r.n, in)
	if len(bad) > 0 {
		return "", joinProblems(bad, err)
	}
	return Outcome(out), err
}

func (h *userSheet) export(ctx context.Context) ([][]string, error) {
	list, err := store.ListUsers(ctx, h.q)
	if err != nil {
		return nil, err
	}
	var out [][]string
	for _, u := range list {
		if !strings.HasPrefix(u.RegionCode, h.p.RegionCode) {
			continue
		}
		out = append(out, []string{u.Username, u.DisplayName, zhitong.Label(zhitong.Roles, u.Role), u.RegionCode,
			h.stationN[u.StationID], h.unitN[u.UnitID], h.dN[u.DeputyID]})
	}
	return out, nil
}
