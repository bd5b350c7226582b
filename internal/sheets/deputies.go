package sheets

import (
	"context"
	"slices"
	"strings"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/store"
)

// deputySpec is the sheet of deputies (人大代表), keyed by name and
// constituency (原选区) together, as the stations' own import function
// (app.ImportDeputy) matches them.
var deputySpec = &Spec{
	Name: "deputies", Label: "人大代表", Role: zhitong.RoleCommittee,
	Key: []string{"姓名", "原选区"}, KeyHelp: "姓名加原选区",
	Columns: []Column{
		{Header: "姓名", Field: "name", Required: true, Example: "刘建国", Help: "代表姓名，不超过 20 个字"},
		{Header: "代表层级", Field: "levels", Required: true, Multi: true, Options: labels(app.DeputyLevels), Example: "县、乡镇",
			Help: "全国、省、市、县、乡镇；同时是几级人大代表就填几个，用顿号“、”分隔"},
		{Header: "所属区划代码", Field: "region", Required: true, Text: true, Example: "360728100", Help: "代表所属的行政区划代码，须在您的管辖范围内"},
		{Header: "原选区", Field: "constituency", Example: "历市镇第三选区", Help: "不超过 100 个字；与姓名一起确定是哪一位代表，再次导入时不要改动"},
		{Header: "进站联络站", Field: "station_ids", Multi: true, Example: "历市镇人大代表联络站",
			Help: "代表进驻的联络站名称，第一个为主联络站；多个用顿号“、”分隔。联络站须已存在（先导入联络站）；留空则不改变已有的进站安排"},
		{Header: "履职承诺", Field: "pledge", Help: "不超过 500 个字"},
		{Header: "短信手机号", Field: "phone", Text: true, Example: "13907970002",
			Help: "没有账号的代表通过短信接收值班提醒和通知；加密保存。导出时不含手机号，留空则不改变已存的号码"},
	},
	open: openDeputies,
}

type deputySheet struct {
	s     *Service
	p     zhitong.Principal
	q     store.Q
	names map[int64]string // the stations p covers
}

func openDeputies(ctx context.Context, s *Service, q store.Q, p zhitong.Principal) (handler, error) {
	h := &deputySheet{s: s, p: p, q: q, names: map[int64]string{}}
	sts, err := store.ListStations(ctx, q, p.RegionCode)
	if err != nil {
		return nil, err
	}
	for _, st := range sts {
		h.names[st.ID] = st.Name
	}
	return h, nil
}

func (h *deputySheet) save(ctx context.Context, tx *store.Tx, r record) (Outcome, error) {
	in := app.DeputyImport{Name: r.get("姓名"), Levels: r.list("代表层级"), Region: r.get("所属区划代码"), Constituency: r.get("原选区"),
		Stations: r.list("进站联络站"), Pledge: r.get("履职承诺"), Phone: r.get("短信手机号")}
	out, _, err := h.s.app.ImportDeputy(ctx, tx, h.p, in)
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
		out = append(out, []string{d.Name, strings.Join(levels, sep), d.RegionCode, d.Constituency, strings.Join(names, sep), d.Pledge, ""})
	}
	return out, nil
}
