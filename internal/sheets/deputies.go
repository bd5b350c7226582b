package sheets

import (
	"context"
	"slices"
	"strings"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/store"
)

// deputySpec is the sheet of deputies (人大代表), keyed by name and region
// code together: two deputies of the same name in one township are rare,
// and a deputy's constituency wording changes more often than their region.
var deputySpec = &Spec{
	Name: "deputies", Label: "人大代表", Role: zhitong.RoleCommittee,
	Key: []string{"姓名", "所属区划代码"}, KeyHelp: "姓名加所属区划代码",
	Columns: []Column{
		{Header: "姓名", Field: "name", Required: true, Example: "刘建国", Help: "代表姓名，不超过 20 个字"},
		{Header: "代表层级", Field: "levels", Required: true, Multi: true, Options: labels(app.DeputyLevels), Example: "县、乡镇",
			Help: "全国、省、市、县、乡镇；同时是几级人大代表就填几个，用顿号“、”分隔"},
		{Header: "所属区划代码", Field: "region", Required: true, Text: true, Example: "360728100", Help: "代表所属的行政区划代码，须在您的管辖范围内"},
		{Header: "原选区", Field: "constituency", Example: "历市镇第三选区", Help: "不超过 100 个字"},
		{Header: "进站联络站", Field: "station_ids", Multi: true, Example: "历市镇人大代表联络站",
			Help: "代表进驻的联络站名称，第一个为主联络站；多个用顿号“、”分隔。联络站须已存在（先导入联络站）"},
		{Header: "履职承诺", Field: "pledge", Help: "不超过 500 个字"},
	},
	open: openDeputies,
}

type deputySheet struct {
	s        *Service
	p        zhitong.Principal
	q        store.Q
	byKey    byName // 姓名/区划代码 → deputies
	stations byName // the stations p covers, by name
	names    map[int64]string
}

func deputyKey(name, region string) string { return name + "/" + region }

func openDeputies(ctx context.Context, s *Service, q store.Q, p zhitong.Principal) (handler, error) {
	all, err := store.ListDeputies(ctx, q, "")
	if err != nil {
		return nil, err
	}
	h := &deputySheet{s: s, p: p, q: q, byKey: byName{}, stations: byName{}, names: map[int64]string{}}
	for _, d := range all {
		h.byKey.add(deputyKey(d.Name, d.RegionCode), d.ID)
	}
	sts, err := store.ListStations(ctx, q, p.RegionCode)
	if err != nil {
		return nil, err
	}
	for _, st := range sts {
		h.stations.add(st.Name, st.ID)
		h.names[st.ID] = st.Name
	}
	return h, nil
}

func (h *deputySheet) save(ctx context.Context, tx *store.Tx, r record) (Outcome, error) {
	var levels []string
	for _, l := range r.list("代表层级") {
		v, _ := valueOf(app.DeputyLevels, l)
		levels = append(levels, v)
	}
	var ids []int64
	for _, name := range r.list("进站联络站") {
		id, err := h.stations.find("station_ids", "联络站", name)
		if err != nil {
			return "", err
		}
		ids = append(ids, id)
	}
	var id int64
	if ids := h.byKey[deputyKey(r.get("姓名"), r.get("所属区划代码"))]; len(ids) > 1 {
		return "", zhitong.Invalid("name", "系统中已有 %d 名所属区划相同的同名代表，无法确定更新哪一位，请在代表档案页修改", len(ids))
	} else if len(ids) == 1 {
		id = ids[0]
	}
	in := app.DeputyInput{Name: r.get("姓名"), Levels: levels, Region: r.get("所属区划代码"), Constituency: r.get("原选区"),
		StationIDs: ids, Pledge: r.get("履职承诺")}
	if len(ids) > 0 {
		in.StationID = ids[0]
	}
	_, out, err := h.s.app.ImportDeputy(ctx, tx, h.p, r.n, id, in)
	return Outcome(out), err
}

func (h *deputySheet) export(ctx context.Context) ([][]string, error) {
	list, err := store.ListDeputies(ctx, h.q, h.p.RegionCode)
	if err != nil {
		return nil, err
	}
	links, err := store.ListStationLinks(ctx, h.q)
	if err != nil {
		return nil, err
	}
	posted := map[int64][]int64{}
	for sid, deps := range links.Deputies {
		if _, mine := h.names[sid]; mine {
			for _, d := range deps {
				posted[d] = append(posted[d], sid)
			}
		}
	}
	out := make([][]string, 0, len(list))
	for _, d := range list {
		sids := posted[d.ID]
		slices.Sort(sids)
		var names []string
		if _, mine := h.names[d.StationID]; mine {
			names = append(names, h.names[d.StationID])
		}
		for _, sid := range sids {
			if sid != d.StationID {
				names = append(names, h.names[sid])
			}
		}
		var levels []string
		for _, l := range app.DeputyLevels {
			if slices.Contains(d.Levels, l.Value) {
				levels = append(levels, l.Label)
			}
		}
		out = append(out, []string{d.Name, strings.Join(levels, sep), d.RegionCode, d.Constituency, strings.Join(names, sep), d.Pledge})
	}
	return out, nil
}
