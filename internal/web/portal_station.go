package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/crossborder"
)

// stationRules is the fixed part of every bulletin board (公示栏) until
// stations can edit their own.
var stationRules = []string{
	"联络站在开放时间内接待群众，代表按排班轮流进站，接待情况如实登记。",
	"群众反映的意见建议，联络员在 1 个工作日内登记分类，能当场解答的当场解答。",
	"需要部门办理的，交承办单位限期办理，办理结果同时反馈人大和群众本人。",
	"群众可凭查询码随时查看办理进度，并对办理结果作出评价；不满意的，将研判后责成重新办理或作出说明。",
	"依法保护群众个人信息，公示内容不含姓名、电话等个人信息。",
}

type stationBoardData struct {
	Station  zhitong.Station
	Place    string // 江西省赣州市定南县历市镇
	Kind     string
	Regions  []app.RegionRef // every region of a cross-border station
	Deputies []app.DeputyProfile
	Results  []app.PublicResult
	Rules    []string // the station's own rules when set, else stationRules
	Notice   string
	// Reception is the next reception days with the deputies on duty.
	Reception []receptionLine
	// Sides are the counties a station across a border serves (定南县,
	// 和平县); each reception day names the sides on duty (crossborder.Sides).
	Sides    []crossborder.Side
	stations map[int64]zhitong.Station
}

// OtherStations names the other stations a deputy serves at.
func (d stationBoardData) OtherStations(dp app.DeputyProfile) []zhitong.Station {
	var out []zhitong.Station
	for _, id := range dp.StationIDs {
		if st, ok := d.stations[id]; ok && id != d.Station.ID {
			out = append(out, st)
		}
	}
	return out
}

// MapURL opens the station's map point in 高德地图 (the app on a phone, the
// web map elsewhere) for directions; empty when the station has no point.
// Points are stored as WGS-84, as phones' GPS gives them.
func (d stationBoardData) MapURL() string {
	st := d.Station
	if st.Lat == 0 && st.Lng == 0 {
		return ""
	}
	q := url.Values{"position": {strconv.FormatFloat(st.Lng, 'f', 6, 64) + "," + strconv.FormatFloat(st.Lat, 'f', 6, 64)},
		"name": {st.Name}, "coordinate": {"wgs84"}, "callnative": {"1"}, "src": {"zhitong"}}
	return "https://uri.amap.com/marker?" + q.Encode()
}

// stationFromPath loads the station named by the {id} path segment.
func (h *Handler) stationFromPath(r *http.Request) (zhitong.Station, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return zhitong.Station{}, zhitong.Errorf(zhitong.ENOTFOUND, "联络站不存在，请从首页的联络站列表进入")
	}
	st, err := h.app.PublicStation(r.Context(), id)
	if err == nil && st.Retired() && !strings.HasPrefix(r.URL.Path, "/work/") {
		// A retired station has left the portal; the workbench still shows it.
		return st, zhitong.Errorf(zhitong.ENOTFOUND, "联络站“%s”已撤销，请从首页的联络站列表选择其他联络站", st.Name)
	}
	return st, err
}

func (h *Handler) regionText(r *http.Request, code string) (string, error) {
	path, err := h.app.RegionPath(r.Context(), code)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, rg := range path {
		b.WriteString(rg.Name)
	}
	return b.String(), nil
}

func (h *Handler) stationBoard(w http.ResponseWriter, r *http.Request) error {
	st, err := h.stationFromPath(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	sp, err := h.app.PublicStationProfile(ctx, st.ID)
	if err != nil {
		return err
	}
	data := stationBoardData{Station: st, Kind: sp.KindName, Rules: stationRules, Notice: sp.Notice, Deputies: sp.Deputies}
	if sp.CrossBorder() {
		data.Regions = sp.Regions
	}
	if rules := strings.FieldsFunc(sp.Rules, func(r rune) bool { return r == '\n' || r == '\r' }); len(rules) > 0 {
		data.Rules = rules
	}
	if data.Place, err = h.regionText(r, st.RegionCode); err != nil {
		return err
	}
	if data.Reception, err = h.stationReception(ctx, st.ID); err != nil {
		return err
	}
	if sp.CrossBorder() {
		h.boardSides(ctx, &data, sp)
	}
	if data.Results, _, err = h.app.PublicResults(ctx, app.ResultsInput{Station: st.ID, PerPage: 10, NoCount: true}); err != nil {
		return err
	}
	all, err := h.app.Stations(ctx, "")
	if err != nil {
		return err
	}
	data.stations = map[int64]zhitong.Station{}
	for _, s := range all {
		data.stations[s.ID] = s
	}
	return h.render(w, r, http.StatusOK, "portal_station", st.Name+"公示栏", data)
}

type posterData struct {
	Station zhitong.Station
	URL     string
	QR      template.HTML
}

func (h *Handler) stationPoster(w http.ResponseWriter, r *http.Request) error {
	st, err := h.stationFromPath(r)
	if err != nil {
		return err
	}
	u := h.absURL(r, "/submit?station="+strconv.FormatInt(st.ID, 10))
	svg, err := qrSVG(u, "扫码向"+st.Name+"反映意见建议")
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "portal_poster", st.Name+"扫码海报", posterData{Station: st, URL: u, QR: svg})
}
