package web

import (
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/store"
)

// maxScheduleUpload bounds the schedule form; calendar.ParseSchedule refuses
// anything over 1 MB with its own message.
const maxScheduleUpload = 1<<20 + 64<<10

// workCalendarData is the holiday schedule page (节假日安排): the years
// loaded, the form, and after "预览" what the schedule would change.
type workCalendarData struct {
	Years    []store.CalendarYear // last year and later
	Older    []store.CalendarYear // shown folded
	Schedule string               // what was pasted, shown again after an error
	Preview  *app.SchedulePreview
	Error    string
}

// calendarRoutes registers the system administrator's holiday schedule page.
func (h *Handler) calendarRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /work/calendar", h.page(h.workCalendar))
	mux.HandleFunc("POST /work/calendar/preview", h.page(h.workCalendarPreview))
	mux.HandleFunc("POST /work/calendar", h.page(h.workCalendarSave))
}

func (h *Handler) renderCalendar(w http.ResponseWriter, r *http.Request, p zhitong.Principal, status int, d workCalendarData) error {
	years, err := h.app.CalendarYears(r.Context(), p)
	if err != nil {
		return err
	}
	last := h.app.Now().In(zhitong.China).Year() - 1
	for _, y := range years {
		if y.Year >= last {
			d.Years = append(d.Years, y)
		} else {
			d.Older = append(d.Older, y)
		}
	}
	return h.render(w, r, status, "work_calendar", "节假日安排", d)
}

func (h *Handler) workCalendar(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	return h.renderCalendar(w, r, p, http.StatusOK, workCalendarData{})
}

// workCalendarPreview reads the uploaded file or the pasted text and shows
// what it would change; nothing is saved.
func (h *Handler) workCalendarPreview(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	if p.Role != zhitong.RoleSysAdmin {
		return zhitong.Errorf(zhitong.EFORBIDDEN, "只有系统管理员可以导入节假日安排")
	}
	text, err := readScheduleForm(w, r)
	if err != nil {
		return h.renderCalendar(w, r, p, http.StatusBadRequest, workCalendarData{Error: zhitong.ErrorMessage(err)})
	}
	pv, err := h.app.PreviewSchedule(r.Context(), p, strings.NewReader(text))
	if zhitong.ErrorCode(err) == zhitong.EINVALID {
		return h.renderCalendar(w, r, p, http.StatusBadRequest, workCalendarData{Schedule: text, Error: zhitong.ErrorMessage(err)})
	}
	if err != nil {
		return err
	}
	return h.renderCalendar(w, r, p, http.StatusOK, workCalendarData{Schedule: text, Preview: pv})
}

// workCalendarSave stores the previewed schedule with app.LoadSchedule.
func (h *Handler) workCalendarSave(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	if err := workParseForm(w, r); err != nil {
		return err
	}
	text := r.PostForm.Get("schedule")
	year, n, err := h.app.LoadSchedule(r.Context(), p, strings.NewReader(text))
	if zhitong.ErrorCode(err) == zhitong.EINVALID {
		return h.renderCalendar(w, r, p, http.StatusBadRequest, workCalendarData{Schedule: text, Error: zhitong.ErrorMessage(err)})
	}
	if err != nil {
		return err
	}
	msg := "已保存 " + strconv.Itoa(year) + " 年节假日安排"
	if n > 0 {
		msg += "，重新计算了 " + strconv.Itoa(n) + " 件暂定的办理期限"
	}
	h.flash(r, msg)
	http.Redirect(w, r, "/work/calendar", http.StatusSeeOther)
	return nil
}

// readScheduleForm returns the uploaded file ("file") if one was chosen,
// else the pasted text ("schedule").
func readScheduleForm(w http.ResponseWriter, r *http.Request) (string, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxScheduleUpload)
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "multipart/form-data" {
		if err := r.ParseForm(); err != nil {
			return "", zhitong.Invalid("schedule", "内容过长（超过 1 MB），节假日安排通常只有几 KB，请确认是否选错了文件")
		}
		return r.PostForm.Get("schedule"), nil
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return "", zhitong.Invalid("schedule", "表单格式不正确")
	}
	var text, file string
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", zhitong.Invalid("schedule", "上传的文件过大（超过 1 MB），节假日安排通常只有几 KB，请确认是否选错了文件")
		}
		b, err := io.ReadAll(part)
		if err != nil {
			return "", zhitong.Invalid("schedule", "上传的文件过大（超过 1 MB），节假日安排通常只有几 KB，请确认是否选错了文件")
		}
		switch part.FormName() {
		case "schedule":
			text = string(b)
		case "file":
			file = string(b)
		}
	}
	if strings.TrimSpace(file) != "" {
		return file, nil
	}
	return text, nil
}
