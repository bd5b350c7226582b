package web

import (
	"context"
	"net/http"
	"net/url"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/store"
)

type workTasksData struct {
	Callbacks []app.CallbackItem
	FollowUps []app.FollowUpItem
	Results   []zhitong.Named[string]
	Form      url.Values // the follow-up form that was refused, if any
	FormID    int64
	Error     string
	Pager     pager
}

// tasksPerPage is the call-back and follow-up queues' page size.
const tasksPerPage = 50

func (h *Handler) workCallbacks(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	pg, err := h.app.Callbacks(r.Context(), p, pageInput(r, tasksPerPage))
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "work_tasks", "待回访", workTasksData{Callbacks: pg.Items, Pager: pagerOf(r, pg)})
}

func (h *Handler) workFollowUps(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	return h.renderFollowUps(w, r, p, http.StatusOK, workTasksData{})
}

func (h *Handler) renderFollowUps(w http.ResponseWriter, r *http.Request, p zhitong.Principal, status int, d workTasksData) error {
	pg, err := h.app.FollowUps(r.Context(), p, pageInput(r, tasksPerPage))
	if err != nil {
		return err
	}
	d.FollowUps, d.Pager, d.Results = pg.Items, pagerOf(r, pg), app.FollowUpResults
	return h.render(w, r, status, "work_tasks", "待跟踪问效", d)
}

func (h *Handler) workRecordFollowUp(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	id, err := workPathID(r)
	if err != nil {
		return err
	}
	if err := workParseForm(w, r); err != nil {
		return err
	}
	in := app.FollowUpInput{Result: r.PostForm.Get("result"), Note: r.PostForm.Get("note"), NextDate: r.PostForm.Get("next_date")}
	_, err = h.app.RecordFollowUp(r.Context(), p, id, in)
	if zhitong.ErrorCode(err) == zhitong.EINVALID {
		return h.renderFollowUps(w, r, p, http.StatusBadRequest, workTasksData{Form: r.PostForm, FormID: id, Error: zhitong.ErrorMessage(err)})
	}
	if err != nil {
		return err
	}
	h.flash(r, "已记录跟踪问效结果")
	http.Redirect(w, r, "/work/follow-ups", http.StatusSeeOther)
	return nil
}

// taskQueues are the home-page queues of call-backs, follow-ups and the
// supervision list, for the roles that work them.
func (h *Handler) taskQueues(ctx context.Context, p zhitong.Principal) ([]workQueue, error) {
	if !p.May(zhitong.ActionView) {
		return nil, nil
	}
	_, sv, err := h.app.SupervisionList(ctx, p, app.SupervisionListInput{CountOnly: true})
	if err != nil {
		return nil, err
	}
	supervised := workQueue{Label: "督办清单", Hint: "逾期或正在督办的在办案件", Tone: "overdue", Link: "/work/supervision", Count: sv}
	if !p.May(zhitong.ActionCallback) {
		return []workQueue{supervised}, nil
	}
	cb, err := h.app.CallbackCount(ctx, p)
	if err != nil {
		return nil, err
	}
	fu, err := h.app.FollowUpCount(ctx, p)
	if err != nil {
		return nil, err
	}
	// Counted up to the cap plus one: the home shows "1000+".
	return []workQueue{
		{Label: "待回访", Hint: "答复送达后群众未在线评价，需电话回访", Link: "/work/callbacks", Count: min(cb, store.TaskCountCap), More: cb > store.TaskCountCap},
		{Label: "待跟踪问效", Hint: "B、C 类答复到了承诺日期，需跟踪落实", Link: "/work/follow-ups", Count: min(fu, store.TaskCountCap), More: fu > store.TaskCountCap},
		supervised,
	}, nil
}
