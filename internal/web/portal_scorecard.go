package web

import (
	"net/http"

	"zhitong"
	"zhitong/internal/app"
)

type portalScorecardData struct {
	Card    *app.Scorecard
	Station string
	Error   string
}

// Percent renders a rate.
func (d *portalScorecardData) Percent(f float64) int { return int(f*100 + 0.5) }

// LevelLabel names a deputy's level.
func (d *portalScorecardData) LevelLabel(l string) string {
	return map[string]string{"national": "全国", "province": "省", "city": "市", "county": "县", "township": "乡镇"}[l] + "人大代表"
}

// scorecard is a deputy's public scorecard (成绩单), for voters on a phone.
func (h *Handler) scorecard(w http.ResponseWriter, r *http.Request) error {
	id, err := workID(r.PathValue("id"), "id", "代表")
	if err != nil || id == 0 {
		return zhitong.Errorf(zhitong.ENOTFOUND, "代表不存在")
	}
	q := r.URL.Query()
	d := &portalScorecardData{}
	d.Card, err = h.app.Scorecard(r.Context(), id, q.Get("from"), q.Get("to"))
	if zhitong.ErrorCode(err) == zhitong.EINVALID {
		d.Error = zhitong.ErrorMessage(err)
		d.Card, err = h.app.Scorecard(r.Context(), id, "", "")
	}
	if err != nil {
		return err
	}
	if d.Card.StationID != 0 {
		if st, err := h.app.PublicStation(r.Context(), d.Card.StationID); err == nil && !st.Retired() {
			d.Station = st.Name
		}
	}
	return h.render(w, r, http.StatusOK, "portal_scorecard", d.Card.Name+" · 代表成绩单", d)
}
