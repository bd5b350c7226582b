package web

import (
	"encoding/json"
	"errors"
	"html/template"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/crossborder"
	"zhitong/internal/dups"
	"zhitong/internal/pii"
	"zhitong/internal/sso"
	"zhitong/internal/store"
)

// Upload limits of the submission form. One photo may be 5 MB (app.MaxPhotoBytes);
// the whole request, three photos and the text, at most 16 MB.
const (
	maxSubmitBytes = 16 << 20
	maxFieldBytes  = 64 << 10
	maxParts       = 40
)

// submitForm is what the citizen typed, kept to fill the form again on error.
type submitForm struct {
	Category, Body, Place, Region, Station, Name, Phone string
	Anonymous, Privacy, ShareLocation                   bool
}

type fieldError struct{ Field, Message string }

type stationGroup struct {
	Town     string
	Stations []zhitong.Station
}

type submitData struct {
	Form       submitForm
	Errors     map[string]string
	ErrorList  []fieldError // in form order, for the summary at the top
	Categories []zhitong.Category
	Towns      []zhitong.Region
	// Served: the regions the chosen cross-border station serves, both
	// sides', offered first (docs/stations.md).
	Served    []crossborder.ServedRegion
	Stations  []stationGroup
	Photos    int // photos chosen on the attempt that failed: they must be chosen again
	MaxPhotos int
	// Checked: the citizen asked for similar issues before submitting
	// (internal/dups); Similar are those found, without personal data.
	Checked bool
	Similar []dups.PublicMatch
	// PhoneFromSSO: the phone field shows, masked, the number the identity
	// service gave the signed-in citizen.
	PhoneFromSSO bool
}

// formOrder is the order of the fields on the page; app error fields map onto them.
var formOrder = []string{"category", "body", "place", "region", "station", "anonymous", "name", "phone", "privacy", "photos", "form"}

var appFieldToForm = map[string]string{"body": "body", "title": "body", "place": "place", "lat": "place", "category": "category",
	"region": "region", "station_id": "station", "name": "name", "phone": "phone", "anonymous": "anonymous", "photos": "photos"}

func (h *Handler) submitForm(w http.ResponseWriter, r *http.Request) error {
	var f submitForm
	if id, err := strconv.ParseInt(r.URL.Query().Get("station"), 10, 64); err == nil && id > 0 {
		if st, err := h.app.PublicStation(r.Context(), id); err == nil && !st.Retired() {
			f.Station, f.Region = strconv.FormatInt(st.ID, 10), st.RegionCode
		}
	}
	if cz := h.citizen(r); cz.Phone != "" {
		// Signed in through the identity service: the phone it gave, masked
		// on the page; submitted unchanged, the number itself is used.
		f.Phone = pii.MaskPhone(cz.Phone)
	}
	return h.renderSubmit(w, r, http.StatusOK, f, nil, 0)
}

func (h *Handler) renderSubmit(w http.ResponseWriter, r *http.Request, status int, f submitForm, errs map[string]string, photos int, opts ...func(*submitData)) error {
	ctx := r.Context()
	data := submitData{Form: f, Errors: errs, Photos: photos, MaxPhotos: app.MaxPhotos}
	if cz := h.citizen(r); cz.Phone != "" && f.Phone == pii.MaskPhone(cz.Phone) {
		data.PhoneFromSSO = true
	}
	for _, o := range opts {
		o(&data)
	}
	for _, field := range formOrder {
		if msg, ok := errs[field]; ok {
			data.ErrorList = append(data.ErrorList, fieldError{field, msg})
		}
	}
	var err error
	if data.Categories, err = h.app.ActiveCategories(ctx); err != nil {
		return err
	}
	regions, err := h.app.ActiveRegions(ctx, "")
	if err != nil {
		return err
	}
	names := map[string]string{}
	for _, rg := range regions {
		names[rg.Code] = rg.Name
		if rg.Level == 4 {
			data.Towns = append(data.Towns, rg)
		}
	}
	if len(data.Towns) == 0 { // a deployment without townships: offer counties
		for _, rg := range regions {
			if rg.Level == 3 {
				data.Towns = append(data.Towns, rg)
			}
		}
	}
	stations, err := h.app.Stations(ctx, "")
	if err != nil {
		return err
	}
	if err := h.submitServed(ctx, &data, stations); err != nil {
		return err
	}
	for _, s := range stations {
		town := names[s.RegionCode]
		if n := len(data.Stations); n == 0 || data.Stations[n-1].Town != town {
			data.Stations = append(data.Stations, stationGroup{Town: town})
		}
		g := &data.Stations[len(data.Stations)-1]
		g.Stations = append(g.Stations, s)
	}
	title := "我要反映"
	if len(errs) > 0 {
		title = "提交未成功，请修改后重试 · 我要反映"
	}
	return h.render(w, r, status, "portal_submit", title, data)
}

// readSubmission reads the form as a stream, so that when the photos make the
// request too large, the text typed before them is still there to show again.
// chosen counts the files chosen, including those refused while reading.
func readSubmission(w http.ResponseWriter, r *http.Request) (values url.Values, photos []app.PhotoInput, chosen int, errs map[string]string, err error) {
	errs = map[string]string{}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	r.Body = http.MaxBytesReader(w, r.Body, maxSubmitBytes)
	if ct != "multipart/form-data" {
		if err := r.ParseForm(); err != nil {
			return nil, nil, 0, nil, zhitong.Errorf(zhitong.EINVALID, "表单格式不正确，请返回重新填写")
		}
		return r.PostForm, nil, 0, errs, nil
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, nil, 0, nil, zhitong.Errorf(zhitong.EINVALID, "表单格式不正确，请返回重新填写")
	}
	values = url.Values{}
	for n := 0; ; n++ {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			errs["photos"] = "照片合计超过 16 MB，未能上传。请少选几张或压缩后重新选择"
			break
		}
		if err != nil || n >= maxParts {
			return nil, nil, 0, nil, zhitong.Errorf(zhitong.EINVALID, "表单格式不正确，请返回重新填写")
		}
		if part.FormName() == "photos" {
			data, err := io.ReadAll(io.LimitReader(part, app.MaxPhotoBytes+1))
			if errors.As(err, &tooBig) {
				errs["photos"] = "照片合计超过 16 MB，未能上传。请少选几张或压缩后重新选择"
				break
			} else if err != nil {
				return nil, nil, 0, nil, zhitong.Errorf(zhitong.EINVALID, "照片上传中断，请重新提交")
			}
			if len(data) == 0 && part.FileName() == "" {
				continue // the file input was left empty
			}
			chosen++
			if len(data) > app.MaxPhotoBytes {
				errs["photos"] = "照片“" + part.FileName() + "”超过 5 MB，请压缩后重新选择"
				if _, err := io.Copy(io.Discard, part); errors.As(err, &tooBig) {
					errs["photos"] = "照片合计超过 16 MB，未能上传。请少选几张或压缩后重新选择"
					break
				}
				continue
			}
			photos = append(photos, app.PhotoInput{Name: part.FileName(), Data: data})
			continue
		}
		b, err := io.ReadAll(io.LimitReader(part, maxFieldBytes+1))
		if err != nil || len(b) > maxFieldBytes {
			return nil, nil, 0, nil, zhitong.Errorf(zhitong.EINVALID, "填写的内容过长或上传中断，请返回重新填写")
		}
		values.Add(part.FormName(), string(b))
	}
	return values, photos, chosen, errs, nil
}

func (h *Handler) submit(w http.ResponseWriter, r *http.Request) error {
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct == "multipart/form-data" {
		// Photos may come: the body is read, cleaned, thumbnailed and
		// sealed only within an upload slot (internal/uploads).
		release, err := h.uploads.Enter(r.Context())
		if err != nil {
			// Read the rest of the body into nothing (no memory), so the
			// browser gets to show the Chinese 503 page instead of a reset.
			io.Copy(io.Discard, http.MaxBytesReader(w, r.Body, maxSubmitBytes))
			w.Header().Set("Retry-After", "60")
			return err
		}
		defer release()
	}
	values, photos, chosen, errs, err := readSubmission(w, r)
	if err != nil {
		return err
	}
	f := submitForm{Category: values.Get("category"), Body: values.Get("body"), Place: values.Get("place"), Region: values.Get("region"),
		Station: values.Get("station"), Name: strings.TrimSpace(values.Get("name")), Phone: strings.TrimSpace(values.Get("phone")),
		Anonymous: values.Get("anonymous") == "1", Privacy: values.Get("privacy") == "1", ShareLocation: values.Get("share_location") == "1"}
	in := app.IntakeInput{CategoryCode: f.Category, Body: f.Body, Place: f.Place, RegionCode: f.Region,
		Anonymous: f.Anonymous, Name: f.Name, Phone: f.Phone}
	if cz := h.citizen(r); cz.Phone != "" && f.Phone == pii.MaskPhone(cz.Phone) {
		in.Phone = cz.Phone // the masked number the page showed: the identity service's
	}
	if f.Station != "" {
		id, err := strconv.ParseInt(f.Station, 10, 64)
		if err != nil || id <= 0 {
			errs["station"] = "请从列表中选择联络站"
		}
		in.StationID = id
	}
	if values.Get("check") == "similar" {
		return h.renderSimilar(w, r, f, chosen)
	}
	if !f.Privacy {
		errs["privacy"] = "请阅读个人信息保护说明，并勾选同意后再提交"
	}
	if len(photos) > app.MaxPhotos {
		errs["photos"] = "最多上传 " + strconv.Itoa(app.MaxPhotos) + " 张照片（您选择了 " + strconv.Itoa(len(photos)) + " 张）"
	}
	ctx := r.Context()
	if len(errs) > 0 {
		// Show every problem the rules find too, so one round trip fixes all.
		if err := h.app.CheckSubmission(ctx, in); err != nil {
			if !addFieldError(errs, err) {
				return err
			}
		}
		return h.renderSubmit(w, r, http.StatusBadRequest, f, errs, chosen)
	}
	if cz := h.citizen(r); cz.Subject != "" {
		// Signed in through the identity service: the case is theirs (我的意见).
		in.Then = func(tx *store.Tx, c *zhitong.Case) error { return sso.New(h.app).LinkCase(ctx, tx, cz, c) }
	}
	c, err := h.app.SubmitWithPhotos(ctx, in, photos, f.ShareLocation)
	if err != nil {
		if !addFieldError(errs, err) {
			return err
		}
		return h.renderSubmit(w, r, http.StatusBadRequest, f, errs, chosen)
	}
	h.sessions.Put(ctx, "portal_code", c.Code)
	// Similar issues of the area already being handled, told on the next
	// page with their public progress (a hint: the case is stored).
	if sim, err := dups.New(h.app).ForSubmitted(ctx, c); err != nil {
		h.log.Warn("similar issues after a submission", "case", c.ID, "err", err)
	} else if len(sim) > 0 {
		if b, err := json.Marshal(sim); err == nil {
			h.sessions.Put(ctx, "portal_similar", string(b))
		}
	}
	h.kioskRemember(r, c.Code)
	h.sessions.Put(ctx, "portal_category", c.CategoryCode)
	http.Redirect(w, r, "/submit/done", http.StatusSeeOther)
	return nil
}

// addFieldError files each invalid-input error err joins under its form field and
// reports whether it was one; other errors go to the error page.
func addFieldError(errs map[string]string, err error) bool {
	if zhitong.ErrorCode(err) != zhitong.EINVALID {
		return false
	}
	for _, e := range app.Problems(err) {
		field, ok := appFieldToForm[zhitong.ErrorField(e)]
		if !ok {
			field = "form"
		}
		if _, taken := errs[field]; !taken {
			errs[field] = zhitong.ErrorMessage(e)
		}
	}
	return true
}

type submittedData struct {
	Code         string
	TrackURL     string
	QR           template.HTML
	RegisterBy   string // the date an officer registers it by
	RegisterNote string // why RegisterBy is provisional, empty when it is not
	Category     string
	DueDays      int
	ReplyBy      string // the estimated reply date: registered, then DueDays working days
	ReplyNote    string // why ReplyBy is provisional, empty when it is not
	SubmittedDay string
	Station      *app.StationContact // where it was submitted for, with its phone; "下一位群众" opens its form again
	Similar      []dups.PublicMatch  // similar issues of the area already being handled (internal/dups)
}

func (h *Handler) submitted(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	// Shown once: on a station's kiosk the next citizen's Back button or a
	// reload must not bring the code back (see portal_kiosk.go).
	noStore(w)
	code := h.sessions.PopString(ctx, "portal_code")
	if code == "" {
		http.Redirect(w, r, "/track", http.StatusSeeOther)
		return nil
	}
	data := submittedData{Code: code, TrackURL: h.absURL(r, "/track/"+code)}
	if sim := h.sessions.PopString(ctx, "portal_similar"); sim != "" {
		_ = json.Unmarshal([]byte(sim), &data.Similar) // a hint, shown once
	}
	var err error
	if data.QR, err = qrSVG(data.TrackURL, "查询办理进度的二维码"); err != nil {
		return err
	}
	if data.Station, err = h.app.TrackStation(ctx, code); err != nil && zhitong.ErrorCode(err) != zhitong.ENOTFOUND {
		return err
	}
	today := h.app.Now().In(zhitong.China).Format(time.DateOnly)
	data.SubmittedDay = today
	var prov bool
	if data.RegisterBy, prov, err = h.app.AddWorkdays(today, 1); err != nil {
		return err
	}
	if prov {
		data.RegisterNote = h.app.ProvisionalNote(today, data.RegisterBy)
	}
	if cat := h.sessions.PopString(ctx, "portal_category"); cat != "" {
		cats, err := h.app.Categories(ctx)
		if err != nil {
			return err
		}
		for _, c := range cats {
			if c.Code == cat {
				data.Category, data.DueDays = c.Name, c.DueDays
			}
		}
		if data.DueDays > 0 {
			if data.ReplyBy, prov, err = h.app.AddWorkdays(data.RegisterBy, data.DueDays); err != nil {
				return err
			}
			if prov {
				data.ReplyNote = h.app.ProvisionalNote(today, data.ReplyBy)
			}
		}
	}
	return h.render(w, r, http.StatusOK, "portal_submitted", "提交成功，请保存查询码", data)
}

// renderSimilar shows the form again, as typed, with the similar issues of
// the same township already being handled (nothing is submitted): the
// citizen may still submit. The area is the chosen township or, failing
// that, the chosen station's.
func (h *Handler) renderSimilar(w http.ResponseWriter, r *http.Request, f submitForm, photos int) error {
	region := f.Region
	station, _ := strconv.ParseInt(f.Station, 10, 64)
	if region == "" && station > 0 {
		if st, err := h.app.PublicStation(r.Context(), station); err == nil {
			region = st.RegionCode
		}
	}
	errs := map[string]string{}
	similar, err := dups.New(h.app).Public(r.Context(), dups.Draft{Region: region, Body: f.Body, Category: f.Category, Station: max(station, 0)})
	if err != nil {
		if !addFieldError(errs, err) {
			return err
		}
	}
	status := http.StatusOK
	if len(errs) > 0 {
		status = http.StatusBadRequest
	}
	return h.renderSubmit(w, r, status, f, errs, photos, func(d *submitData) { d.Checked, d.Similar = len(errs) == 0, similar })
}
