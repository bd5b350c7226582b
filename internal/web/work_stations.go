package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"zhitong"
	"zhitong/internal/app"
)

// The station pages of the workbench: a list of the stations in the staff
// member's jurisdiction (cross-border ones wherever one of their regions
// lies in it), a form for a new one, and one page per station with a form
// per part: basics, kind and regions, deputies, head and officers, bulletin board.

type workStationData struct {
	workForm
	Me       zhitong.Principal
	Rows     []app.StationRow
	Station  *app.StationProfile
	Regions  []zhitong.Region
	Deputies []app.DeputyProfile
	Staff    []app.StaffRef
}

func newStationData(p zhitong.Principal, form url.Values, section string) *workStationData {
	return &workStationData{Me: p, workForm: workForm{Form: form, Section: section, fields: stationFields}}
}

var stationFields = map[string][]string{
	"basics":    {"name", "address", "hours", "theme", "lat", "lng", "phone"},
	"new":       {"name", "address", "hours", "theme", "lat", "lng", "phone", "kind", "region", "regions", "rules"},
	"structure": {"kind", "region", "regions"},
	"bulletin":  {"rules", "notice"},
	"deputies":  {"deputy_ids"},
	"staff":     {"user_ids"},
}

// Kinds lists the station kinds.
func (d *workStationData) Kinds() []zhitong.Named[string] { return app.StationKinds }

// Committee reports whether the viewer may change kinds and regions.
func (d *workStationData) Committee() bool { return d.Me.Role == zhitong.RoleCommittee }

// HeadOrCommittee reports whether the viewer may change basics and staff.
func (d *workStationData) HeadOrCommittee() bool {
	return d.Me.Role == zhitong.RoleCommittee || d.Me.Role == zhitong.RoleStationHead
}

// ID formats an id for a form value.
func (d *workStationData) ID(n int64) string { return workItoa(n) }

// RoleName names a role.
func (d *workStationData) RoleName(r zhitong.Role) string { return zhitong.Label(zhitong.Roles, r) }

func (h *Handler) workStations(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	rows, err := h.app.StationRows(r.Context(), p)
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "work_stations", "联络站管理", &workStationData{Me: p, Rows: rows, workForm: workForm{Form: url.Values{}}})
}

// stationRegionOptions lists the regions a station may be placed in: the
// staff member's own subtree and its neighbours under the same parent, so a
// cross-border station can reach over the county line.
func (h *Handler) stationRegionOptions(r *http.Request, p zhitong.Principal) ([]zhitong.Region, error) {
	ctx := r.Context()
	under := p.RegionCode
	if path, err := h.app.RegionPath(ctx, p.RegionCode); err == nil && len(path) >= 2 {
		under = path[len(path)-2].Code
	}
	all, err := h.app.ActiveRegions(ctx, under)
	if err != nil {
		return nil, err
	}
	var out []zhitong.Region
	for _, rg := range all {
		if strings.HasPrefix(rg.Code, p.RegionCode) || rg.ParentCode == under || rg.Code == under {
			out = append(out, rg)
		}
		if len(out) >= 400 {
			break
		}
	}
	return out, nil
}

func (h *Handler) workStationNew(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	if p.Role != zhitong.RoleCommittee {
		return zhitong.Errorf(zhitong.EFORBIDDEN, "只有代表工委可以新建联络站")
	}
	d := newStationData(p, url.Values{"kind": {app.StationFixed}}, "")
	if d.Regions, err = h.stationRegionOptions(r, p); err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "work_station_new", "新建联络站", d)
}

// stationFloat reads an optional decimal: blank is 0.
func stationFloat(v, field, label string) (float64, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return 0, zhitong.Invalid(field, "%s应为数字，如 24.78", label)
	}
	return f, nil
}

// stationRegionsOf reads the ticked regions and any typed codes.
func stationRegionsOf(f url.Values) []string {
	out := slices.Clone(f["regions"])
	out = append(out, strings.FieldsFunc(f.Get("regions_extra"), func(r rune) bool { return r == ',' || r == '，' || r == ' ' || r == '、' || r == '\n' })...)
	return out
}

func (h *Handler) workStationCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	if err := workParseForm(w, r); err != nil {
		return err
	}
	f := r.PostForm
	in := app.StationInput{Name: f.Get("name"), Kind: f.Get("kind"), Region: f.Get("region"), Regions: stationRegionsOf(f),
		Address: f.Get("address"), Hours: f.Get("hours"), Theme: f.Get("theme"), Phone: f.Get("phone"), Rules: f.Get("rules"), Notice: f.Get("notice")}
	var sp *app.StationProfile
	if in.Lat, err = stationFloat(f.Get("lat"), "lat", "纬度"); err == nil {
		if in.Lng, err = stationFloat(f.Get("lng"), "lng", "经度"); err == nil {
			sp, err = h.app.CreateStation(r.Context(), p, in)
		}
	}
	if err != nil {
		if zhitong.ErrorCode(err) != zhitong.EINVALID {
			return err
		}
		d := newStationData(p, url.Values{}, "new")
		d.refill(err, f)
		if d.Regions, err = h.stationRegionOptions(r, p); err != nil {
			return err
		}
		return h.render(w, r, workSwapStatus(r, http.StatusBadRequest), "work_station_new", "新建联络站（请修改后重新提交）", d)
	}
	h.flash(r, "已新建联络站“"+sp.Name+"”")
	http.Redirect(w, r, "/work/stations/"+workItoa(sp.ID), http.StatusSeeOther)
	return nil
}

// stationForm is the form values of a station as it is now.
func stationForm(sp *app.StationProfile) url.Values {
	f := url.Values{"name": {sp.Name}, "kind": {sp.Kind}, "region": {sp.Region}, "address": {sp.Address}, "hours": {sp.Hours},
		"theme": {sp.Theme}, "phone": {sp.Phone}, "rules": {sp.Rules}, "notice": {sp.Notice}}
	if sp.Lat != 0 || sp.Lng != 0 {
		f.Set("lat", strconv.FormatFloat(sp.Lat, 'f', -1, 64))
		f.Set("lng", strconv.FormatFloat(sp.Lng, 'f', -1, 64))
	}
	for _, rg := range sp.Regions {
		f.Add("regions", rg.Code)
	}
	for _, dp := range sp.Deputies {
		f.Add("deputy_id", workItoa(dp.ID))
	}
	for _, s := range sp.Staff {
		f.Add("user_id", workItoa(s.UserID))
	}
	return f
}

func (h *Handler) renderStation(w http.ResponseWriter, r *http.Request, p zhitong.Principal, id int64, status int, posted url.Values, section string, fail error) error {
	ctx := r.Context()
	sp, err := h.app.StaffStation(ctx, p, id)
	if err != nil {
		return err
	}
	d := newStationData(p, stationForm(sp), section)
	d.Station = sp
	d.refill(fail, posted, map[string]string{"deputies": "deputy_id", "staff": "user_id"}[section])
	if d.Committee() {
		if d.Regions, err = h.stationRegionOptions(r, p); err != nil {
			return err
		}
	}
	// The deputies the viewer may post: those in their jurisdiction, for
	// station staff also those of their region, and those posted here already.
	candidates, err := h.app.DeputyRows(ctx, p)
	if err != nil {
		return err
	}
	if p.StationID != 0 {
		region, err := h.app.Deputies(ctx, p.RegionCode)
		if err != nil {
			return err
		}
		more, err := h.app.DeputyProfiles(ctx, region)
		if err != nil {
			return err
		}
		candidates = append(candidates, more...)
	}
	for _, dp := range append(candidates, sp.Deputies...) {
		if !slices.ContainsFunc(d.Deputies, func(x app.DeputyProfile) bool { return x.ID == dp.ID }) {
			d.Deputies = append(d.Deputies, dp)
		}
	}
	if d.HeadOrCommittee() {
		if d.Staff, err = h.app.StaffCandidates(ctx, p, id); err != nil {
			return err
		}
	}
	return h.render(w, r, workSwapStatus(r, status), "work_station", workFormTitle(sp.Name, fail), d)
}

func (h *Handler) workStation(w http.ResponseWriter, r *http.Request) error {
	p, id, err := h.workStaffID(r)
	if err != nil {
		return err
	}
	return h.renderStation(w, r, p, id, http.StatusOK, nil, "", nil)
}

func workIDs(vs []string, field, label string) ([]int64, error) {
	var out []int64
	for _, v := range vs {
		id, err := workID(v, field, label)
		if err != nil {
			return nil, err
		}
		if id != 0 {
			out = append(out, id)
		}
	}
	return out, nil
}

func (h *Handler) workStationSave(w http.ResponseWriter, r *http.Request) error {
	p, id, err := h.workStaffID(r)
	if err != nil {
		return err
	}
	if err := workParseForm(w, r); err != nil {
		return err
	}
	f, ctx, section := r.PostForm, r.Context(), r.PathValue("section")
	str := func(k string) *string { v := f.Get(k); return &v }
	var done string
	switch section {
	case "basics":
		in := app.StationPatch{Name: str("name"), Address: str("address"), Hours: str("hours"), Theme: str("theme"), Phone: str("phone")}
		var lat, lng float64
		if lat, err = stationFloat(f.Get("lat"), "lat", "纬度"); err == nil {
			if lng, err = stationFloat(f.Get("lng"), "lng", "经度"); err == nil {
				in.Lat, in.Lng = &lat, &lng
				_, err = h.app.UpdateStation(ctx, p, id, in)
			}
		}
		done = "已保存基本信息"
	case "structure":
		regions := stationRegionsOf(f)
		_, err = h.app.UpdateStation(ctx, p, id, app.StationPatch{Kind: str("kind"), Region: str("region"), Regions: &regions})
		done = "已保存类型和所属区域"
	case "bulletin":
		_, err = h.app.UpdateStation(ctx, p, id, app.StationPatch{Rules: str("rules"), Notice: str("notice")})
		done = "已保存公示栏内容"
	case "deputies":
		var ids []int64
		var sync *app.RosterSync
		if ids, err = workIDs(f["deputy_id"], "deputy_ids", "代表"); err == nil {
			_, sync, err = h.app.SetStationDeputies(ctx, p, id, ids)
		}
		done = "已保存进站代表" + rosterSyncNote(sync)
	case "staff":
		var ids []int64
		if ids, err = workIDs(f["user_id"], "user_ids", "账号"); err == nil {
			_, err = h.app.SetStationStaff(ctx, p, id, ids)
		}
		done = "已保存站长和联络员"
	case "retire":
		var res *app.RetireResult
		if res, err = h.app.RetireStation(ctx, p, id); err == nil {
			done = "已撤销联络站“" + res.Station.Name + "”：门户和各选择列表中不再显示，已有案件仍显示它"
			if res.Removed > 0 {
				done += "；今天起的 " + strconv.Itoa(res.Removed) + " 个待值班安排已删除"
			}
		}
	case "restore":
		_, err = h.app.RestoreStation(ctx, p, id)
		done = "已恢复联络站，请重新安排接待日和值班"
	default:
		return zhitong.Errorf(zhitong.ENOTFOUND, "页面不存在")
	}
	if err != nil && zhitong.ErrorCode(err) == zhitong.ECONFLICT && (section == "retire" || section == "restore") {
		// Open bookings: the page says what to do first, next to the button.
		return h.renderStation(w, r, p, id, http.StatusConflict, f, section, err)
	}
	if err != nil {
		if zhitong.ErrorCode(err) != zhitong.EINVALID {
			return err
		}
		return h.renderStation(w, r, p, id, http.StatusBadRequest, f, section, err)
	}
	h.flash(r, done)
	http.Redirect(w, r, "/work/stations/"+workItoa(id)+"#"+section, http.StatusSeeOther)
	return nil
}
