package sheets

import (
	"context"
	"strings"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/store"
)

// stationSpec is the sheet of stations (联络站), keyed by name. The rows go
// through the stations' own import function (app.ImportStation).
var stationSpec = &Spec{
	Name: "stations", Label: "联络站", Role: zhitong.RoleCommittee,
	Key: []string{"联络站名称"}, KeyHelp: "联络站名称",
	Columns: []Column{
		{Header: "联络站名称", Field: "name", Required: true, Example: "历市镇第二人大代表联络站", Help: "2 到 50 个字；同一部署内不能重名"},
		{Header: "类型", Field: "kind", Required: true, Options: labels(app.StationKinds), Example: "固定联络站", Help: "固定联络站、流动联络点或跨区域联络站"},
		{Header: "所在区划代码", Field: "region", Required: true, Text: true, Example: "360728100", Help: "联络站所在的行政区划代码（跨区域联络站的主区划），须在您的管辖范围内"},
		{Header: "其他所属区划代码", Field: "regions", Text: true, Help: "只有跨区域联络站填写：其他所属区划的代码，用顿号“、”分隔"},
		{Header: "地址", Field: "address", Example: "历市镇建设路 1 号", Help: "不超过 200 个字"},
		{Header: "开放时间", Field: "hours", Example: "每周三 9:00-17:00", Help: "不超过 100 个字"},
		{Header: "特色主题", Field: "theme", Help: "一站一品，不超过 50 个字"},
		{Header: "纬度", Field: "lat", Help: "地图位置，如 24.78；不标注请留空"},
		{Header: "经度", Field: "lng", Help: "地图位置，如 115.03；不标注请留空"},
		{Header: "公开电话", Field: "phone", Text: true, Example: "0797-4321234", Help: "群众可拨打的电话，固定电话带区号或手机号；公示栏、查询页和回执上显示"},
	},
	open: openStations,
}

type stationSheet struct {
	s *Service
	p zhitong.Principal
	q store.Q
}

func openStations(_ context.Context, s *Service, q store.Q, p zhitong.Principal) (handler, error) {
	return &stationSheet{s: s, p: p, q: q}, nil
}

func (h *stationSheet) save(ctx context.Context, tx *store.Tx, r record) (Outcome, error) {
	var bad []error // reported with the app's own problems
	lat, err := r.float("纬度", "lat")
	if err != nil {
		bad = append(bad, err)
	}
	lng, err := r.float("经度", "lng")
	if err != nil {
		bad = append(bad, err)
	}
	region := r.get("所在区划代码")
	in := app.StationImport{Name: r.get("联络站名称"), Kind: r.get("类型"), Region: region, Regions: append([]string{region}, r.list("其他所属区划代码")...),
		Address: r.get("地址"), Hours: r.get("开放时间"), Theme: r.get("特色主题"), Lat: lat, Lng: lng, Phone: r.get("公开电话")}
	out, _, err := h.s.app.ImportStation(ctx, tx, h.p, in)
	if len(bad) > 0 {
		return "", joinProblems(bad, err)
	}
	return Outcome(out), err
}

func (h *stationSheet) export(ctx context.Context) ([][]string, error) {
	list, err := store.ListStations(ctx, h.q, h.p.RegionCode)
	if err != nil {
		return nil, err
	}
	links, err := store.ListStationLinks(ctx, h.q)
	if err != nil {
		return nil, err
	}
	out := make([][]string, 0, len(list))
	for _, st := range list {
		var others []string
		for _, c := range links.Regions[st.ID] {
			if c != st.RegionCode {
				others = append(others, c)
			}
		}
		out = append(out, []string{st.Name, zhitong.Label(app.StationKinds, st.Kind), st.RegionCode, strings.Join(others, sep),
			st.Address, st.Hours, st.Theme, formatFloat(st.Lat), formatFloat(st.Lng), st.Phone})
	}
	return out, nil
}
