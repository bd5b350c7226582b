package web

import (
	"net/http"

	"zhitong"
	"zhitong/internal/setup"
)

// townStations groups stations under their township for the home page.
type townStations struct {
	Town     zhitong.Region
	Stations []stationCard
}

type stationCard struct {
	zhitong.Station
	Deputies    []zhitong.Deputy
	CrossBorder bool                // listed under each of its regions
	Reception   []receptionLine     // the next 3 reception days
	OnDuty      []zhitong.DeputyRef // deputies on duty this week
}

// homeData is the portal's home page: the stations by township, and
// whether the deployment still needs its first set-up.
type homeData struct {
	Towns     []townStations
	NeedSetup bool
}

// homeReceptionDays is how many upcoming reception days a home-page card shows.
const homeReceptionDays = 3

func (h *Handler) home(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	stations, err := h.app.Stations(ctx, "")
	if err != nil {
		return err
	}
	deputies, err := h.app.Deputies(ctx, "")
	if err != nil {
		return err
	}
	regions, err := h.app.Regions(ctx, "")
	if err != nil {
		return err
	}
	upcoming, err := h.app.UpcomingReception(ctx, homeReceptionDays)
	if err != nil {
		return err
	}
	names := map[string]zhitong.Region{}
	for _, rg := range regions {
		names[rg.Code] = rg
	}
	// Deputies come from the station links (a deputy may be posted to
	// several stations); a cross-border station appears under each of its regions.
	links, err := h.app.StationLinks(ctx)
	if err != nil {
		return err
	}
	deputyByID := map[int64]zhitong.Deputy{}
	for _, d := range deputies {
		deputyByID[d.ID] = d
	}
	var towns []townStations
	index := map[string]int{}
	for _, s := range stations {
		card := stationCard{Station: s, CrossBorder: len(links.Regions[s.ID]) > 1}
		if rc := upcoming[s.ID]; rc != nil {
			card.Reception, card.OnDuty = receptionLines(rc.Next, rc.Lunar), rc.WeekDuty
		}
		for _, id := range links.Deputies[s.ID] {
			card.Deputies = append(card.Deputies, deputyByID[id])
		}
		codes := []string{s.RegionCode}
		for _, c := range links.Regions[s.ID] {
			if c != s.RegionCode {
				codes = append(codes, c)
			}
		}
		for _, code := range codes {
			i, ok := index[code]
			if !ok {
				i = len(towns)
				index[code] = i
				towns = append(towns, townStations{Town: names[code]})
			}
			towns[i].Stations = append(towns[i].Stations, card)
		}
	}
	var need bool
	if len(towns) == 0 {
		if need, err = setup.Needed(ctx, h.app); err != nil {
			return err
		}
	}
	return h.render(w, r, http.StatusOK, "home", "首页", homeData{Towns: towns, NeedSetup: need})
}
