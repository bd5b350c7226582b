package web

import (
	"net/http"
	"strconv"
	"strings"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/attachments"
)

type trackFormData struct {
	Code, Error string
}

func (h *Handler) trackForm(w http.ResponseWriter, r *http.Request) error {
	raw, asked := r.URL.Query()["code"]
	if !asked {
		return h.render(w, r, http.StatusOK, "portal_track_form", "查询办理进度", trackFormData{})
	}
	code := strings.TrimSpace(raw[0])
	norm, ok := app.NormalizeCode(code)
	if !ok {
		msg := "查询码是 12 位字母和数字，形如 ABCD-EFGH-JKMN，请核对后重试"
		if code == "" {
			msg = "请输入查询码"
		}
		return h.render(w, r, http.StatusBadRequest, "portal_track_form", "查询码有误 · 查询办理进度", trackFormData{Code: code, Error: msg})
	}
	h.kioskRemember(r, norm)
	http.Redirect(w, r, "/track/"+norm, http.StatusSeeOther)
	return nil
}

// stepLabels is the main path of a case as the citizen sees it.
var stepLabels = []string{"已受理", "已登记", "已交办", "办理中", "已答复", "已评价", "已办结"}

// stepIndex places a status on the main path; off-path statuses (answered,
// referred, merged, proposal, declined) have none and show only the timeline.
// A case a unit returned waits to be assigned again (已登记 is done); an
// unsatisfied rating is an evaluation (已评价 is where the case stands until
// it is re-handled).
var stepIndex = map[zhitong.Status]int{
	zhitong.StatusSubmitted: 0, zhitong.StatusRegistered: 1, zhitong.StatusReturned: 2, zhitong.StatusAssigned: 2,
	zhitong.StatusInProgress: 3, zhitong.StatusReplied: 4, zhitong.StatusUnsatisfied: 5, zhitong.StatusEvaluated: 5,
	zhitong.StatusClosed: 6, zhitong.StatusArchived: 6,
}

type progressStep struct {
	Label         string
	Done, Current bool
}

type trackData struct {
	View    *app.TrackView
	Steps   []progressStep
	Photos  []app.Attachment
	Files   []app.Attachment // the unit's and staff's attachments marked public (internal/attachments)
	Ratings []zhitong.Named[zhitong.Rating]
	Rating  zhitong.Rating // what the citizen chose, kept on error
	Comment string
	Errors  map[string]string
	RatedAs string
	// Station is the station the case was taken in at, with its phone.
	Station *app.StationContact
}

func (h *Handler) trackPage(w http.ResponseWriter, r *http.Request, status int, code string, d trackData) error {
	ctx := r.Context()
	v, err := h.app.Track(ctx, code)
	if zhitong.ErrorCode(err) == zhitong.ENOTFOUND {
		return h.render(w, r, http.StatusNotFound, "portal_track_form", "未找到 · 查询办理进度", trackFormData{Code: code, Error: zhitong.ErrorMessage(err)})
	} else if err != nil {
		return err
	}
	d.View, d.Ratings = v, zhitong.Ratings
	if d.Station, err = h.app.TrackStation(ctx, code); err != nil {
		return err
	}
	if v.Rating != "" {
		d.RatedAs = zhitong.Label(zhitong.Ratings, v.Rating)
	}
	if i, ok := stepIndex[v.Status]; ok {
		for j, l := range stepLabels {
			d.Steps = append(d.Steps, progressStep{Label: l, Done: j < i, Current: j == i})
		}
	}
	if d.Photos, err = h.app.TrackAttachments(ctx, code); err != nil {
		return err
	}
	if d.Files, err = attachments.New(h.app).TrackList(ctx, code); err != nil {
		return err
	}
	return h.render(w, r, status, "portal_track", "办理进度 "+v.Code, d)
}

func (h *Handler) track(w http.ResponseWriter, r *http.Request) error {
	code := r.PathValue("code")
	norm, ok := app.NormalizeCode(code)
	if !ok {
		return h.render(w, r, http.StatusNotFound, "portal_track_form", "未找到 · 查询办理进度", trackFormData{Code: code, Error: "查询码不正确，请核对后重试"})
	}
	if norm != code {
		http.Redirect(w, r, "/track/"+norm, http.StatusSeeOther)
		return nil
	}
	return h.trackPage(w, r, http.StatusOK, norm, trackData{})
}

func (h *Handler) evaluate(w http.ResponseWriter, r *http.Request) error {
	code, ok := app.NormalizeCode(r.PathValue("code"))
	if !ok {
		return zhitong.Errorf(zhitong.ENOTFOUND, "查询码不正确，请核对后重试")
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		return zhitong.Errorf(zhitong.EINVALID, "表单格式不正确或内容过长，请返回重新填写")
	}
	d := trackData{Rating: zhitong.Rating(r.PostForm.Get("rating")), Comment: r.PostForm.Get("comment"), Errors: map[string]string{}}
	version, _ := strconv.Atoi(r.PostForm.Get("version"))
	switch {
	case !zhitong.Valid(zhitong.Ratings, d.Rating):
		d.Errors["rating"] = "请选择满意、基本满意或不满意"
	case d.Rating == zhitong.RatingUnsatisfied && strings.TrimSpace(d.Comment) == "":
		d.Errors["comment"] = "请说明还有什么问题没有解决，以便责成重新办理"
	}
	if len(d.Errors) > 0 {
		return h.trackPage(w, r, http.StatusBadRequest, code, d)
	}
	_, err := h.app.Evaluate(r.Context(), code, app.EvaluateInput{Version: version, Rating: d.Rating, Comment: d.Comment})
	switch zhitong.ErrorCode(err) {
	case "":
		msg := "感谢您的评价！"
		if d.Rating == zhitong.RatingUnsatisfied {
			msg = "已收到您的评价。我们将研判后责成重新办理或作出说明，进展会显示在本页。"
		}
		h.flash(r, msg)
	case zhitong.EINVALID:
		field := zhitong.ErrorField(err)
		if field != "comment" {
			field = "rating"
		}
		d.Errors[field] = zhitong.ErrorMessage(err)
		return h.trackPage(w, r, http.StatusBadRequest, code, d)
	case zhitong.ECONFLICT:
		h.flash(r, "办理情况已有变化（可能已经评价过），请查看最新进度。")
	default:
		return err
	}
	http.Redirect(w, r, "/track/"+code, http.StatusSeeOther)
	return nil
}

// trackPhoto serves a photo to whoever holds the case's tracking code.
func (h *Handler) trackPhoto(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return zhitong.Errorf(zhitong.ENOTFOUND, "照片不存在")
	}
	att, err := h.app.TrackAttachment(r.Context(), r.PathValue("code"), id, r.URL.Query().Get("size") == "thumb")
	if err != nil {
		return err
	}
	return attachments.Serve(w, att, "private, max-age=3600")
}
