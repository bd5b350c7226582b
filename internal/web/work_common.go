package web

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"zhitong"
)

// workHTMX reports whether the request came from htmx rather than a plain
// browser navigation or form post.
func workHTMX(r *http.Request) bool {
	return r.Header.Get("HX-Request") == "true" && r.Header.Get("HX-History-Restore-Request") != "true"
}

// workSwapStatus is the status for a page that htmx must swap in: htmx leaves
// 4xx answers on the floor, so it gets 200 while a plain browser gets the
// real status.
func workSwapStatus(r *http.Request, status int) int {
	if workHTMX(r) {
		return http.StatusOK
	}
	return status
}

// workPage adapts the workbench's POST handlers. A plain browser gets the
// usual error pages; an htmx request gets the error page swapped into <main>
// (htmx would drop a 4xx) and a session that ran out sends it to the login.
func (h *Handler) workPage(fn handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		err := fn(w, r)
		if err == nil {
			return
		}
		if !workHTMX(r) {
			h.fail(w, r, err)
			return
		}
		code := zhitong.ErrorCode(err)
		if code == zhitong.EUNAUTHORIZED {
			next := "/work"
			if u, err := url.Parse(r.Header.Get("HX-Current-URL")); err == nil && u.Path != "" {
				next = u.RequestURI()
			}
			w.Header().Set("HX-Redirect", "/login?next="+template.URLQueryEscaper(next))
			w.WriteHeader(http.StatusNoContent)
			return
		}
		if code == zhitong.EINTERNAL {
			h.fail(w, r, err)
			return
		}
		status := map[string]int{zhitong.EINVALID: 400, zhitong.EFORBIDDEN: 403, zhitong.ENOTFOUND: 404, zhitong.ECONFLICT: 409, zhitong.ETOOMANY: 429}[code]
		titles := map[int]string{400: "输入有误", 403: "无权访问", 404: "页面不存在", 409: "操作冲突", 429: "操作过于频繁"}
		w.Header().Set("HX-Retarget", "#main")
		w.Header().Set("HX-Reswap", "innerHTML show:top")
		r.Header.Set("HX-Target", "main")
		if rerr := h.render(w, r, http.StatusOK, "error", titles[status], map[string]any{"Status": status, "Message": zhitong.ErrorMessage(err)}); rerr != nil {
			h.fail(w, r, err)
		}
	}
}

// workParseForm reads a small urlencoded form.
func workParseForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 256<<10)
	if err := r.ParseForm(); err != nil {
		return zhitong.Errorf(zhitong.EINVALID, "表单格式不正确或内容过长")
	}
	return nil
}

// workInt reads an optional whole number from a form field: blank is 0.
func workInt(v, field, label string) (int, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, zhitong.Invalid(field, "%s应为整数", label)
	}
	return n, nil
}

// workID reads an optional id ("12" or "#12"): blank is 0.
func workID(v, field, label string) (int64, error) {
	v = strings.TrimPrefix(strings.TrimSpace(v), "#")
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, zhitong.Invalid(field, "请选择有效的%s", label)
	}
	return n, nil
}

// workToday is the civil date in China, YYYY-MM-DD.
func (h *Handler) workToday() string { return h.app.Now().In(zhitong.China).Format(time.DateOnly) }

// workSoonDays is how many working days ahead a deadline counts as "due soon" (即将到期).
const workSoonDays = 3

// workDueSoonBy is the last date a deadline may fall on to count as due soon.
func (h *Handler) workDueSoonBy() (string, error) {
	d, _, err := h.app.AddWorkdays(h.workToday(), workSoonDays)
	return d, err
}

// workRefs is the reference data a workbench page names things with.
type workRefs struct {
	Categories []zhitong.Category // in use: what forms offer
	// AllCategories also holds the retired ones, for filters over existing cases.
	AllCategories []zhitong.Category
	Stations      []zhitong.Station
	Deputies      []zhitong.Deputy
	Units         []zhitong.Unit
	cats          map[string]string
	stations      map[int64]string
	deputies      map[int64]zhitong.Deputy
	units         map[int64]string
}

// loadWorkRefs loads categories, and the stations, deputies and units under
// region (units: also those above it, such as the county's departments).
func (h *Handler) loadWorkRefs(ctx context.Context, p zhitong.Principal, region string) (*workRefs, error) {
	var err error
	rf := &workRefs{cats: map[string]string{}, stations: map[int64]string{}, deputies: map[int64]zhitong.Deputy{}, units: map[int64]string{}}
	cats, err := h.app.Categories(ctx)
	if err != nil {
		return nil, err
	}
	rf.AllCategories = cats
	for _, c := range cats {
		rf.cats[c.Code] = c.Name
		if c.RetiredAt.IsZero() { // retired ones name old cases, are not offered
			rf.Categories = append(rf.Categories, c)
		}
	}
	if rf.Stations, err = h.app.Stations(ctx, region); err != nil {
		return nil, err
	}
	if rf.Deputies, err = h.app.Deputies(ctx, region); err != nil {
		return nil, err
	}
	// A township's case goes to county departments too: list the units of the
	// whole province and keep those above or inside the county.
	county, province := region, region
	if len(county) > 6 {
		county = county[:6]
	}
	if len(province) > 2 {
		province = province[:2]
	}
	units, err := h.app.Units(ctx, p, province)
	if err != nil {
		return nil, err
	}
	for _, u := range units {
		if u.RetiredAt.IsZero() && (strings.HasPrefix(u.RegionCode, county) || strings.HasPrefix(region, u.RegionCode)) {
			rf.Units = append(rf.Units, u)
		}
	}
	// Pickers offer the active stations; names cover the retired ones too,
	// which old cases still point at.
	all, err := h.app.AllStations(ctx, region)
	if err != nil {
		return nil, err
	}
	for _, s := range all {
		rf.stations[s.ID] = s.Name
		if s.Retired() {
			rf.stations[s.ID] += "（已撤销）"
		}
	}
	for _, d := range rf.Deputies {
		rf.deputies[d.ID] = d
	}
	for _, u := range units {
		rf.units[u.ID] = u.Name
	}
	return rf, nil
}

// Category names a category code.
func (rf *workRefs) Category(code string) string {
	if n, ok := rf.cats[code]; ok {
		return n
	}
	return code
}

// Station names a station.
func (rf *workRefs) Station(id int64) string {
	if id == 0 {
		return ""
	}
	if n, ok := rf.stations[id]; ok {
		return n
	}
	return "联络站 #" + strconv.FormatInt(id, 10)
}

// Deputy names a deputy.
func (rf *workRefs) Deputy(id int64) string {
	if id == 0 {
		return ""
	}
	if d, ok := rf.deputies[id]; ok {
		return d.Name
	}
	return "代表 #" + strconv.FormatInt(id, 10)
}

// Unit names a handling unit.
func (rf *workRefs) Unit(id int64) string {
	if id == 0 {
		return ""
	}
	if n, ok := rf.units[id]; ok {
		return n
	}
	return "单位 #" + strconv.FormatInt(id, 10)
}

// deputyStation is the station a deputy is posted to.
func (rf *workRefs) deputyStation(id int64) int64 { return rf.deputies[id].StationID }

// workDueMark is the deadline mark of a list row or case header: "overdue"
// (red), "soon" (yellow, within workSoonDays working days) or "".
func workDueMark(daysLeft *int, overdue bool) string {
	switch {
	case overdue:
		return "overdue"
	case daysLeft != nil && *daysLeft <= workSoonDays:
		return "soon"
	}
	return ""
}
