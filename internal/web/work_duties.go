package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"zhitong"
	"zhitong/internal/app"
)

// The deputy's duty page (我的值班), made for a phone: today's check-in
// button (进站签到), the next duties, a swap request form and the recent
// history. Check-in works as a plain form post; roster.js adds the phone's
// position when the browser gives it.

type workDutiesData struct {
	*app.DeputyDuties
	Today string
	Form  url.Values
	Error string
	Field string
	Where string // checkin:ID, visit or swap
}

// V is a typed form value.
func (d *workDutiesData) V(key string) string { return d.Form.Get(key) }

// At reports whether the error belongs to the form where.
func (d *workDutiesData) At(where string) bool { return d.Error != "" && d.Where == where }

// Orphan reports whether the error belongs to no form on the page, such as
// a check-in on a duty that is not today's.
func (d *workDutiesData) Orphan() bool {
	if d.Error == "" || d.Where == "swap" || d.Where == "visit" {
		return false
	}
	for _, du := range d.DeputyDuties.Today {
		if d.Where == "checkin:"+workItoa(du.ID) {
			return false
		}
	}
	return true
}

// Bad reports whether the error is about a field of the swap form.
func (d *workDutiesData) Bad(field string) bool { return d.At("swap") && d.Field == field }

// Weekday names the weekday of a day.
func (d *workDutiesData) Weekday(day string) string { return rosterWeekday(day) }

// StatusLabel names a duty status.
func (d *workDutiesData) StatusLabel(s string) string { return zhitong.Label(zhitong.DutyStatuses, s) }

// SwapKind names a swap kind; SwapStatus a swap status.
func (d *workDutiesData) SwapKind(s string) string { return zhitong.Label(zhitong.SwapKinds, s) }

// SwapStatus names a swap status.
func (d *workDutiesData) SwapStatus(s string) string { return zhitong.Label(zhitong.SwapStatuses, s) }

// Clock shows the China time of day of t.
func (d *workDutiesData) Clock(t *time.Time) string { return t.In(zhitong.China).Format("15:04") }

// ID formats an id for a form value.
func (d *workDutiesData) ID(n int64) string { return workItoa(n) }

// Mine lists the deputy's duties they may ask to swap.
func (d *workDutiesData) Mine() []*zhitong.Duty {
	var out []*zhitong.Duty
	for _, du := range d.Upcoming {
		if du.Status == zhitong.DutyPlanned {
			out = append(out, du)
		}
	}
	return out
}

func (h *Handler) workDuties(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	return h.renderDuties(w, r, p, http.StatusOK, url.Values{}, nil, "")
}

func (h *Handler) renderDuties(w http.ResponseWriter, r *http.Request, p zhitong.Principal, status int, form url.Values, fail error, where string) error {
	mine, err := h.app.MyDuties(r.Context(), p)
	if err != nil {
		return err
	}
	d := &workDutiesData{DeputyDuties: mine, Today: h.workToday(), Form: form, Where: where}
	if fail != nil {
		d.Error, d.Field = zhitong.ErrorMessage(fail), zhitong.ErrorField(fail)
	}
	return h.render(w, r, status, "work_duties", "我的值班", d)
}

// dutiesAct runs one form of the deputy's page the way workRosterAct does.
func (h *Handler) dutiesAct(w http.ResponseWriter, r *http.Request, where string, fn func(p zhitong.Principal) (string, error)) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	if err := workParseForm(w, r); err != nil {
		return err
	}
	msg, err := fn(p)
	if err != nil {
		status, ok := rosterFormStatus(r, err)
		if !ok {
			return err
		}
		return h.renderDuties(w, r, p, status, r.PostForm, err, where)
	}
	h.flash(r, msg)
	http.Redirect(w, r, "/work/duties", http.StatusSeeOther)
	return nil
}

// rosterCheckIn reads the optional position roster.js fills in.
func rosterCheckIn(f url.Values) (app.CheckInInput, error) {
	var in app.CheckInInput
	lat, lng := strings.TrimSpace(f.Get("lat")), strings.TrimSpace(f.Get("lng"))
	if lat == "" || lng == "" {
		return in, nil
	}
	x, err1 := strconv.ParseFloat(lat, 64)
	y, err2 := strconv.ParseFloat(lng, 64)
	if err1 != nil || err2 != nil {
		return in, zhitong.Invalid("lat", "位置无效")
	}
	in.Lat, in.Lng = &x, &y
	return in, nil
}

func (h *Handler) workDutiesCheckIn(w http.ResponseWriter, r *http.Request) error {
	return h.dutiesCheckIn(w, r, "checkin:"+r.PathValue("id"), "id", "值班安排", "", h.app.CheckIn)
}

func (h *Handler) workDutiesVisit(w http.ResponseWriter, r *http.Request) error {
	return h.dutiesCheckIn(w, r, "visit", "station", "联络站", "临时", h.app.VisitCheckIn)
}

// dutiesCheckIn posts a check-in on the duty, or at the station, that the
// path value or form field key names.
func (h *Handler) dutiesCheckIn(w http.ResponseWriter, r *http.Request, where, key, label, kind string,
	op func(context.Context, zhitong.Principal, int64, app.CheckInInput) (*zhitong.Duty, error)) error {
	return h.dutiesAct(w, r, where, func(p zhitong.Principal) (string, error) {
		v := r.PathValue(key)
		if v == "" {
			v = r.PostForm.Get(key)
		}
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return "", zhitong.Errorf(zhitong.ENOTFOUND, "%s不存在", label)
		}
		in, err := rosterCheckIn(r.PostForm)
		if err != nil {
			return "", err
		}
		d, err := op(r.Context(), p, id, in)
		if err != nil {
			return "", err
		}
		return "已在" + d.StationName + kind + "进站签到", nil
	})
}

func (h *Handler) workDutiesSwap(w http.ResponseWriter, r *http.Request) error {
	return h.dutiesAct(w, r, "swap", func(p zhitong.Principal) (string, error) {
		f := r.PostForm
		in := app.SwapInput{Kind: f.Get("kind"), Reason: f.Get("reason")}
		var err error
		if in.DutyID, err = workID(f.Get("duty_id"), "duty_id", "要调换的值班"); err != nil {
			return "", err
		}
		if in.Kind == zhitong.SwapExchange {
			if in.TargetDutyID, err = workID(f.Get("target_duty_id"), "target_duty_id", "对方的值班"); err != nil {
				return "", err
			}
		} else if in.TargetDeputyID, err = workID(f.Get("target_deputy_id"), "target_deputy_id", "代班代表"); err != nil {
			return "", err
		}
		if in.DutyID == 0 {
			return "", zhitong.Invalid("duty_id", "请选择要调换的值班")
		}
		sw, err := h.app.RequestSwap(r.Context(), p, in)
		if err != nil {
			return "", err
		}
		return "已提交" + zhitong.Label(zhitong.SwapKinds, sw.Kind) + "申请，等待工作人员审批", nil
	})
}

// rosterQueue is the deputy's workbench entry to their duties: today's and
// the coming ones.
func (h *Handler) rosterQueue(ctx context.Context, p zhitong.Principal) ([]workQueue, error) {
	if p.DeputyID == 0 {
		return nil, nil
	}
	mine, err := h.app.MyDuties(ctx, p)
	if err != nil {
		return nil, err
	}
	q := workQueue{Label: "我的值班", Hint: "值班安排、进站签到、换班申请", Link: "/work/duties", Count: len(mine.Today) + len(mine.Upcoming)}
	for _, d := range mine.Today {
		if d.Status == zhitong.DutyPlanned {
			q.Hint, q.Tone = "今天在"+d.StationName+"值班，请进站签到", "soon"
		}
	}
	booked, err := h.app.Appointments(ctx, p, app.AppointmentQuery{DeputyID: p.DeputyID, Status: zhitong.AppointmentBooked})
	if err != nil {
		return nil, err
	}
	b := workQueue{Label: "我的预约", Hint: "群众预约我接待的时段", Link: "/work/appointments", Count: len(booked)}
	return []workQueue{q, b}, nil
}
