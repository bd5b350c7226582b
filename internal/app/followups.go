package app

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"zhitong"
	"zhitong/internal/store"
)

// CreateFollowUps opens a follow-up task (跟踪问效) for each case whose
// latest reply is B (in progress) or C (planned) once its promised date has
// come: the reply's planned date, or for a B reply without one, the
// policy's number of days after it. A case that got another reply since, or
// was closed with an explanation, gets none (checked again in the
// transaction). Running it again changes nothing.
func (a *App) CreateFollowUps(ctx context.Context) (int, error) {
	today := a.today()
	// A B reply without a planned date is due FollowUpDays after its day:
	// given before the first instant of the day after today minus those days.
	before := store.FormatTime(time.Date(today.Year(), today.Month(), today.Day()-a.policy().FollowUpDays+1, 0, 0, 0, 0, zhitong.China))
	scan := followUpScan{Day: today.Format(time.DateOnly), Before: before, At: store.FormatTime(a.clock.Now())}
	window, err := a.followUpWindow(ctx, scan)
	if err != nil {
		return 0, err
	}
	cands, err := store.ListFollowUpCandidates(ctx, a.db, scan.Day, before, window)
	if err != nil {
		return 0, err
	}
	n, fails := 0, itemErrors{a: a, step: "follow-ups"}
	for _, cand := range cands {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		due := civilDay(cand.At).AddDate(0, 0, a.policy().FollowUpDays)
		if d, err := time.Parse(time.DateOnly, cand.PlannedDate); err == nil {
			due = d
		}
		if today.Before(due) {
			continue
		}
		f := &store.FollowUp{CaseID: cand.CaseID, ReplyID: cand.ReplyID, DueDate: due.Format(time.DateOnly), CreatedAt: a.clock.Now()}
		note := fmt.Sprintf("答复为%s，承诺日期 %s 已到，生成跟踪问效任务", zhitong.Label(zhitong.Outcomes, cand.Outcome), f.DueDate)
		added, err := a.addFollowUp(ctx, f, System, note)
		if err != nil {
			fails.add("case", cand.CaseID, err)
			continue
		}
		if added {
			n++
		}
	}
	if len(fails.errs) == 0 {
		// Everything due by now was handled: the next scan starts here.
		if err := a.db.Write(ctx, func(tx *store.Tx) error { return tx.SetMeta(ctx, followUpScanKey, scan.String()) }); err != nil {
			return n, err
		}
	}
	return n, fails.err()
}

// followUpScanKey names the meta row recording the last follow-up scan
// that left nothing behind.
const followUpScanKey = "sweep.follow_ups"

// followUpScan is a follow-up scan's "now": the day, the before timestamp
// of replies without a planned date and the time it ran.
type followUpScan struct {
	Day    string `json:"day"`
	Before string `json:"before"`
	At     string `json:"at"`
}

func (s followUpScan) String() string {
	b, _ := json.Marshal(s)
	return string(b)
}

// followUpMargin is how far back of the last clean scan a scan reads again:
// a reply is stamped a little before its transaction commits, and clocks
// are corrected. A day of replies is what a scan reads at the least.
const followUpMargin = 24 * time.Hour

// followUpWindow is the part of the history a follow-up scan must read
// (docs/operations.md, Deadline sweep): what can have come due since the
// last scan that left nothing behind, less followUpMargin: a planned date
// after its day, a reply without one given after its before — a reply not
// due then was given after it, whatever the policy's follow-up days are now
// — and any reply given since it ran. The whole history when there was no
// such scan or it ran later than now (a sweep --at a later day).
func (a *App) followUpWindow(ctx context.Context, now followUpScan) (store.FollowUpWindow, error) {
	v, err := store.GetMeta(ctx, a.db, followUpScanKey)
	if err != nil || v == "" {
		return store.FollowUpWindow{}, err
	}
	var last followUpScan
	if json.Unmarshal([]byte(v), &last) != nil || store.ParseTime(last.At).After(store.ParseTime(now.At)) || last.Day > now.Day {
		return store.FollowUpWindow{}, nil
	}
	day, err := time.Parse(time.DateOnly, last.Day)
	if err != nil {
		return store.FollowUpWindow{}, nil
	}
	back := func(ts string) string { return store.FormatTime(store.ParseTime(ts).Add(-followUpMargin)) }
	return store.FollowUpWindow{SinceDay: day.Add(-followUpMargin).Format(time.DateOnly), SinceBefore: back(last.Before), SinceAt: back(last.At)}, nil
}

// addFollowUp stores f with an event and audit entry in one transaction.
func (a *App) addFollowUp(ctx context.Context, f *store.FollowUp, p zhitong.Principal, note string) (bool, error) {
	added := false
	err := a.db.Write(ctx, func(tx *store.Tx) error {
		c, err := store.GetCase(ctx, tx, f.CaseID)
		if err != nil {
			return err
		}
		if live, err := followUpLive(ctx, tx, c, f.ReplyID); err != nil || !live {
			return err
		}
		if added, err = tx.InsertFollowUp(ctx, f); err != nil || !added {
			return err
		}
		return a.followUpEvent(ctx, tx, c, p, followUpLog{note: note})
	})
	return added, err
}

// followUpLog is what a follow-up step writes on its case: the event's
// note, its public text for the citizen (may be empty), and more audit detail.
type followUpLog struct {
	note, public string
	detail       map[string]any
}

func (a *App) followUpEvent(ctx context.Context, tx *store.Tx, c *store.CaseRecord, p zhitong.Principal, l followUpLog) error {
	ev := &zhitong.Event{CaseID: c.ID, At: a.clock.Now(), ActorID: p.UserID, ActorName: actorName(p), Action: zhitong.ActionSupervise,
		FromStatus: c.Status, ToStatus: c.Status, Note: "跟踪问效：" + l.note, Public: l.public}
	if p.Role == "" {
		ev.ActorName = "系统"
	}
	if err := tx.InsertEvent(ctx, ev); err != nil {
		return err
	}
	detail := map[string]any{"code": c.Code, "note": l.note}
	for k, v := range l.detail {
		detail[k] = v
	}
	return a.audit(ctx, tx, p, "case.follow_up", "case:"+strconv.FormatInt(c.ID, 10), detail)
}

// FollowUpInput records the result of a follow-up.
type FollowUpInput struct {
	Result   string `json:"result"`    // solved, progress, ended
	Note     string `json:"note"`      // what was found; the reason when ended
	NextDate string `json:"next_date"` // progress: when to follow up again, YYYY-MM-DD
}

// FollowUpResults are the outcomes of a follow-up.
var FollowUpResults = []zhitong.Named[string]{
	{Value: "solved", Label: "已解决"}, {Value: "progress", Label: "仍在推进，继续跟踪"}, {Value: "ended", Label: "说明理由后结束跟踪"},
}

// RecordFollowUp closes an open follow-up task with its result: solved ends
// the follow-up and makes the case's current outcome A (the B or C reply
// stays as it was), progress sets the next date, ended needs a reason.
func (a *App) RecordFollowUp(ctx context.Context, p zhitong.Principal, id int64, in FollowUpInput) (*FollowUpItem, error) {
	if !zhitong.Valid(FollowUpResults, in.Result) {
		return nil, zhitong.Invalid("result", "跟踪结果应为已解决、继续跟踪或结束跟踪")
	}
	least := 0
	if in.Result == "ended" {
		least = 2
	}
	if err := checkLen("note", "跟踪情况", in.Note, least, maxNote); err != nil {
		return nil, err
	}
	var next time.Time
	if in.Result == "progress" {
		d, err := parseDate("next_date", in.NextDate)
		if err != nil {
			return nil, err
		}
		if !d.After(a.today()) {
			return nil, zhitong.Invalid("next_date", "下次跟踪日期应晚于今天")
		}
		next = d
	}
	var out *FollowUpItem
	err := a.db.Write(ctx, func(tx *store.Tx) error {
		f, err := store.GetFollowUp(ctx, tx, id)
		if err != nil {
			return err
		}
		c, err := store.GetCase(ctx, tx, f.CaseID)
		if err != nil {
			return err
		}
		if err := a.authorize(ctx, tx, p, zhitong.ActionCallback, c); err != nil {
			return err
		}
		if f.State != "open" {
			return zhitong.Errorf(zhitong.ECONFLICT, "该跟踪问效任务已结束")
		}
		if live, err := followUpLive(ctx, tx, c, f.ReplyID); err != nil {
			return err
		} else if !live {
			return zhitong.Errorf(zhitong.ECONFLICT, "案件已有新的答复或已说明理由办结，该跟踪问效任务不再适用")
		}
		f.State, f.Result, f.Note, f.DoneAt, f.DoneBy = "done", in.Result, strings.TrimSpace(in.Note), a.clock.Now(), p.UserID
		if err := tx.UpdateFollowUp(ctx, f); err != nil {
			return err
		}
		l, err := a.followUpResult(ctx, tx, f)
		if err != nil {
			return err
		}
		if !next.IsZero() {
			nf := &store.FollowUp{CaseID: c.ID, ReplyID: f.ReplyID, DueDate: next.Format(time.DateOnly), CreatedAt: a.clock.Now()}
			if _, err := tx.InsertFollowUp(ctx, nf); err != nil {
				return err
			}
			l.note += "；下次跟踪 " + nf.DueDate
		}
		out = &FollowUpItem{CaseSummary: a.summary(c), ID: f.ID, DueDate: f.DueDate, State: f.State, Result: f.Result, Note: f.Note}
		return a.followUpEvent(ctx, tx, c, p, l)
	})
	return out, err
}

// followUpResult words a recorded follow-up for the case's event and audit.
// Solved records the case's current outcome as A: the event and audit say
// from which class, and the citizen sees it on the tracking page.
func (a *App) followUpResult(ctx context.Context, tx *store.Tx, f *store.FollowUp) (followUpLog, error) {
	l := followUpLog{note: zhitong.Label(FollowUpResults, f.Result), detail: map[string]any{"result": f.Result}}
	if f.Result == "solved" {
		replies, err := store.ListReplies(ctx, tx, f.CaseID)
		if err != nil {
			return l, err
		}
		from := replies[len(replies)-1].Outcome // the follow-up's reply: followUpLive checked it is the latest
		l.note = "承诺事项已落实，办理结果由“" + zhitong.Label(zhitong.Outcomes, from) + "”记为“" + zhitong.Label(zhitong.Outcomes, zhitong.OutcomeSolved) + "”"
		l.public = "跟踪问效：承诺事项已落实，办理结果为已解决"
		l.detail["outcome_from"], l.detail["outcome_to"] = from, zhitong.OutcomeSolved
	}
	if f.Note != "" {
		l.note += "。" + f.Note
	}
	return l, nil
}

// FollowUpItem is a follow-up task with its case.
type FollowUpItem struct {
	CaseSummary
	ID      int64  `json:"follow_up_id"`
	DueDate string `json:"follow_up_due"`
	State   string `json:"state"`
	Result  string `json:"result,omitempty"`
	Note    string `json:"note,omitempty"`
}

// FollowUps lists the follow-up tasks due by today in p's jurisdiction (待跟踪问效).
func (a *App) FollowUps(ctx context.Context, p zhitong.Principal, in PageInput) (KeysetPage[FollowUpItem], error) {
	if !p.May(zhitong.ActionCallback) {
		return KeysetPage[FollowUpItem]{}, zhitong.Errorf(zhitong.EFORBIDDEN, "您的角色（%s）无权跟踪问效", zhitong.Label(zhitong.Roles, p.Role))
	}
	f, err := taskFilter(p, in, "follow-ups")
	if err != nil {
		return KeysetPage[FollowUpItem]{}, err
	}
	f.Day = a.today().Format(time.DateOnly)
	list, total, more, err := store.FollowUpPage(ctx, a.db, f)
	if err != nil {
		return KeysetPage[FollowUpItem]{}, err
	}
	items := make([]FollowUpItem, 0, len(list))
	for _, fu := range list {
		c, err := store.GetCase(ctx, a.db, fu.CaseID)
		if err != nil {
			return KeysetPage[FollowUpItem]{}, err
		}
		items = append(items, FollowUpItem{CaseSummary: a.summary(c), ID: fu.ID, DueDate: fu.DueDate, State: fu.State})
	}
	return PageOf("follow-ups", items, total, more, f.Page, func(it FollowUpItem) store.Cursor { return store.TaskCursor(it.DueDate, it.ID) }), nil
}
