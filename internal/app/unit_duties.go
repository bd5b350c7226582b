package app

import (
	"context"
	"strconv"
	"strings"
	"time"

	"zhitong"
	"zhitong/internal/store"
)

// The handling units' own duties on a case besides accepting and replying
// (docs/supervision.md, "主办单位联系群众与协办意见"): the lead unit reaches
// the citizen by phone for its answer (双反馈), and each co-handling unit
// gives the lead unit its opinion (协办意见). Neither moves the case; both
// leave a staff-only case event and an audit entry.

// maxPhoneRevealsPerDay bounds how many citizens' phones one handler may
// look up in a China day: enough for a day's call-backs, too few to harvest.
const maxPhoneRevealsPerDay = 20

// unitSideStepFn records an action on a case that leaves its status as it
// is; as is the acting unit's assignment in the current round. It fills in
// ev.Note and returns the audit entry's detail.
type unitSideStepFn func(tx *store.Tx, c *store.CaseRecord, as *zhitong.Assignment, ev *zhitong.Event) (map[string]any, error)

// unitSideStep runs a handling unit's action that does not move the case,
// in one transaction: lock and load the case, authorise, check the status,
// find the unit's current assignment, apply fn, then write the staff-only
// event and the audit entry. The case's version stays, so nobody's open
// form goes stale because a unit looked up a phone or gave an opinion.
func (a *App) unitSideStep(ctx context.Context, p zhitong.Principal, id int64, action zhitong.Action, fn unitSideStepFn) error {
	return a.db.Write(ctx, func(tx *store.Tx) error {
		if err := tx.LockCase(ctx, id); err != nil {
			return err
		}
		c, err := store.GetCase(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := a.authorize(ctx, tx, p, action, c); err != nil {
			return err
		}
		if err := c.Status.CanDo(action); err != nil {
			return err
		}
		as, err := unitAssignment(ctx, tx, c, p.UnitID)
		if err != nil {
			return err
		}
		ev := &zhitong.Event{CaseID: c.ID, At: a.clock.Now(), ActorID: p.UserID, ActorName: actorName(p), Action: action,
			FromStatus: c.Status, ToStatus: c.Status}
		detail, err := fn(tx, c, as, ev)
		if err != nil {
			return err
		}
		if err := tx.InsertEvent(ctx, ev); err != nil {
			return err
		}
		if err := a.unitSideNotices(ctx, tx, c, as, ev); err != nil {
			return err
		}
		detail["code"] = c.Code
		detail["unit"] = p.UnitID
		return a.audit(ctx, tx, p, "case."+string(action), "case:"+strconv.FormatInt(c.ID, 10), detail)
	})
}

// CitizenPhone is what the lead unit sees to call the citizen back.
type CitizenPhone struct {
	CaseID int64  `json:"case_id"`
	Name   string `json:"name"`
	Phone  string `json:"phone"`
}

// RevealPhone shows the citizen's name and phone number to a handler of the
// case's lead unit, while its assignment is current and the case running,
// so that it can answer the citizen (双反馈) by phone. A reason is required;
// each look-up is audited, shown in the case history to staff and counted
// against a daily limit. Co-handling units, former lead units, anonymous
// cases and finished cases are refused; the ID card and address stay masked.
func (a *App) RevealPhone(ctx context.Context, p zhitong.Principal, id int64, reason string) (CitizenPhone, error) {
	if err := checkLen("reason", "查看原因", reason, 2, maxShort); err != nil {
		return CitizenPhone{}, err
	}
	reason = strings.TrimSpace(reason)
	out := CitizenPhone{CaseID: id}
	err := a.unitSideStep(ctx, p, id, zhitong.ActionRevealPhone, func(tx *store.Tx, c *store.CaseRecord, as *zhitong.Assignment, ev *zhitong.Event) (map[string]any, error) {
		if !as.Lead {
			return nil, zhitong.Errorf(zhitong.EFORBIDDEN, "只有主办单位可以查看群众电话，协办意见请提交给主办单位")
		}
		if p.UserID == 0 {
			return nil, zhitong.Errorf(zhitong.EFORBIDDEN, "查看群众电话须以本人账号登录")
		}
		if c.Submitter.Anonymous {
			return nil, zhitong.Errorf(zhitong.ECONFLICT, "群众匿名反映，没有可查看的电话；请通过公示栏或联络员答复")
		}
		sub, err := a.unseal(c.Submitter)
		if err != nil {
			return nil, err
		}
		if sub.Phone == "" {
			return nil, zhitong.Errorf(zhitong.ECONFLICT, "群众没有留下电话；请通过书面或公示栏答复")
		}
		now := a.clock.Now().In(zhitong.China)
		midnight := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, zhitong.China)
		n, err := store.CountActorEvents(ctx, tx, p.UserID, zhitong.ActionRevealPhone, store.FormatTime(midnight))
		if err != nil {
			return nil, err
		}
		if n >= maxPhoneRevealsPerDay {
			return nil, zhitong.Errorf(zhitong.ETOOMANY, "您今天已查看 %d 次群众电话，达到每日上限，请明天再试或请联络员协助", n)
		}
		out.Name, out.Phone = sub.Name, sub.Phone
		ev.Note = "主办单位查看群众电话，原因：" + reason
		return map[string]any{"reason": reason}, nil
	})
	if err != nil {
		return CitizenPhone{}, err
	}
	return out, nil
}

// CoOpinionInput is a co-handling unit's opinion to the lead unit.
type CoOpinionInput struct {
	Text     string `json:"text"`
	Agrees   bool   `json:"agrees"`   // agrees with the lead unit's handling
	Finished bool   `json:"finished"` // its own part of the work is done
}

// CoOpinion is a co-handling unit's opinion (协办意见) as staff see it.
type CoOpinion struct {
	ID          int64     `json:"id"`
	CaseID      int64     `json:"case_id"`
	Round       int       `json:"round"`
	UnitID      int64     `json:"unit_id"`
	Text        string    `json:"text"`
	Agrees      bool      `json:"agrees"`
	Finished    bool      `json:"finished"`
	SubmittedAt time.Time `json:"submitted_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	Revisions   int       `json:"revisions"` // 1, or more when amended
}

func coOpinionView(o *zhitong.CoOpinion) CoOpinion {
	return CoOpinion{ID: o.ID, CaseID: o.CaseID, Round: o.Round, UnitID: o.UnitID, Text: o.Text, Agrees: o.Agrees, Finished: o.Finished,
		SubmittedAt: o.SubmittedAt, UpdatedAt: o.UpdatedAt, Revisions: o.Revisions}
}

// SubmitCoOpinion records a co-handling unit's opinion for the current
// round, or amends the one it gave, while the case is with the lead unit
// (assigned or in progress, until the lead unit replies). The lead unit's
// handlers are told.
func (a *App) SubmitCoOpinion(ctx context.Context, p zhitong.Principal, id int64, in CoOpinionInput) (*CoOpinion, error) {
	if err := checkLen("text", "协办意见", in.Text, 2, maxNote); err != nil {
		return nil, err
	}
	var out CoOpinion
	err := a.unitSideStep(ctx, p, id, zhitong.ActionCoOpinion, func(tx *store.Tx, c *store.CaseRecord, as *zhitong.Assignment, ev *zhitong.Event) (map[string]any, error) {
		if as.Lead {
			return nil, zhitong.Errorf(zhitong.EFORBIDDEN, "协办意见由协办单位提交；主办单位请直接答复")
		}
		o := &zhitong.CoOpinion{CaseID: c.ID, Round: c.Round, UnitID: p.UnitID, Text: strings.TrimSpace(in.Text), Agrees: in.Agrees,
			Finished: in.Finished, UpdatedAt: a.clock.Now(), By: p.UserID}
		if err := tx.SaveCoOpinion(ctx, o); err != nil {
			return nil, err
		}
		out = coOpinionView(o)
		ev.Note = coOpinionNote(o)
		return map[string]any{"round": o.Round, "agrees": o.Agrees, "finished": o.Finished, "revision": o.Revisions}, nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

func coOpinionNote(o *zhitong.CoOpinion) string {
	var b strings.Builder
	if o.Revisions > 1 {
		b.WriteString("修改协办意见")
	} else {
		b.WriteString("提交协办意见")
	}
	if o.Agrees {
		b.WriteString("（同意主办单位意见）")
	}
	if o.Finished {
		b.WriteString("（协办事项已办结）")
	}
	b.WriteString("：")
	b.WriteString(o.Text)
	return b.String()
}

// unitSideNotices tells the lead unit's handlers of a co-handler's opinion.
func (a *App) unitSideNotices(ctx context.Context, tx *store.Tx, c *store.CaseRecord, as *zhitong.Assignment, ev *zhitong.Event) error {
	if ev.Action != zhitong.ActionCoOpinion || c.LeadUnitID == 0 {
		return nil
	}
	u, err := store.GetUnit(ctx, tx, as.UnitID)
	if err != nil {
		return err
	}
	_, err = a.notify(ctx, tx, Notice{Key: eventKey(c.ID, ev.ID, "unit.co_opinion"), Template: "unit.co_opinion", CaseID: c.ID, UnitID: c.LeadUnitID,
		Vars: map[string]string{"code": c.Code, "title": c.Title, "unit": u.Name, "url": "/work/cases/" + strconv.FormatInt(c.ID, 10)}})
	return err
}

// CoOpinions lists the co-handling units' opinions on a case, every round,
// for anyone who may view the case.
func (a *App) CoOpinions(ctx context.Context, p zhitong.Principal, id int64) ([]CoOpinion, error) {
	c, err := store.GetCase(ctx, a.db, id)
	if err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, a.db, p, zhitong.ActionView, c); err != nil {
		return nil, err
	}
	return a.coOpinions(ctx, a.db, id)
}

func (a *App) coOpinions(ctx context.Context, q store.Q, id int64) ([]CoOpinion, error) {
	list, err := store.ListCoOpinions(ctx, q, id)
	if err != nil {
		return nil, err
	}
	out := make([]CoOpinion, len(list))
	for i, o := range list {
		out[i] = coOpinionView(o)
	}
	return out, nil
}
