package app

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"zhitong"
	"zhitong/internal/store"
)

// EvaluateInput is a citizen's rating of the latest reply (满意度评价).
type EvaluateInput struct {
	Version int            `json:"version"`
	Rating  zhitong.Rating `json:"rating"`
	Comment string         `json:"comment"` // for unsatisfied: what is still wrong
	Reached *bool          `json:"reached"` // call-backs only: false records an unanswered call
}

func validateRating(in EvaluateInput) error {
	if !zhitong.Valid(zhitong.Ratings, in.Rating) {
		return zhitong.Invalid("rating", "请选择评价：满意、基本满意或不满意")
	}
	return checkLen("comment", "评价意见", in.Comment, 0, maxNote)
}

// Evaluate records the citizen's own rating, given online with the tracking code.
func (a *App) Evaluate(ctx context.Context, code string, in EvaluateInput) (*zhitong.Case, error) {
	if err := validateRating(in); err != nil {
		return nil, err
	}
	c, err := a.caseByCode(ctx, code)
	if err != nil {
		return nil, err
	}
	return a.step(ctx, zhitong.Citizen, c.ID, in.Version, zhitong.ActionEvaluate, a.rate(ctx, in, false, 0))
}

// Callback records a call-back (回访) by staff: the rating the citizen gave on
// the phone, or that the citizen could not be reached.
func (a *App) Callback(ctx context.Context, p zhitong.Principal, id int64, in EvaluateInput) (*zhitong.Case, error) {
	if in.Reached != nil && !*in.Reached {
		if err := checkLen("comment", "回访说明", in.Comment, 0, maxNote); err != nil {
			return nil, err
		}
		return a.step(ctx, p, id, in.Version, zhitong.ActionCallback, func(tx *store.Tx, c *store.CaseRecord, ev *zhitong.Event) error {
			ev.Note = "回访未联系上群众。" + in.Comment
			return a.callbackDone(ctx, tx, c, ev, false)
		})
	}
	if err := validateRating(in); err != nil {
		return nil, err
	}
	return a.step(ctx, p, id, in.Version, zhitong.ActionCallback, a.rate(ctx, in, true, p.UserID))
}

func (a *App) rate(ctx context.Context, in EvaluateInput, callback bool, by int64) stepFn {
	return func(tx *store.Tx, c *store.CaseRecord, ev *zhitong.Event) error {
		e := &zhitong.Evaluation{CaseID: c.ID, Round: c.Round, Rating: in.Rating, Comment: strings.TrimSpace(in.Comment), Callback: callback, At: a.clock.Now(), By: by}
		if err := tx.InsertEvaluation(ctx, e); err != nil {
			return err
		}
		c.Status = zhitong.StatusEvaluated
		if in.Rating == zhitong.RatingUnsatisfied {
			c.Status = zhitong.StatusUnsatisfied
		}
		label := zhitong.Label(zhitong.Ratings, in.Rating)
		ev.Note = label
		if in.Comment != "" {
			ev.Note += "：" + e.Comment
		}
		if callback {
			ev.Note = "回访评价：" + ev.Note
		}
		ev.Public = "评价：" + label
		if c.Status == zhitong.StatusUnsatisfied {
			ev.Public += "，我们将研判后重新办理或作出说明"
		}
		return a.callbackDone(ctx, tx, c, ev, true)
	}
}

// RehandleInput sends an unsatisfied case back to its units (重办).
type RehandleInput struct {
	Version int    `json:"version"`
	Days    int    `json:"days"` // 0 takes the deadline policy's re-handle limit
	Note    string `json:"note"`
}

// Rehandle starts a new round with the same units and a new deadline.
func (a *App) Rehandle(ctx context.Context, p zhitong.Principal, id int64, in RehandleInput) (*zhitong.Case, error) {
	if in.Days < 0 || in.Days > 130 {
		return nil, zhitong.Invalid("days", "重办时限应在 1 到 130 个工作日之间")
	}
	if err := requireText("note", "重办意见", in.Note); err != nil {
		return nil, err
	}
	return a.step(ctx, p, id, in.Version, zhitong.ActionRehandle, func(tx *store.Tx, c *store.CaseRecord, ev *zhitong.Event) error {
		list, err := store.ListAssignments(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		var lead int64
		var co []int64
		for _, as := range list {
			if as.Round != c.Round || as.State == zhitong.AssignmentReturned {
				continue
			}
			if as.Lead {
				lead = as.UnitID
			} else {
				co = append(co, as.UnitID)
			}
		}
		if lead == 0 {
			return zhitong.Errorf(zhitong.ECONFLICT, "该案件没有承办单位（如转代表建议的案件），无法重办；请说明后办结")
		}
		days := in.Days
		if days == 0 {
			pol, err := a.policyFor(ctx, tx, c) // the organisation holding the case
			if err != nil {
				return err
			}
			days = pol.RehandleDays
		}
		c.Round++
		c.DueFrom, c.DueDate, c.DueProvisional = a.due(days)
		c.DueDays, c.LeadUnitID = days, lead
		if err := a.assignUnits(ctx, tx, c, lead, co, zhitong.AssignmentAccepted); err != nil {
			return err
		}
		ev.Note = "第 " + strconv.Itoa(c.Round) + " 轮办理，截止 " + c.DueDate + "。" + strings.TrimSpace(in.Note)
		ev.Public = "已责成承办单位重新办理，期限至 " + c.DueDate
		return nil
	})
}

// Explain closes an unsatisfied case with a written explanation instead of
// re-handling it; its open follow-ups end with it.
func (a *App) Explain(ctx context.Context, p zhitong.Principal, id int64, in TextInput) (*zhitong.Case, error) {
	if err := checkLen("text", "情况说明", in.Text, 5, maxNote); err != nil {
		return nil, err
	}
	return a.step(ctx, p, id, in.Version, zhitong.ActionExplain, func(tx *store.Tx, c *store.CaseRecord, ev *zhitong.Event) error {
		c.ClosingNote = strings.TrimSpace(in.Text)
		c.Resolution, c.ClosedAt = zhitong.ResolutionExplained, a.clock.Now()
		ev.Public = "经研判，作出如下说明后办结：" + c.ClosingNote
		return a.noteFollowUpsEnded(ctx, tx, p, c, "案件已说明理由办结", ev)
	})
}

// Close finishes an evaluated case (办结). A replied case the citizen never
// rated can be closed too, with a note saying why.
func (a *App) Close(ctx context.Context, p zhitong.Principal, id int64, in TextInput) (*zhitong.Case, error) {
	if err := checkLen("text", "办结说明", in.Text, 0, maxNote); err != nil {
		return nil, err
	}
	return a.step(ctx, p, id, in.Version, zhitong.ActionClose, func(tx *store.Tx, c *store.CaseRecord, ev *zhitong.Event) error {
		c.Resolution = zhitong.ResolutionHandled
		if ev.FromStatus == zhitong.StatusReplied {
			if strings.TrimSpace(in.Text) == "" {
				return zhitong.Invalid("text", "群众尚未评价，办结时请说明原因（如多次回访未联系上）")
			}
			c.Resolution = zhitong.ResolutionUnrated
		}
		c.ClosingNote, c.ClosedAt = strings.TrimSpace(in.Text), a.clock.Now()
		ev.Note, ev.Public = c.ClosingNote, "已办结"
		return nil
	})
}

// Archive files a finished case (归档).
func (a *App) Archive(ctx context.Context, p zhitong.Principal, id int64, in TextInput) (*zhitong.Case, error) {
	if err := checkLen("text", "归档说明", in.Text, 0, maxNote); err != nil {
		return nil, err
	}
	return a.step(ctx, p, id, in.Version, zhitong.ActionArchive, func(tx *store.Tx, c *store.CaseRecord, ev *zhitong.Event) error {
		c.ArchivedAt = a.clock.Now()
		ev.Note = strings.TrimSpace(in.Text)
		return nil
	})
}

// SuperviseInput records a supervision action (督办) on a running case.
type SuperviseInput struct {
	Kind string `json:"kind"` // phone, letter, hearing, inspection
	Note string `json:"note"`
}

// SupervisionKinds are the manual supervision actions.
var SupervisionKinds = []zhitong.Named[string]{
	{Value: "phone", Label: "电话催办"}, {Value: "letter", Label: "发函督办"},
	{Value: "hearing", Label: "听取汇报"}, {Value: "inspection", Label: "专项督查"},
}

// Supervise records a supervision action without changing the case's status.
func (a *App) Supervise(ctx context.Context, p zhitong.Principal, id int64, in SuperviseInput) (*zhitong.Case, error) {
	if !zhitong.Valid(SupervisionKinds, in.Kind) {
		return nil, zhitong.Invalid("kind", "督办方式应为电话催办、发函督办、听取汇报或专项督查")
	}
	if err := requireText("note", "督办情况", in.Note); err != nil {
		return nil, err
	}
	return a.step(ctx, p, id, 0, zhitong.ActionSupervise, func(tx *store.Tx, c *store.CaseRecord, ev *zhitong.Event) error {
		ev.Note = zhitong.Label(SupervisionKinds, in.Kind) + "：" + strings.TrimSpace(in.Note)
		level, overdue := a.levelOf(&c.Case)
		s := &zhitong.SupervisionAction{CaseID: c.ID, Round: c.Round, Kind: in.Kind, Level: level, At: ev.At, Note: ev.Note, By: p.UserID}
		if in.Kind == "letter" {
			l, err := a.manualLetter(ctx, tx, p, c, max(overdue, 0), strings.TrimSpace(in.Note))
			if err != nil {
				return err
			}
			s.LetterID = l.ID
			ev.Note += "（督办函 " + l.Number + "）"
			s.Note = ev.Note
		}
		return tx.InsertSupervisionAction(ctx, s, "")
	})
}

// manualLetter issues the numbered letter (督办函) of a 发函督办 staff record
// and sends the lead unit the notice the automatic letter sends. Before the
// due date it urges; after it, it says how late the case is.
func (a *App) manualLetter(ctx context.Context, tx *store.Tx, p zhitong.Principal, c *store.CaseRecord, overdue int, note string) (*store.Letter, error) {
	if c.LeadUnitID == 0 {
		return nil, zhitong.Errorf(zhitong.ECONFLICT, "该案件尚未交办承办单位，无法发函督办")
	}
	unit, err := store.GetUnit(ctx, tx, c.LeadUnitID)
	if err != nil {
		return nil, err
	}
	late := "请你单位抓紧办理，按期办结"
	if overdue > 0 {
		late = fmt.Sprintf("截至%s已逾期 %d 个工作日，尚未答复，请你单位立即办理", chineseDay(a.today().Format(time.DateOnly)), overdue)
	}
	l := &store.Letter{CaseID: c.ID, UnitID: unit.ID, Round: c.Round, DueDate: c.DueDate, OverdueDays: overdue}
	l.Body = fmt.Sprintf("%s：\n　　我委交由你单位办理的群众意见建议“%s”（查询码 %s），办理期限为%s。%s，书面答复人大机关并反馈群众。\n　　督办事项：%s",
		unit.Name, c.Title, c.Code, chineseDay(c.DueDate), late, note)
	if err := a.storeLetter(ctx, tx, p, l); err != nil {
		return nil, err
	}
	_, err = a.notify(ctx, tx, Notice{Key: "letter:" + strconv.FormatInt(l.ID, 10), Template: "case.manual_letter", CaseID: c.ID, UnitID: unit.ID,
		Vars: map[string]string{"code": c.Code, "title": c.Title, "unit": unit.Name, "due": c.DueDate, "number": l.Number,
			"overdue_days": strconv.Itoa(overdue), "url": "/work/supervision/letters/" + strconv.FormatInt(l.ID, 10)}})
	return l, err
}
