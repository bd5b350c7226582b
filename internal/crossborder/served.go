package crossborder

import (
	"context"
	"strings"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/store"
)

// Served is what a cross-border station serves: the regions a case taken
// in there may be about, each named with its county so that the two sides
// can be told apart (和平县下车镇, 定南县岭北镇).
type Served struct {
	Station zhitong.Station
	Regions []ServedRegion
}

// ServedRegion is one region on offer.
type ServedRegion struct {
	Code, Name string
}

// ServedRegions lists, for each cross-border station of stations, the
// regions it serves: its primary region and its further regions, and the
// active towns of any of them above township level, primary side first.
// Other stations are left out: their cases belong to their own region.
func (s *Service) ServedRegions(ctx context.Context, stations []zhitong.Station) ([]Served, error) {
	var out []Served
	q := s.app.DB()
	for _, st := range stations {
		if st.Kind != app.StationCrossBorder {
			continue
		}
		extra, err := store.ListStationRegions(ctx, q, st.ID)
		if err != nil {
			return nil, err
		}
		if len(extra) == 0 {
			continue
		}
		codes := []string{st.RegionCode}
		for _, c := range extra {
			if c != st.RegionCode {
				codes = append(codes, c)
			}
		}
		sv := Served{Station: st}
		for _, code := range codes {
			regs, err := store.ListActiveRegions(ctx, q, code)
			if err != nil {
				return nil, err
			}
			for _, r := range regs {
				if r.Code == code || r.ParentCode == code && r.Level <= 4 {
					sv.Regions = append(sv.Regions, ServedRegion{Code: r.Code, Name: s.qualified(ctx, r)})
				}
			}
		}
		out = append(out, sv)
	}
	return out, nil
}

// qualified names a region with its county (and province, when the
// station spans two): 广东省和平县下车镇.
func (s *Service) qualified(ctx context.Context, r zhitong.Region) string {
	path, err := s.app.RegionPath(ctx, r.Code)
	if err != nil || len(path) == 0 {
		return r.Name
	}
	var b strings.Builder
	for _, p := range path {
		if p.Level == 2 { // the city adds length, not clarity
			continue
		}
		b.WriteString(p.Name)
	}
	return b.String()
}
