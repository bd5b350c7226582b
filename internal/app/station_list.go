package app

import (
	"context"
	"slices"

	"zhitong"

	"zhitong/internal/store"
)

// StationItem is one station of the public list (GET /api/v1/stations):
// the plain record in the API's snake_case, with every region of a
// cross-border station. Retired stations are not listed.
type StationItem struct {
	ID      int64    `json:"id"`
	Name    string   `json:"name"`
	Kind    string   `json:"kind"`
	Region  string   `json:"region"`  // primary region
	Regions []string `json:"regions"` // every region, the primary one first
	Address string   `json:"address"`
	Hours   string   `json:"hours"`
	Theme   string   `json:"theme"`
	Lat     float64  `json:"lat"`
	Lng     float64  `json:"lng"`
	Phone   string   `json:"phone"`
	Demo    bool     `json:"demo"`
}

// DeputyItem is one deputy of the public list (GET /api/v1/deputies), with
// every station they are posted to, the primary one first.
type DeputyItem struct {
	ID           int64    `json:"id"`
	Name         string   `json:"name"`
	Levels       []string `json:"levels"`
	Region       string   `json:"region"`
	Constituency string   `json:"constituency"`
	StationID    int64    `json:"station_id"` // primary station, 0 for none
	StationIDs   []int64  `json:"station_ids"`
	Pledge       string   `json:"pledge"`
	Demo         bool     `json:"demo"`
}

// StationList lists the active stations under a region for the API.
func (a *App) StationList(ctx context.Context, under string) ([]StationItem, error) {
	stations, err := store.ListStations(ctx, a.db, under)
	if err != nil {
		return nil, err
	}
	links, err := store.ListStationLinks(ctx, a.db)
	if err != nil {
		return nil, err
	}
	out := make([]StationItem, 0, len(stations))
	for _, s := range stations {
		regions := append([]string{s.RegionCode}, slices.DeleteFunc(slices.Clone(links.Regions[s.ID]), func(c string) bool { return c == s.RegionCode })...)
		out = append(out, StationItem{ID: s.ID, Name: s.Name, Kind: s.Kind, Region: s.RegionCode, Regions: regions, Address: s.Address,
			Hours: s.Hours, Theme: s.Theme, Lat: s.Lat, Lng: s.Lng, Phone: s.Phone, Demo: s.Demo})
	}
	return out, nil
}

// DeputyList lists the deputies under a region for the API.
func (a *App) DeputyList(ctx context.Context, under string) ([]DeputyItem, error) {
	deputies, err := store.ListDeputies(ctx, a.db, under)
	if err != nil {
		return nil, err
	}
	links, err := store.ListStationLinks(ctx, a.db)
	if err != nil {
		return nil, err
	}
	posted := map[int64][]int64{}
	for st, ids := range links.Deputies {
		for _, d := range ids {
			posted[d] = append(posted[d], st)
		}
	}
	out := make([]DeputyItem, 0, len(deputies))
	for _, d := range deputies {
		ids := posted[d.ID]
		slices.Sort(ids)
		if d.StationID != 0 {
			ids = append([]int64{d.StationID}, slices.DeleteFunc(ids, func(s int64) bool { return s == d.StationID })...)
		}
		if ids == nil {
			ids = []int64{}
		}
		levels := d.Levels
		if levels == nil {
			levels = []string{}
		}
		out = append(out, DeputyItem{ID: d.ID, Name: d.Name, Levels: levels, Region: d.RegionCode, Constituency: d.Constituency,
			StationID: d.StationID, StationIDs: ids, Pledge: d.Pledge, Demo: d.Demo})
	}
	return out, nil
}

// AllStations lists the stations under a region, retired ones included,
// to name the stations old records point at. Public, as the stations.
func (a *App) AllStations(ctx context.Context, under string) ([]zhitong.Station, error) {
	return store.ListAllStations(ctx, a.db, under)
}
