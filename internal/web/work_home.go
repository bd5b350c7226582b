package web

import (
	"net/http"
	"net/url"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/store"
)

// workQueue is one work workQueue on the landing page: a saved search with its count.
type workQueue struct {
	Label string
	Hint  string
	Tone  string // "", "soon" or "overdue": how urgent the workQueue is
	Query url.Values
	Link  string // a page other than the case list
	Count int
	More  bool // the list counted more than store.ListCountCap: Count is the cap
}

// URL is the case list that shows the queue.
func (q workQueue) URL() string {
	if q.Link != "" {
		return q.Link
	}
	if len(q.Query) == 0 {
		return "/work/cases"
	}
	return "/work/cases?" + q.Query.Encode()
}

func newWorkQueue(label, hint, tone string, kv ...string) workQueue {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return workQueue{Label: label, Hint: hint, Tone: tone, Query: v}
}

// workQueuesFor lists the queues a role works from, most urgent work first.
func workQueuesFor(role zhitong.Role) []workQueue {
	soon := newWorkQueue("即将到期", "3 个工作日内到期的在办案件", "soon", "soon", "1", "sort", "due")
	overdue := newWorkQueue("已逾期", "超过办理期限仍未答复", "overdue", "overdue", "1", "sort", "due")
	extensions := newWorkQueue("延期待批", "承办单位的延期申请，等待审批", "", "ext", "1")
	switch role {
	case zhitong.RoleOfficer, zhitong.RoleStationHead, zhitong.RoleCommittee:
		out := []workQueue{
			newWorkQueue("待登记", "线上、热线等渠道提交，等待登记分类", "", "status", "submitted", "sort", "oldest"),
			newWorkQueue("待分流", "已登记或被退回，等待交办、解答、转办", "", "status", "registered", "status", "returned", "sort", "oldest"),
			soon, overdue,
		}
		if role != zhitong.RoleStationHead {
			out = append(out, extensions)
		}
		return append(out,
			newWorkQueue("不满意", "群众不满意，等待研判：重办或说明后办结", "overdue", "status", "unsatisfied", "sort", "updated"))
	case zhitong.RoleUnit:
		return []workQueue{
			newWorkQueue("待签收", "交给本单位、尚未签收的案件", "", "pending", "1", "sort", "due"),
			newWorkQueue("办理中", "已签收，正在办理", "", "status", "in_progress", "sort", "due"),
			soon, overdue,
			newWorkQueue("已退回", "本单位退回、等待重新交办", "", "status", "returned"),
			newWorkQueue("延期申请中", "已申请延期，等待审批", "", "ext", "1"),
			newWorkQueue("待提交协办意见", "本单位协办、尚未向主办单位提交意见", "", "coop", "1", "sort", "due"),
		}
	case zhitong.RoleDeputy:
		return []workQueue{
			newWorkQueue("我收集的全部意见", "我接待登记或进站收集的意见建议", ""),
			newWorkQueue("待分流", "等待联络员登记、交办", "", "status", "submitted", "status", "registered", "status", "returned"),
			newWorkQueue("办理中", "已交办承办单位", "", "status", "assigned", "status", "in_progress"),
			newWorkQueue("已答复", "等待群众评价", "", "status", "replied"),
		}
	}
	return nil
}

// workStatusRow is one line of the by-status overview.
type workStatusRow struct {
	Status zhitong.Status
	Label  string
	Count  int
	More   bool // more than store.StatusCountCap: Count is the cap
}

type workHomeData struct {
	Role      zhitong.Role
	Queues    []workQueue
	ByStatus  []workStatusRow
	Total     int
	More      bool // a status counted more than store.StatusCountCap: Total is at least this
	ReadOnly  bool
	Admin     bool
	Quick     *workIntakeData // the deputy's quick "answered on the spot" form
	CheckIn   string          // the deputy's duty today, not yet checked in
	DueSoonBy string
	Start     []startStep       // first steps of a new deployment, for committee staff and officers
	System    *app.SystemStatus // the system administrator's status board
}

func (h *Handler) workHome(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	d := workHomeData{Role: p.Role}
	switch p.Role {
	case zhitong.RoleSysAdmin, zhitong.RoleSecAdmin:
		d.Admin = true
		if p.Role == zhitong.RoleSysAdmin {
			if d.System, err = h.app.SystemStatus(ctx, p); err != nil {
				return err
			}
		}
		return h.render(w, r, http.StatusOK, "work_home", "工作台", d)
	case zhitong.RoleAnalyst, zhitong.RoleAuditor, zhitong.RoleIntegration:
		d.ReadOnly = true
	}
	if d.DueSoonBy, err = h.workDueSoonBy(); err != nil {
		return err
	}
	count := func(v url.Values) (int, error) {
		in, err := h.workListInput(v)
		if err != nil {
			return 0, err
		}
		in.CountOnly = true
		_, n, err := h.app.List(ctx, p, in)
		return n, err
	}

	if d.Start, err = h.startSteps(ctx, p); err != nil {
		return err
	}
	d.Queues = workQueuesFor(p.Role)
	for i := range d.Queues {
		if d.Queues[i].Count, err = count(d.Queues[i].Query); err != nil {
			return err
		}
	}
	tasks, err := h.taskQueues(ctx, p)
	if err != nil {
		return err
	}
	d.Queues = append(d.Queues, tasks...)
	if p.Role == zhitong.RoleCommittee || d.ReadOnly {
		counts, err := h.app.CountByStatus(ctx, p)
		if err != nil {
			return err
		}
		for _, s := range zhitong.Statuses {
			n, more := counts[s.Value], false
			if n > store.StatusCountCap {
				n, more, d.More = store.StatusCountCap, true, true
			}
			d.ByStatus = append(d.ByStatus, workStatusRow{Status: s.Value, Label: s.Label, Count: n, More: more})
			d.Total += n
		}
		if d.ReadOnly {
			d.Queues = []workQueue{newWorkQueue("即将到期", "3 个工作日内到期的在办案件", "soon", "soon", "1", "sort", "due"),
				newWorkQueue("已逾期", "超过办理期限仍未答复", "overdue", "overdue", "1", "sort", "due")}
			for i := range d.Queues {
				if d.Queues[i].Count, err = count(d.Queues[i].Query); err != nil {
					return err
				}
			}
		}
	}
	if p.Role == zhitong.RoleDeputy {
		rf, err := h.loadWorkRefs(ctx, p, p.RegionCode)
		if err != nil {
			return err
		}
		d.Quick = &workIntakeData{Refs: rf, Form: url.Values{"station_id": {workItoa(rf.deputyStation(p.DeputyID))}}, Me: p}
		q, err := h.rosterQueue(ctx, p)
		if err != nil {
			return err
		}
		d.Queues = append(q, d.Queues...)
		if len(q) > 0 && q[0].Tone == "soon" {
			d.CheckIn = q[0].Hint
		}
	}
	for i := range d.Queues {
		if q := &d.Queues[i]; q.Count > store.ListCountCap {
			q.Count, q.More = store.ListCountCap, true // the list's (or the task queue's) count stopped at the cap plus one
		}
	}
	return h.render(w, r, http.StatusOK, "work_home", "工作台", d)
}
