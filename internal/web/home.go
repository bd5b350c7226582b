package web

import (
	"net/http"

	"zhitong"
)

// townStations groups stations under their township for the home page.
type townStations struct {
	Town     zhitong.Region
	Stations []stationCard
}

type stationCard struct {
	zhitong.Station
	Deputies  []zhitong.Deputy
	Reception []receptionLine     // the next 3 reception days
	OnDuty    []zhitong.DeputyRef // deputies on duty this week
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
	byStation := map[int64][]zhitong.Deputy{}
	for _, d := range deputies {
		byStation[d.StationID] = append(byStation[d.StationID], d)
	}
	var towns []townStations
	index := map[string]int{}
	for _, s := range stations {
		i, ok := index[s.RegionCode]
		if !ok {
			i = len(towns)
			index[s.RegionCode] = i
			towns = append(towns, townStations{Town: names[s.RegionCode]})
		}
		card := stationCard{Station: s, Deputies: byStation[s.ID]}
		if rc := upcoming[s.ID]; rc != nil {
			card.Reception, card.OnDuty = receptionLines(rc.Next, rc.Lunar), rc.WeekDuty
		}
		towns[i].Stations = append(towns[i].Stations, card)
	}
	return h.render(w, r, http.StatusOK, "home", "首页", towns)
}
