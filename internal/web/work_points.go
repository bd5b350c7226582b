package web

import (
	"net/http"
	"net/url"
	"strconv"

	"zhitong"
	"zhitong/internal/app"
)

// The duty-point pages: rankings and rules (履职积分), the inactivity list
// (约谈提醒).

type workPointsData struct {
	Rankings     *app.Rankings
	Rules        []zhitong.PointRule
	InactiveDays int
	Me           zhitong.Principal
	Error, Field string
}

// EventLabel names a point event.
func (d *workPointsData) EventLabel(e zhitong.PointEvent) string {
	return zhitong.Label(zhitong.PointEvents, e)
}

// Periods lists the cap periods.
func (d *workPointsData) Periods() []zhitong.Named[string] { return zhitong.PointPeriods }

// Configure reports whether the person may change the rules.
func (d *workPointsData) Configure() bool { return d.Me.Role == zhitong.RoleCommittee }

func (h *Handler) workPoints(w http.ResponseWriter, r *http.Request) error {
	return h.workPointsPage(w, r, http.StatusOK, nil)
}

// workPointsPage renders the page, with a form error when ferr is one.
func (h *Handler) workPointsPage(w http.ResponseWriter, r *http.Request, status int, ferr error) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	d := &workPointsData{Me: p}
	if ferr != nil {
		d.Error, d.Field = zhitong.ErrorMessage(ferr), zhitong.ErrorField(ferr)
	}
	if d.Rankings, err = h.app.Rankings(r.Context(), p, q.Get("from"), q.Get("to")); err != nil {
		return err
	}
	if d.Rules, err = h.app.PointRules(r.Context()); err != nil {
		return err
	}
	if d.InactiveDays, err = h.app.InactiveDays(r.Context()); err != nil {
		return err
	}
	return h.render(w, r, workSwapStatus(r, status), "work_points", "履职积分", d)
}

// workPointsWrite runs a change from the points page and shows the page
// again, with the error in place when the input was refused.
func (h *Handler) workPointsWrite(op func(r *http.Request, p zhitong.Principal) (string, error)) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := h.staff(r)
		if err != nil {
			return err
		}
		if err := workParseForm(w, r); err != nil {
			return err
		}
		msg, err := op(r, p)
		if zhitong.ErrorCode(err) == zhitong.EINVALID {
			return h.workPointsPage(w, r, http.StatusBadRequest, err)
		} else if err != nil {
			return err
		}
		h.flash(r, msg)
		http.Redirect(w, r, "/work/points", http.StatusSeeOther)
		return nil
	}
}

func (h *Handler) workPointRule(r *http.Request, p zhitong.Principal) (string, error) {
	f := r.PostForm
	var in app.RuleInput
	var err error
	if in.Points, err = workInt(f.Get("points"), "points", "分值"); err != nil {
		return "", err
	}
	if in.Cap, err = workInt(f.Get("cap"), "cap", "上限"); err != nil {
		return "", err
	}
	in.Period = f.Get("period")
	event := zhitong.PointEvent(r.PathValue("event"))
	if _, err := h.app.SetPointRule(r.Context(), p, event, in); err != nil {
		return "", err
	}
	return "已修改“" + zhitong.Label(zhitong.PointEvents, event) + "”的积分规则，已按新规则重算全部代表的积分台账", nil
}

func (h *Handler) workRecompute(r *http.Request, p zhitong.Principal) (string, error) {
	res, err := h.app.Recompute(r.Context(), p)
	if err != nil {
		return "", err
	}
	return "已重算 " + strconv.Itoa(res.Deputies) + " 位代表的积分台账，共 " + strconv.Itoa(res.Entries) + " 条、" + strconv.Itoa(res.Points) + " 分", nil
}

func (h *Handler) workPointSettings(r *http.Request, p zhitong.Principal) (string, error) {
	days, err := workInt(r.PostForm.Get("inactive_days"), "days", "天数")
	if err != nil {
		return "", err
	}
	if err := h.app.SetInactiveDays(r.Context(), p, days); err != nil {
		return "", err
	}
	return "约谈提醒天数已设为 " + strconv.Itoa(days) + " 天", nil
}

type workInactiveData struct {
	List  *app.InactiveList
	Refs  *workRefs
	Error string
}

func (h *Handler) workInactive(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	d := &workInactiveData{}
	days, err := workInt(r.URL.Query().Get("days"), "days", "天数")
	if err == nil {
		d.List, err = h.app.Inactive(r.Context(), p, days)
	}
	if zhitong.ErrorCode(err) == zhitong.EINVALID {
		d.Error = zhitong.ErrorMessage(err)
		d.List, err = h.app.Inactive(r.Context(), p, 0)
	}
	if err != nil {
		return err
	}
	if d.Refs, err = h.loadWorkRefs(r.Context(), p, p.RegionCode); err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "work_inactive", "约谈提醒", d)
}

// workRankTable is one ranking as a template gets it.
type workRankTable struct {
	Rows     []app.RankRow
	Deputies bool
}

// RankTable wraps a ranking for the work_rank template.
func (d *workPointsData) RankTable(rows []app.RankRow, deputies bool) workRankTable {
	return workRankTable{Rows: rows, Deputies: deputies}
}

// workRemind sends a deputy of the inactivity list a reminder (约谈提醒).
func (h *Handler) workRemind(w http.ResponseWriter, r *http.Request) error {
	p, id, err := h.workDeputyPost(w, r)
	if err != nil {
		return err
	}
	rem, err := h.app.RemindDeputy(r.Context(), p, id, app.ReminderInput{Note: r.PostForm.Get("note")})
	if zhitong.ErrorCode(err) == zhitong.ECONFLICT { // already reminded today: say when, send nothing
		h.flash(r, zhitong.ErrorMessage(err))
		http.Redirect(w, r, "/work/inactive?days="+url.QueryEscape(r.PostForm.Get("days")), http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	msg := "已发送约谈提醒（通知 " + strconv.Itoa(rem.Notices) + " 条：有登录账号的发站内通知，没有的发短信）"
	if rem.Notices == 0 {
		msg = "已登记约谈提醒；该代表既没有登录账号也没有登记手机号，未能发送通知，请电话联系，或在代表档案中补登手机号"
	}
	h.flash(r, msg)
	http.Redirect(w, r, "/work/inactive?days="+r.PostForm.Get("days"), http.StatusSeeOther)
	return nil
}
