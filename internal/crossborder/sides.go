package crossborder

import (
	"context"
	"slices"
	"strings"

	"zhitong"
)

// Side is one side of a shared station: the county (县级) one or more of
// its regions lie in (定南县, 和平县).
type Side struct {
	Code string // the county's code
	Name string // 江西省定南县
}

// Sides returns the sides of a station with regions (primary first), the
// counties they lie in, when there are two or more; nil otherwise. deputy
// maps each deputy's region to their side: a deputy elected in a side's
// county (or a township of it) is that side's; one elected above both
// (a city or provincial deputy) belongs to no one side ("").
func (s *Service) Sides(ctx context.Context, st zhitong.Station, regions []string) ([]Side, func(deputyRegion string) string) {
	var sides []Side
	for _, code := range append([]string{st.RegionCode}, regions...) {
		county := code[:min(len(code), 6)]
		if slices.ContainsFunc(sides, func(x Side) bool { return x.Code == county }) {
			continue
		}
		sides = append(sides, Side{Code: county, Name: s.sideName(ctx, county)})
	}
	if len(sides) < 2 {
		return nil, func(string) string { return "" }
	}
	return sides, func(region string) string {
		for _, x := range sides {
			if strings.HasPrefix(region, x.Code) {
				return x.Name
			}
		}
		return ""
	}
}

// sideName names a county with its province: 广东省和平县.
func (s *Service) sideName(ctx context.Context, county string) string {
	path, err := s.app.RegionPath(ctx, county)
	if err != nil || len(path) == 0 {
		return county
	}
	name := path[len(path)-1].Name
	if path[0].Code != county {
		name = path[0].Name + name
	}
	return name
}

// DaySides names the sides whose deputies are on duty on a reception
// day, in the order of sides: 江西省定南县、广东省和平县.
func DaySides(sides []Side, sideOf func(string) string, deputies []zhitong.DeputyRef, region map[int64]string) string {
	on := map[string]bool{}
	for _, d := range deputies {
		if n := sideOf(region[d.ID]); n != "" {
			on[n] = true
		}
	}
	var names []string
	for _, x := range sides {
		if on[x.Name] {
			names = append(names, x.Name)
		}
	}
	return strings.Join(names, "、")
}
