package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/crossborder"
)

// crossborderRoutes serves loading regions from the national division
// data, for stations that serve the other side of a border (docs/stations.md).
func (h *Handler) crossborderRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /work/regions/load", h.page(h.workRegionsLoad))
	mux.HandleFunc("POST /work/regions/load", h.workPage(h.workRegionsLoadPost))
}

// workRegionsLoadData is the loading form and, after a load, what it did.
type workRegionsLoadData struct {
	workForm
	Loaded []crossborder.Loaded
}

func (h *Handler) workRegionsLoad(w http.ResponseWriter, r *http.Request) error {
	if _, err := h.workCommittee(r); err != nil {
		return err
	}
	d := &workRegionsLoadData{workForm: workForm{Form: url.Values{}}}
	return h.render(w, r, http.StatusOK, "work_regions_load", "从全国区划数据加载", d)
}

func (h *Handler) workRegionsLoadPost(w http.ResponseWriter, r *http.Request) error {
	p, err := h.workCommittee(r)
	if err != nil {
		return err
	}
	if err := workParseForm(w, r); err != nil {
		return err
	}
	d := &workRegionsLoadData{workForm: workForm{Form: url.Values{}, Section: "load", fields: map[string][]string{"load": {"codes"}}}}
	loaded, err := crossborder.New(h.app).LoadRegions(r.Context(), p, []string{r.PostForm.Get("codes")})
	if err != nil {
		if zhitong.ErrorCode(err) != zhitong.EINVALID {
			return err
		}
		d.refill(err, r.PostForm)
		return h.render(w, r, workSwapStatus(r, http.StatusBadRequest), "work_regions_load", workFormTitle("从全国区划数据加载", err), d)
	}
	names := make([]string, len(loaded))
	for i, l := range loaded {
		names[i] = fmt.Sprintf("%s（新增 %d 个区划）", l.Name, l.Added)
	}
	h.flash(r, "已加载："+strings.Join(names, "、"))
	http.Redirect(w, r, "/work/regions/load", http.StatusSeeOther)
	return nil
}

// boardSides names, on the board of a station across a border, the sides
// it serves and the sides on duty each reception day, from the regions
// the deputies on duty were elected in.
func (h *Handler) boardSides(ctx context.Context, d *stationBoardData, sp *app.StationProfile) {
	codes := make([]string, len(sp.Regions))
	for i, r := range sp.Regions {
		codes[i] = r.Code
	}
	sides, sideOf := crossborder.New(h.app).Sides(ctx, d.Station, codes)
	if len(sides) == 0 {
		return
	}
	d.Sides = sides
	region := map[int64]string{}
	for _, dp := range sp.Deputies {
		region[dp.ID] = dp.Region
	}
	for i := range d.Reception {
		d.Reception[i].Side = crossborder.DaySides(sides, sideOf, d.Reception[i].Deputies, region)
	}
}

// submitServed puts first, on the portal's submission form for a
// cross-border station, the regions it serves on both sides, named with
// their province and county, and leaves them out of the other towns.
func (h *Handler) submitServed(ctx context.Context, d *submitData, stations []zhitong.Station) error {
	id, err := strconv.ParseInt(d.Form.Station, 10, 64)
	if err != nil || id <= 0 {
		return nil
	}
	i := slices.IndexFunc(stations, func(s zhitong.Station) bool { return s.ID == id })
	if i < 0 {
		return nil
	}
	served, err := crossborder.New(h.app).ServedRegions(ctx, stations[i:i+1])
	if err != nil || len(served) == 0 {
		return err
	}
	d.Served = served[0].Regions
	d.Towns = slices.DeleteFunc(d.Towns, func(r zhitong.Region) bool {
		return slices.ContainsFunc(d.Served, func(s crossborder.ServedRegion) bool { return s.Code == r.Code })
	})
	return nil
}
