package export

import (
	"context"
	"iter"

	"zhitong"
	"zhitong/internal/app"
)

var caseColumns = []Column{{Name: "序号", Width: 7}, {Name: "查询码", Width: 14}, {Name: "标题", Width: 36, Wrap: true}, {Name: "状态", Width: 10},
	{Name: "分类", Width: 12}, {Name: "区划", Width: 14}, {Name: "联络站", Width: 18, Wrap: true}, {Name: "主办单位", Width: 18, Wrap: true},
	{Name: "渠道", Width: 10}, {Name: "反映人", Width: 10}, {Name: "提交时间", Width: 17}, {Name: "办理期限", Width: 12},
	{Name: "剩余工作日", Width: 10}, {Name: "督办等级", Width: 9}}

// Cases is the case list of in's filters — every page of it, in p's
// jurisdiction, personal data masked as on screen — streamed from the
// database in batches.
func (s *Service) Cases(ctx context.Context, p zhitong.Principal, in app.ListInput) (*File, error) {
	cases, err := s.app.ExportCases(ctx, p, in)
	if err != nil {
		return nil, err
	}
	n, err := s.names(ctx, p)
	if err != nil {
		return nil, err
	}
	where, err := s.Jurisdiction(ctx, p)
	if err != nil {
		return nil, err
	}
	rows := func(yield func([]any, error) bool) {
		i := 0
		for c, err := range cases {
			if err != nil {
				yield(nil, err)
				return
			}
			i++
			level := ""
			if c.Level != zhitong.LevelNone && c.Level != "" {
				level = zhitong.Label(zhitong.SupervisionLevels, c.Level)
			}
			due := c.DueDate
			if due != "" && c.DueProvisional {
				due += "（暂定）"
			}
			if !yield([]any{i, c.Code, c.Title, c.StatusLabel, n.cats[c.Category], n.region(c.Region), n.stations[c.StationID], n.units[c.LeadUnitID],
				zhitong.Label(zhitong.Channels, zhitong.Channel(c.Channel)), c.Submitter, c.SubmittedAt, due, c.DaysLeft, level}, nil) {
				return
			}
		}
	}
	r := Report{Title: "案件清单", Jurisdiction: where, Period: s.period(in.From, in.To), Columns: caseColumns, Rows: iter.Seq2[[]any, error](rows)}
	return NewFile(where, "案件清单", "cases", s.app.Now(), r), nil
}

// names are the names of the codes and ids a list shows.
type names struct {
	cats     map[string]string
	regions  map[string]string
	stations map[int64]string
	units    map[int64]string
}

func (n *names) region(code string) string {
	if v, ok := n.regions[code]; ok {
		return v
	}
	return code
}

// names loads the names of categories, regions, stations (retired ones
// too) and units a list in p's jurisdiction can show.
func (s *Service) names(ctx context.Context, p zhitong.Principal) (*names, error) {
	n := &names{cats: map[string]string{}, regions: map[string]string{}, stations: map[int64]string{}, units: map[int64]string{}}
	county, province := p.RegionCode, p.RegionCode
	if len(county) > 6 {
		county = county[:6]
	}
	if len(province) > 2 {
		province = province[:2]
	}
	cats, err := s.app.Categories(ctx)
	if err != nil {
		return nil, err
	}
	for _, c := range cats {
		n.cats[c.Code] = c.Name
	}
	regions, err := s.app.Regions(ctx, county)
	if err != nil {
		return nil, err
	}
	for _, r := range regions {
		n.regions[r.Code] = r.Name
	}
	stations, err := s.app.AllStations(ctx, county)
	if err != nil {
		return nil, err
	}
	for _, st := range stations {
		n.stations[st.ID] = st.Name
	}
	units, err := s.app.Units(ctx, p, province)
	if err != nil {
		return nil, err
	}
	for _, u := range units {
		n.units[u.ID] = u.Name
	}
	return n, nil
}
