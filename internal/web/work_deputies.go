package web

import (
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"zhitong"
	"zhitong/internal/app"
)

// The deputy pages of the workbench: a list of the deputies in the staff
// member's jurisdiction and one page per deputy with forms for their
// profile, stations, photo and login account.

type workDeputyData struct {
	workForm
	Me       zhitong.Principal
	Rows     []app.DeputyProfile
	Deputy   *app.DeputyProfile
	Regions  []zhitong.Region
	Stations []app.StationRow
	Accounts []app.AccountRef
	// Phone is the deputy's full phone, right after staff asked to see it (audited).
	Phone        string
	stationNames map[int64]string
}

func newDeputyData(p zhitong.Principal, form url.Values, section string) *workDeputyData {
	return &workDeputyData{Me: p, workForm: workForm{Form: form, Section: section, fields: deputyFields}}
}

var deputyFields = map[string][]string{
	"profile":  {"name", "levels", "region", "constituency", "pledge", "phone"},
	"stations": {"station_ids"},
	"photo":    {"photo"},
	"account":  {"user_id", "username", "password", "display_name"},
	"phone":    {"phone"},
}

// Levels lists the five levels.
func (d *workDeputyData) Levels() []zhitong.Named[string] { return app.DeputyLevels }

// ID formats an id for a form value.
func (d *workDeputyData) ID(n int64) string { return workItoa(n) }

// Staff reports whether the viewer is staff, not the deputy themself.
func (d *workDeputyData) Staff() bool { return d.Me.Role != zhitong.RoleDeputy }

// Committee reports whether the viewer may link accounts.
func (d *workDeputyData) Committee() bool { return d.Me.Role == zhitong.RoleCommittee }

// StationNames names a deputy's stations.
func (d *workDeputyData) StationNames(ids []int64) string {
	var names []string
	for _, id := range ids {
		if n, ok := d.stationNames[id]; ok {
			names = append(names, n)
		} else {
			names = append(names, "联络站 #"+workItoa(id))
		}
	}
	return strings.Join(names, "、")
}

func (h *Handler) deputyStationNames(r *http.Request) (map[int64]string, error) {
	// Retired stations too: a deputy may still be posted to one.
	all, err := h.app.AllStations(r.Context(), "")
	if err != nil {
		return nil, err
	}
	m := make(map[int64]string, len(all))
	for _, s := range all {
		m[s.ID] = s.Name
		if s.Retired() {
			m[s.ID] += "（已撤销）"
		}
	}
	return m, nil
}

func (h *Handler) workDeputies(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	d := newDeputyData(p, url.Values{}, "")
	if d.Rows, err = h.app.DeputyRows(r.Context(), p); err != nil {
		return err
	}
	if d.stationNames, err = h.deputyStationNames(r); err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "work_deputies", "代表档案", d)
}

func (h *Handler) workDeputyNew(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	return h.renderDeputyNew(w, r, p, http.StatusOK, url.Values{"region": {p.RegionCode}}, nil)
}

func (h *Handler) renderDeputyNew(w http.ResponseWriter, r *http.Request, p zhitong.Principal, status int, form url.Values, fail error) error {
	if p.Role != zhitong.RoleCommittee && p.Role != zhitong.RoleOfficer || p.StationID != 0 {
		return zhitong.Errorf(zhitong.EFORBIDDEN, "只有代表工委和人大干事可以新建代表档案")
	}
	d := newDeputyData(p, url.Values{}, "profile")
	d.refill(fail, form)
	if fail == nil {
		d.Form = form
	}
	var err error
	if d.Regions, err = h.app.ActiveRegions(r.Context(), p.RegionCode); err != nil {
		return err
	}
	if d.Stations, err = h.app.StationRows(r.Context(), p); err != nil {
		return err
	}
	return h.render(w, r, workSwapStatus(r, status), "work_deputy_new", "新建代表档案", d)
}

func (h *Handler) workDeputyCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	if err := workParseForm(w, r); err != nil {
		return err
	}
	f := r.PostForm
	in := app.DeputyInput{Name: f.Get("name"), Levels: f["levels"], Region: f.Get("region"), Constituency: f.Get("constituency"), Pledge: f.Get("pledge"), Phone: f.Get("phone")}
	var dp *app.DeputyProfile
	if in.StationIDs, err = workIDs(f["station_id"], "station_ids", "联络站"); err == nil {
		dp, err = h.app.CreateDeputy(r.Context(), p, in)
	}
	if err != nil {
		if zhitong.ErrorCode(err) != zhitong.EINVALID {
			return err
		}
		return h.renderDeputyNew(w, r, p, http.StatusBadRequest, f, err)
	}
	h.flash(r, "已新建代表档案：“"+dp.Name+"”")
	http.Redirect(w, r, "/work/deputies/"+workItoa(dp.ID), http.StatusSeeOther)
	return nil
}

// deputyForm is the form values of a deputy as they are now.
func deputyForm(dp *app.DeputyProfile) url.Values {
	f := url.Values{"name": {dp.Name}, "levels": dp.Levels, "region": {dp.Region}, "constituency": {dp.Constituency}, "pledge": {dp.Pledge},
		"primary": {workItoa(dp.StationID)}}
	for _, id := range dp.StationIDs {
		f.Add("station_id", workItoa(id))
	}
	return f
}

func (h *Handler) renderDeputy(w http.ResponseWriter, r *http.Request, p zhitong.Principal, id int64, status int, posted url.Values, section string, fail error) error {
	return h.renderDeputyPhone(w, r, p, id, status, posted, section, fail, "")
}

// renderDeputyPhone is renderDeputy showing the deputy's full phone.
func (h *Handler) renderDeputyPhone(w http.ResponseWriter, r *http.Request, p zhitong.Principal, id int64, status int, posted url.Values, section string, fail error, phone string) error {
	ctx := r.Context()
	dp, err := h.app.StaffDeputy(ctx, p, id)
	if err != nil {
		return err
	}
	d := newDeputyData(p, deputyForm(dp), section)
	d.Deputy, d.Phone = dp, phone
	d.refill(fail, posted, map[string]string{"profile": "levels", "stations": "station_id"}[section])
	if d.stationNames, err = h.deputyStationNames(r); err != nil {
		return err
	}
	if d.Staff() {
		if d.Regions, err = h.app.ActiveRegions(ctx, p.RegionCode); err != nil {
			return err
		}
		if !slices.ContainsFunc(d.Regions, func(rg zhitong.Region) bool { return rg.Code == dp.Region }) {
			d.Regions = append([]zhitong.Region{{Code: dp.Region, Name: dp.Region}}, d.Regions...)
		}
		if d.Stations, err = h.app.StationRows(ctx, p); err != nil {
			return err
		}
	}
	if d.Committee() {
		if d.Accounts, err = h.app.DeputyAccountCandidates(ctx, p); err != nil {
			return err
		}
	}
	return h.render(w, r, workSwapStatus(r, status), "work_deputy", workFormTitle(dp.Name+" · 代表档案", fail), d)
}

func (h *Handler) workDeputy(w http.ResponseWriter, r *http.Request) error {
	p, id, err := h.workStaffID(r)
	if err != nil {
		return err
	}
	return h.renderDeputy(w, r, p, id, http.StatusOK, nil, "", nil)
}

func (h *Handler) workDeputySave(w http.ResponseWriter, r *http.Request) error {
	p, id, err := h.workStaffID(r)
	if err != nil {
		return err
	}
	section, ctx := r.PathValue("section"), r.Context()
	var f url.Values
	var done string
	switch section {
	case "photo":
		var data []byte
		if data, err = readPhotoForm(w, r); err == nil {
			_, err = h.app.SetDeputyPhoto(ctx, p, id, data)
		}
		done = "已更新照片"
	case "photo-delete":
		err = h.app.DeleteDeputyPhoto(ctx, p, id)
		done = "已删除照片"
	case "account-unlink":
		_, err = h.app.UnlinkDeputyAccount(ctx, p, id)
		done = "已解除关联并停用该账号；今后该代表的通知改发短信"
	case "phone-reveal":
		// Shown on this answer only, never put in the session's flash.
		phone, err := h.app.RevealDeputyPhone(ctx, p, id)
		if err != nil {
			return err
		}
		return h.renderDeputyPhone(w, r, p, id, http.StatusOK, nil, "", nil, phone)
	default:
		if err := workParseForm(w, r); err != nil {
			return err
		}
		f = r.PostForm
		str := func(k string) *string { v := f.Get(k); return &v }
		switch section {
		case "profile":
			in := app.DeputyPatch{Pledge: str("pledge")}
			if p.Role != zhitong.RoleDeputy {
				levels := f["levels"]
				in.Name, in.Levels, in.Region, in.Constituency = str("name"), &levels, str("region"), str("constituency")
			}
			_, err = h.app.UpdateDeputy(ctx, p, id, in)
			done = "已保存代表档案"
		case "stations":
			var ids []int64
			var primary int64
			if ids, err = workIDs(f["station_id"], "station_ids", "联络站"); err == nil {
				if primary, err = workID(f.Get("primary"), "station_ids", "主要联络站"); err == nil {
					if primary != 0 && !slices.Contains(ids, primary) {
						err = zhitong.Invalid("station_ids", "主要联络站须是所进的联络站之一")
					} else {
						_, err = h.app.UpdateDeputy(ctx, p, id, app.DeputyPatch{StationID: &primary, StationIDs: &ids})
					}
				}
			}
			done = "已保存所进联络站"
		case "account":
			in := app.AccountInput{Username: strings.TrimSpace(f.Get("username")), DisplayName: f.Get("display_name"), Password: f.Get("password")}
			if in.UserID, err = workID(f.Get("user_id"), "user_id", "账号"); err == nil {
				_, err = h.app.LinkDeputyAccount(ctx, p, id, in)
			}
			f.Del("password")
			done = "已关联登录账号"
		case "phone":
			_, err = h.app.UpdateDeputy(ctx, p, id, app.DeputyPatch{Phone: str("phone")})
			done = "已保存手机号"
			if strings.TrimSpace(f.Get("phone")) == "" {
				done = "已删除手机号"
			}
		default:
			return zhitong.Errorf(zhitong.ENOTFOUND, "页面不存在")
		}
	}
	if err != nil {
		if zhitong.ErrorCode(err) != zhitong.EINVALID {
			return err
		}
		return h.renderDeputy(w, r, p, id, http.StatusBadRequest, f, strings.TrimSuffix(strings.TrimSuffix(section, "-delete"), "-reveal"), err)
	}
	h.flash(r, done)
	http.Redirect(w, r, "/work/deputies/"+workItoa(id), http.StatusSeeOther)
	return nil
}

// readPhotoForm reads the "photo" file of a multipart form.
func readPhotoForm(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	r.Body = http.MaxBytesReader(w, r.Body, app.MaxDeputyPhotoBytes+64<<10)
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "multipart/form-data" {
		return nil, zhitong.Invalid("photo", "请通过页面上的表单选择照片上传")
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, zhitong.Invalid("photo", "表单格式不正确")
	}
	for {
		part, err := mr.NextPart()
		if err != nil {
			return nil, zhitong.Invalid("photo", "请选择照片（不超过 1 MB）")
		}
		if part.FormName() != "photo" {
			continue
		}
		data, err := io.ReadAll(io.LimitReader(part, app.MaxDeputyPhotoBytes+1))
		if err != nil {
			return nil, zhitong.Invalid("photo", "照片超过 1 MB，请压缩后重新上传")
		}
		return data, nil
	}
}

// deputyPhoto serves a deputy's public photo. It is cached by browsers and
// shared caches, revalidated by ETag; the page links it with its ETag in
// the query, so a new photo gets a new address.
func (h *Handler) deputyPhoto(w http.ResponseWriter, r *http.Request) error {
	id, err := workPathID(r)
	if err != nil {
		return err
	}
	ph, err := h.app.DeputyPhoto(r.Context(), id)
	if err != nil {
		return err
	}
	etag := `"` + ph.ETag + `"`
	w.Header().Set("ETag", etag)
	w.Header().Set("Cache-Control", "public, max-age=86400")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; sandbox")
	if inm := r.Header.Get("If-None-Match"); inm != "" && slices.Contains(strings.Split(strings.ReplaceAll(inm, " ", ""), ","), etag) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	w.Header().Set("Content-Type", ph.ContentType)
	w.Header().Set("Content-Length", workItoa(int64(len(ph.Data))))
	_, err = w.Write(ph.Data)
	return err
}
