package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"zhitong"
	"zhitong/internal/app"
)

// The staff roster page (轮值表): a station's month of reception days with
// the deputies on duty, the generate form, edits by hand, 补登 and excuses,
// and the station's pending swap requests. Every form posts back here; an
// error re-renders the month with the message next to the form that sent it.

type workRosterData struct {
	Stations []zhitong.Station
	Station  zhitong.Station
	Deputies []zhitong.Deputy
	Month    string // YYYY-MM
	Prev     string
	Next     string
	Today    string
	Days     []app.RosterDay
	Swaps    []*zhitong.DutySwap
	Bookings map[int64]int // swap id → bookings its approval hands over
	Form     url.Values
	Error    string
	Field    string
	Where    string // which form the error belongs to: generate, add:DAY, duty:ID, swap:ID
}

// V is a typed form value.
func (d *workRosterData) V(key string) string { return d.Form.Get(key) }

// At reports whether the error belongs to the form named where.
func (d *workRosterData) At(where string) bool { return d.Error != "" && d.Where == where }

// Bad reports whether the error is about field of the form where.
func (d *workRosterData) Bad(where, field string) bool { return d.At(where) && d.Field == field }

// Past reports whether day has passed.
func (d *workRosterData) Past(day string) bool { return day < d.Today }

// Weekday names the weekday of a day.
func (d *workRosterData) Weekday(day string) string { return rosterWeekday(day) }

// StatusLabel names a duty status.
func (d *workRosterData) StatusLabel(s string) string { return zhitong.Label(zhitong.DutyStatuses, s) }

// SwapKind names a swap kind.
func (d *workRosterData) SwapKind(s string) string { return zhitong.Label(zhitong.SwapKinds, s) }

// ID formats an id for a form value.
func (d *workRosterData) ID(n int64) string { return workItoa(n) }

func rosterWeekday(day string) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return ""
	}
	return [...]string{"星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"}[t.Weekday()]
}

func (h *Handler) workRoster(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	return h.renderRoster(w, r, p, http.StatusOK, r.URL.Query(), nil, "")
}

// renderRoster shows the month q selects, with err (if any) next to the
// form where.
func (h *Handler) renderRoster(w http.ResponseWriter, r *http.Request, p zhitong.Principal, status int, q url.Values, fail error, where string) error {
	ctx := r.Context()
	stations, err := h.app.RosterStations(ctx, p)
	if err != nil {
		return err
	}
	d := &workRosterData{Stations: stations, Today: h.workToday(), Form: q, Where: where}
	if fail != nil {
		d.Error, d.Field = zhitong.ErrorMessage(fail), zhitong.ErrorField(fail)
	}
	month, err := time.Parse("2006-01", q.Get("month"))
	if err != nil {
		month, _ = time.Parse("2006-01", d.Today[:7])
	}
	d.Month, d.Prev, d.Next = month.Format("2006-01"), month.AddDate(0, -1, 0).Format("2006-01"), month.AddDate(0, 1, 0).Format("2006-01")
	if len(stations) == 0 {
		return h.render(w, r, status, "work_roster", "轮值排班", d)
	}
	id, _ := strconv.ParseInt(q.Get("station"), 10, 64)
	d.Station = stations[0]
	for _, st := range stations {
		if st.ID == id {
			d.Station = st
		}
	}
	first, last := month.Format(time.DateOnly), month.AddDate(0, 1, -1).Format(time.DateOnly)
	if d.Days, err = h.app.Roster(ctx, p, d.Station.ID, first, last); err != nil {
		return err
	}
	if d.Deputies, err = h.app.RosterDeputies(ctx, p, d.Station.ID); err != nil {
		return err
	}
	if d.Swaps, err = h.app.Swaps(ctx, p, app.SwapQuery{StationID: d.Station.ID, Status: zhitong.SwapPending}); err != nil {
		return err
	}
	d.Bookings = map[int64]int{}
	for _, sw := range d.Swaps {
		if d.Bookings[sw.ID], err = h.app.SwapBookings(ctx, sw); err != nil {
			return err
		}
	}
	if d.V("from") == "" {
		d.Form = rosterClone(q)
		d.Form.Set("from", max(first, d.Today))
		d.Form.Set("to", last)
	}
	return h.render(w, r, status, "work_roster", "轮值排班 · "+d.Station.Name, d)
}

// rosterFormStatus is the status to re-render a form with after err, and
// whether err is one the form shows (invalid input or a conflict) rather
// than an error page.
func rosterFormStatus(r *http.Request, err error) (int, bool) {
	switch zhitong.ErrorCode(err) {
	case zhitong.EINVALID:
		return workSwapStatus(r, http.StatusBadRequest), true
	case zhitong.ECONFLICT:
		return workSwapStatus(r, http.StatusConflict), true
	}
	return 0, false
}

func rosterClone(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// workRosterAct runs one roster form: on success it flashes msg and goes
// back to the month; a user error re-renders the month with the message.
func (h *Handler) workRosterAct(fn func(r *http.Request, p zhitong.Principal) (msg, where string, err error)) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := h.staff(r)
		if err != nil {
			return err
		}
		if err := workParseForm(w, r); err != nil {
			return err
		}
		f := r.PostForm
		back := url.Values{"station": {f.Get("station")}, "month": {f.Get("month")}}
		msg, where, err := fn(r, p)
		if err != nil {
			status, ok := rosterFormStatus(r, err)
			if !ok {
				return err
			}
			return h.renderRoster(w, r, p, status, rosterClone(f), err, where)
		}
		h.flash(r, msg)
		http.Redirect(w, r, "/work/roster?"+back.Encode(), http.StatusSeeOther)
		return nil
	}
}

func (h *Handler) workRosterGenerate(r *http.Request, p zhitong.Principal) (string, string, error) {
	f := r.PostForm
	station, err := workID(f.Get("station"), "station", "联络站")
	if err != nil {
		return "", "generate", err
	}
	perDay, err := workInt(f.Get("per_day"), "per_day", "每天值班人数")
	if err != nil {
		return "", "generate", err
	}
	plan, err := h.app.GenerateRoster(r.Context(), p, station, f.Get("from"), f.Get("to"), perDay)
	if err != nil {
		return "", "generate", err
	}
	return "已生成 " + plan.From + " 至 " + plan.To + " 的轮值表：" + strconv.Itoa(plan.Days) + " 个接待日，安排 " + strconv.Itoa(plan.Planned) +
		" 人次，保留已签到、缺席、请假记录 " + strconv.Itoa(plan.Kept) + " 条", "generate", nil
}

func (h *Handler) workRosterAdd(r *http.Request, p zhitong.Principal) (string, string, error) {
	f := r.PostForm
	where := "add:" + f.Get("day")
	station, err := workID(f.Get("station"), "station", "联络站")
	if err != nil {
		return "", where, err
	}
	deputy, err := workID(f.Get("deputy_id"), "deputy_id", "代表")
	if err != nil {
		return "", where, err
	}
	d, err := h.app.AddDuty(r.Context(), p, station, deputy, f.Get("day"))
	if err != nil {
		return "", where, err
	}
	return "已安排" + d.DeputyName + "于 " + d.Day + " 值班", where, nil
}

func (h *Handler) workRosterDuty(r *http.Request, p zhitong.Principal) (string, string, error) {
	f := r.PostForm
	where := "duty:" + r.PathValue("id")
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return "", where, zhitong.Errorf(zhitong.ENOTFOUND, "值班安排不存在")
	}
	ctx := r.Context()
	switch r.PathValue("action") {
	case "remove":
		return "已取消该值班安排", where, h.app.RemoveDuty(ctx, p, id)
	case "replace":
		deputy, err := workID(f.Get("deputy_id"), "deputy_id", "代表")
		if err != nil {
			return "", where, err
		}
		d, err := h.app.ReplaceDuty(ctx, p, id, deputy)
		if err != nil {
			return "", where, err
		}
		return d.Day + " 改由" + d.DeputyName + "值班", where, nil
	case "check-in":
		d, err := h.app.CheckIn(ctx, p, id, app.CheckInInput{Note: f.Get("note")})
		if err != nil {
			return "", where, err
		}
		return "已为" + d.DeputyName + "补登 " + d.Day + " 的进站签到", where, nil
	case "excuse":
		d, err := h.app.ExcuseDuty(ctx, p, id, f.Get("reason"))
		if err != nil {
			return "", where, err
		}
		return "已登记" + d.DeputyName + " " + d.Day + " 请假", where, nil
	}
	return "", where, zhitong.Errorf(zhitong.ENOTFOUND, "页面不存在")
}

func (h *Handler) workRosterSwap(r *http.Request, p zhitong.Principal) (string, string, error) {
	where := "swap:" + r.PathValue("id")
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return "", where, zhitong.Errorf(zhitong.ENOTFOUND, "换班申请不存在")
	}
	action := r.PathValue("action")
	if action != "approve" && action != "reject" {
		return "", where, zhitong.Errorf(zhitong.ENOTFOUND, "页面不存在")
	}
	sw, sync, err := h.app.DecideSwap(r.Context(), p, id, action == "approve", r.PostForm.Get("note"))
	if err != nil {
		return "", where, err
	}
	return sw.DeputyName + "的" + zhitong.Label(zhitong.SwapKinds, sw.Kind) + "申请" + zhitong.Label(zhitong.SwapStatuses, sw.Status) + rosterSyncNote(sync), where, nil
}
