package web

import (
	"context"
	"strconv"
	"time"

	"zhitong"
)

// portalStationDays is how many upcoming reception days a station's page lists.
const portalStationDays = 8

// receptionLine is a reception day as the portal prints it: 11月25日 星期三,
// with the lunar date where the station keeps market days.
type receptionLine struct {
	Date, Weekday, Lunar, Reason string
	Deputies                     []zhitong.DeputyRef
	Side                         string // a cross-border station: the sides on duty (江西省定南县、广东省和平县)
}

func receptionLines(days []zhitong.ReceptionDay, lunar bool) []receptionLine {
	var out []receptionLine
	for _, d := range days {
		l := receptionLine{Date: d.Day, Weekday: d.Weekday, Reason: d.Reason, Deputies: d.Deputies}
		if t, err := time.Parse(time.DateOnly, d.Day); err == nil {
			l.Date = strconv.Itoa(int(t.Month())) + "月" + strconv.Itoa(t.Day()) + "日"
		}
		if lunar {
			l.Lunar = d.Lunar
		}
		out = append(out, l)
	}
	return out
}

// stationReception is the station page's next reception days with the
// deputies on duty, lunar dates included.
func (h *Handler) stationReception(ctx context.Context, stationID int64) ([]receptionLine, error) {
	days, err := h.app.NextReceptionDays(ctx, stationID, portalStationDays)
	return receptionLines(days, true), err
}
