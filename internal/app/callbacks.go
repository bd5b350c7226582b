package app

import (
	"context"
	"fmt"
	"iter"
	"strconv"
	"time"

	"zhitong"
	"zhitong/internal/store"
)

// CreateCallbacks opens a call-back task (回访) for every replied case whose
// citizen got the reply but has not evaluated it online within the policy's
// working days. Cases without a phone number cannot be called and get none.
// Running it again changes nothing. It returns how many tasks it opened.
// After a run that left nothing behind, the next reads only the cases
// whose wait can have ended since, and those changed since (callbackWindow).
func (a *App) CreateCallbacks(ctx context.Context) (int, error) {
	// Each case waits the days of the policy of the organisation holding
	// it (policyFor); the fewest any policy asks for pre-filters.
	pols, err := a.allPolicies(ctx, a.db)
	if err != nil {
		return 0, err
	}
	now := a.sweepNow(pols)
	ids, all, err := a.callbackWindow(ctx, pols, now)
	if err != nil {
		return 0, err
	}
	var cands []store.CallbackCandidate
	if all {
		ids = nil // store: every candidate
	}
	if all || len(ids) > 0 {
		if cands, err = store.ListCallbackCandidates(ctx, a.db, ids); err != nil {
			return 0, err
		}
	}
	fewest := pols[0].CallbackAfterDays
	for _, p := range pols {
		fewest = min(fewest, p.CallbackAfterDays)
	}
	cal, today := a.cal.Load(), a.today()
	n, fails, byOrg := 0, itemErrors{a: a, step: "callbacks"}, a.casePolicies()
	for _, cand := range cands {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		if due, _ := cal.AddWorkdays(civilDay(cand.DeliveredAt), fewest); today.Before(due) {
			continue
		}
		err := a.db.Write(ctx, func(tx *store.Tx) error {
			c, err := store.GetCase(ctx, tx, cand.CaseID)
			if err != nil || c.Status != zhitong.StatusReplied || c.Round != cand.Round {
				return err
			}
			pol, err := byOrg.of(ctx, tx, c.HeldBy, c.RegionCode)
			if err != nil {
				return err
			}
			days := pol.CallbackAfterDays
			if due, _ := cal.AddWorkdays(civilDay(cand.DeliveredAt), days); today.Before(due) {
				return nil
			}
			t := &store.CallbackTask{CaseID: c.ID, Round: c.Round, DueDate: today.Format(time.DateOnly), CreatedAt: a.clock.Now()}
			added, err := tx.InsertCallbackTask(ctx, t)
			if err != nil || !added {
				return err
			}
			n++
			note := fmt.Sprintf("答复送达群众后 %d 个工作日内未在线评价，已生成回访任务", days)
			ev := &zhitong.Event{CaseID: c.ID, At: t.CreatedAt, ActorName: "系统", Action: zhitong.ActionCallback, FromStatus: c.Status, ToStatus: c.Status, Note: note}
			if err := tx.InsertEvent(ctx, ev); err != nil {
				return err
			}
			return a.audit(ctx, tx, System, "case.callback.task", "case:"+strconv.FormatInt(c.ID, 10), map[string]any{"code": c.Code, "round": c.Round})
		})
		if err != nil {
			fails.add("case", cand.CaseID, err)
		}
	}
	if len(fails.errs) == 0 {
		// Everything due by now was handled: the next scan starts here.
		if err := a.setSweepMark(ctx, callbackScanKey, now); err != nil {
			return n, err
		}
	}
	return n, fails.err()
}

// callbackDone updates the round's call-back task, if any, after a call
// (reached or not) or an online evaluation. After the policy's number of
// unanswered calls the citizen is recorded as unreachable and the task
// leaves the queue; the case can then be closed as unrated.
func (a *App) callbackDone(ctx context.Context, tx *store.Tx, c *store.CaseRecord, ev *zhitong.Event, reached bool) error {
	t, err := store.GetCallbackTask(ctx, tx, c.ID, c.Round)
	if zhitong.ErrorCode(err) == zhitong.ENOTFOUND {
		return nil
	} else if err != nil || t.State != "open" {
		return err
	}
	pol, err := a.policyFor(ctx, tx, c) // the organisation holding the case
	if err != nil {
		return err
	}
	if reached {
		t.State, t.ClosedAt = "done", a.clock.Now()
	} else if t.Tries++; t.Tries >= pol.CallbackMaxTries {
		t.State, t.ClosedAt = "unreachable", a.clock.Now()
		ev.Note += fmt.Sprintf("（已回访 %d 次未联系上，记为无法联系，可按未评价办结）", t.Tries)
	} else {
		ev.Note += fmt.Sprintf("（第 %d 次回访未联系上）", t.Tries)
	}
	return tx.UpdateCallbackTask(ctx, t)
}

// CallbackItem is an open call-back task in an officer's queue.
type CallbackItem struct {
	CaseSummary
	TaskID  int64  `json:"task_id"`
	TaskDue string `json:"task_due"`
	Tries   int    `json:"tries"`
}

// Callbacks lists a page of the open call-back tasks (待回访) in p's
// jurisdiction, oldest due first.
func (a *App) Callbacks(ctx context.Context, p zhitong.Principal, in PageInput) (KeysetPage[CallbackItem], error) {
	if !p.May(zhitong.ActionCallback) {
		return KeysetPage[CallbackItem]{}, zhitong.Errorf(zhitong.EFORBIDDEN, "您的角色（%s）无权回访", zhitong.Label(zhitong.Roles, p.Role))
	}
	f, err := taskFilter(p, in, "callbacks")
	if err != nil {
		return KeysetPage[CallbackItem]{}, err
	}
	tasks, total, more, err := store.CallbackPage(ctx, a.db, f)
	if err != nil {
		return KeysetPage[CallbackItem]{}, err
	}
	items := make([]CallbackItem, 0, len(tasks))
	for _, t := range tasks {
		c, err := store.GetCase(ctx, a.db, t.CaseID)
		if err != nil {
			return KeysetPage[CallbackItem]{}, err
		}
		items = append(items, CallbackItem{CaseSummary: a.summary(c), TaskID: t.ID, TaskDue: t.DueDate, Tries: t.Tries})
	}
	return PageOf("callbacks", items, total, more, f.Page, func(it CallbackItem) store.Cursor { return store.TaskCursor(it.TaskDue, it.TaskID) }), nil
}

// taskFilter is the store's filter of p's call-back and follow-up queue
// (list names the queue, for its cursors): the cases p sees and holds,
// as authorize checks them for ActionCallback. A shared station's cases
// outside p's region are not among them: p reads them (scopeShared) but
// may not act on them, so neither the list nor its count on the home
// holds them.
func taskFilter(p zhitong.Principal, in PageInput, list string) (store.TaskFilter, error) {
	pg, err := in.StorePage(list)
	if err != nil {
		return store.TaskFilter{}, err
	}
	f := store.TaskFilter{Page: pg, Held: p.RegionCode}
	if p.StationID != 0 {
		f.Station = p.StationID
	} else {
		f.Region = p.RegionCode
	}
	return f, nil
}

// ExportCallbacks is Callbacks read by key in batches of ExportBatch, for
// an export that must not hold the list in memory.
func (a *App) ExportCallbacks(ctx context.Context, p zhitong.Principal) (iter.Seq2[CallbackItem, error], error) {
	if !p.May(zhitong.ActionCallback) {
		return nil, zhitong.Errorf(zhitong.EFORBIDDEN, "您的角色（%s）无权回访", zhitong.Label(zhitong.Roles, p.Role))
	}
	return func(yield func(CallbackItem, error) bool) {
		var after *store.CallbackTask
		for {
			tasks, err := store.CallbackTaskBatch(ctx, a.db, "open", after, ExportBatch)
			if err != nil {
				yield(CallbackItem{}, err)
				return
			}
			for _, t := range tasks {
				c, err := store.GetCase(ctx, a.db, t.CaseID)
				if err != nil {
					yield(CallbackItem{}, err)
					return
				}
				if c.Round != t.Round || a.authorize(ctx, a.db, p, zhitong.ActionCallback, c) != nil {
					continue
				}
				if !yield(CallbackItem{CaseSummary: a.summary(c), TaskID: t.ID, TaskDue: t.DueDate, Tries: t.Tries}, nil) {
					return
				}
			}
			if len(tasks) < ExportBatch {
				return
			}
			after = tasks[len(tasks)-1]
		}
	}, nil
}

// CallbackCount is the home queue's count of the open call-backs in p's
// jurisdiction, up to store.TaskCountCap+1: the count of the list it
// links to (Callbacks), by the same filter and the same store count.
func (a *App) CallbackCount(ctx context.Context, p zhitong.Principal) (int, error) {
	if !p.May(zhitong.ActionCallback) {
		return 0, zhitong.Errorf(zhitong.EFORBIDDEN, "您的角色（%s）无权回访", zhitong.Label(zhitong.Roles, p.Role))
	}
	f, err := taskFilter(p, PageInput{}, "callbacks")
	if err != nil {
		return 0, err
	}
	return store.CountCallbacks(ctx, a.db, f)
}

// FollowUpCount is the home queue's count of the follow-ups due today in
// p's jurisdiction, up to store.TaskCountCap+1, the same way (FollowUps).
func (a *App) FollowUpCount(ctx context.Context, p zhitong.Principal) (int, error) {
	if !p.May(zhitong.ActionCallback) {
		return 0, zhitong.Errorf(zhitong.EFORBIDDEN, "您的角色（%s）无权跟踪问效", zhitong.Label(zhitong.Roles, p.Role))
	}
	f, err := taskFilter(p, PageInput{}, "follow-ups")
	if err != nil {
		return 0, err
	}
	f.Day = a.today().Format(time.DateOnly)
	return store.CountFollowUps(ctx, a.db, f)
}
