package topics

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/store"
)

// Proposals an analysis opinion can make.
var Proposals = []zhitong.Named[string]{{Value: "rehandle", Label: "重办"}, {Value: "explain", Label: "解释说明"}}

// Opinion states.
var States = []zhitong.Named[string]{{Value: "pending", Label: "待决定"}, {Value: "accepted", Label: "已采纳"}, {Value: "rejected", Label: "未采纳"}}

// Opinion is an analysis opinion (研判意见) on a case or a topic.
type Opinion struct {
	ID        int64     `json:"id"`
	Region    string    `json:"region"`
	CaseID    int64     `json:"case_id,omitempty"`
	Topic     string    `json:"topic,omitempty"`
	Period    string    `json:"period,omitempty"`
	Proposal  string    `json:"proposal"`
	Text      string    `json:"text"`
	AuthorID  int64     `json:"author_id"`
	CreatedAt time.Time `json:"created_at"`
	State     string    `json:"state"`
	DecidedBy int64     `json:"decided_by,omitempty"`
	DecidedAt time.Time `json:"decided_at"`
	Reason    string    `json:"reason,omitempty"`
}

// OpinionInput records an opinion: on a case (case_id, which must be
// unsatisfied) or on a topic (topic and the period it was seen in).
type OpinionInput struct {
	CaseID   int64  `json:"case_id"`
	Topic    string `json:"topic"`
	Period   string `json:"period"`
	Proposal string `json:"proposal"`
	Text     string `json:"text"`
}

// DecideInput is the committee's decision on an opinion.
type DecideInput struct {
	Accept bool   `json:"accept"`
	Reason string `json:"reason"` // required when rejecting
	Days   int    `json:"days"`   // re-handling limit (0: the policy's)
}

func checkText(field, label, s string, lo, hi int) (string, error) {
	s = strings.TrimSpace(s)
	n := utf8.RuneCountInString(s)
	if n < lo {
		return "", zhitong.Invalid(field, "请填写%s（至少 %d 个字）", label, lo)
	}
	if n > hi {
		return "", zhitong.Invalid(field, "%s不能超过 %d 个字（现有 %d 个）", label, hi, n)
	}
	return s, nil
}

// Record stores the analysis group's opinion; only the analysis group (研判小组) records them.
func (s *Service) Record(ctx context.Context, p zhitong.Principal, in OpinionInput) (*Opinion, error) {
	if p.Role != zhitong.RoleAnalyst {
		return nil, zhitong.Errorf(zhitong.EFORBIDDEN, "只有研判小组可以提出研判意见")
	}
	if !zhitong.Valid(Proposals, in.Proposal) || in.Proposal == "" {
		return nil, zhitong.Invalid("proposal", "研判建议应为“重办”（rehandle）或“解释说明”（explain）")
	}
	text, err := checkText("text", "研判意见", in.Text, 5, 2000)
	if err != nil {
		return nil, err
	}
	o := &Opinion{Region: p.RegionCode, Proposal: in.Proposal, Text: text, AuthorID: p.UserID, CreatedAt: s.app.Now(), State: "pending"}
	switch {
	case in.CaseID != 0 && in.Topic != "":
		return nil, zhitong.Invalid("topic", "研判意见针对一件案件或一个热点，不能同时针对两者")
	case in.CaseID != 0:
		c, err := s.app.Get(ctx, p, in.CaseID)
		if err != nil {
			if code := zhitong.ErrorCode(err); code == zhitong.ENOTFOUND || code == zhitong.EFORBIDDEN {
				return nil, zhitong.Invalid("case_id", "案件不存在或不在您的辖区内")
			}
			return nil, err
		}
		if c.Status != zhitong.StatusUnsatisfied {
			return nil, zhitong.Errorf(zhitong.ECONFLICT, "只能对群众不满意、待研判的案件提出研判意见（该案件现为“%s”）", c.StatusLabel)
		}
		o.CaseID, o.Region = c.ID, c.Region
	default:
		if o.Topic, err = checkText("topic", "热点词", in.Topic, 2, 20); err != nil {
			return nil, err
		}
		if o.Period, err = checkText("period", "期间", in.Period, 0, 40); err != nil {
			return nil, err
		}
	}
	err = s.app.DB().Write(ctx, func(tx *store.Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO analysis_opinions (region_code, case_id, topic, period, proposal, text, author_id, created_at)
 VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, o.Region, nullID(o.CaseID), o.Topic, o.Period, o.Proposal, o.Text, o.AuthorID,
			store.FormatTime(o.CreatedAt)).Scan(&o.ID); err != nil {
			return err
		}
		return s.app.AppendAudit(ctx, tx, p, "analysis.opinion", "analysis_opinion:"+itoa(o.ID),
			map[string]any{"case_id": o.CaseID, "topic": o.Topic, "proposal": o.Proposal})
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

func nullID(v int64) any {
	if v == 0 {
		return nil
	}
	return v
}

func mayRead(p zhitong.Principal) error {
	if (p.Role != zhitong.RoleAnalyst && p.Role != zhitong.RoleCommittee) || p.StationID != 0 {
		return zhitong.Errorf(zhitong.EFORBIDDEN, "您的角色（%s）无权查看研判意见", zhitong.Label(zhitong.Roles, p.Role))
	}
	return nil
}

const opinionColumns = `id, region_code, COALESCE(case_id, 0), topic, period, proposal, text, author_id, created_at, state, decided_by, decided_at, reason`

func scanOpinion(sc interface{ Scan(...any) error }) (*Opinion, error) {
	var o Opinion
	var created, decided string
	if err := sc.Scan(&o.ID, &o.Region, &o.CaseID, &o.Topic, &o.Period, &o.Proposal, &o.Text, &o.AuthorID, &created, &o.State, &o.DecidedBy, &decided, &o.Reason); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, zhitong.Errorf(zhitong.ENOTFOUND, "研判意见不存在")
		}
		return nil, err
	}
	o.CreatedAt, o.DecidedAt = store.ParseTime(created), store.ParseTime(decided)
	return &o, nil
}

// Opinions lists the opinions of p's jurisdiction, newest first; state
// ("", pending, accepted, rejected) filters.
func (s *Service) Opinions(ctx context.Context, p zhitong.Principal, state string) ([]*Opinion, error) {
	if err := mayRead(p); err != nil {
		return nil, err
	}
	if !zhitong.Valid(States, state) && state != "" {
		return nil, zhitong.Invalid("state", "状态“%s”无效", state)
	}
	out, err := s.queryOpinions(ctx, `region_code LIKE ? AND (? = '' OR state = ?) ORDER BY id DESC LIMIT 500`, p.RegionCode+"%", state, state)
	if out == nil {
		out = []*Opinion{}
	}
	return out, err
}

// queryOpinions reads the opinions of a WHERE clause (and its ORDER/LIMIT).
func (s *Service) queryOpinions(ctx context.Context, where string, args ...any) ([]*Opinion, error) {
	rows, err := s.app.DB().Query(ctx, `SELECT `+opinionColumns+` FROM analysis_opinions WHERE `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Opinion
	for rows.Next() {
		o, err := scanOpinion(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// CaseOpinions lists the opinions on one case of p's jurisdiction, oldest
// first (the case page shows them). Roles that may not read opinions get
// none, not an error: the case page stands without them.
func (s *Service) CaseOpinions(ctx context.Context, p zhitong.Principal, caseID int64) ([]*Opinion, error) {
	if mayRead(p) != nil {
		return nil, nil
	}
	return s.queryOpinions(ctx, `case_id = ? AND region_code LIKE ? ORDER BY id LIMIT 100`, caseID, p.RegionCode+"%")
}

// Opinion loads one opinion of p's jurisdiction (another's is not found).
func (s *Service) Opinion(ctx context.Context, p zhitong.Principal, id int64) (*Opinion, error) {
	if err := mayRead(p); err != nil {
		return nil, err
	}
	o, err := scanOpinion(s.app.DB().QueryRow(ctx, `SELECT `+opinionColumns+` FROM analysis_opinions WHERE id = ?`, id))
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(o.Region, p.RegionCode) {
		return nil, zhitong.Errorf(zhitong.ENOTFOUND, "研判意见不存在")
	}
	return o, nil
}

// Decide is the committee's decision. Accepting a case's opinion carries it
// out through the case's own actions (app.Rehandle or app.Explain, with the
// opinion's text), which refuse when the case has moved on; accepting a
// topic's opinion records the decision (the topic can then become a deputy
// proposal, ToProposal). Rejecting needs a reason.
func (s *Service) Decide(ctx context.Context, p zhitong.Principal, id int64, in DecideInput) (*Opinion, error) {
	if p.Role != zhitong.RoleCommittee || p.StationID != 0 {
		return nil, zhitong.Errorf(zhitong.EFORBIDDEN, "研判意见由代表工委决定")
	}
	o, err := s.Opinion(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if o.State != "pending" {
		return nil, zhitong.Errorf(zhitong.ECONFLICT, "该研判意见已经决定（%s）", zhitong.Label(States, o.State))
	}
	reason, err := checkText("reason", "不采纳的理由", in.Reason, 0, 1000)
	if err != nil {
		return nil, err
	}
	state := "accepted"
	if !in.Accept {
		state = "rejected"
		if utf8.RuneCountInString(reason) < 2 {
			return nil, zhitong.Invalid("reason", "不采纳时请写明理由")
		}
	}
	if in.Accept && o.CaseID != 0 {
		c, err := s.app.Get(ctx, p, o.CaseID)
		if err != nil {
			return nil, err
		}
		if o.Proposal == "rehandle" {
			_, err = s.app.Rehandle(ctx, p, o.CaseID, app.RehandleInput{Version: c.Version, Days: in.Days, Note: "采纳研判意见：" + o.Text})
		} else {
			_, err = s.app.Explain(ctx, p, o.CaseID, app.TextInput{Version: c.Version, Text: o.Text})
		}
		if err != nil {
			return nil, err
		}
	}
	now := s.app.Now()
	err = s.app.DB().Write(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE analysis_opinions SET state = ?, decided_by = ?, decided_at = ?, reason = ? WHERE id = ? AND state = 'pending'`,
			state, p.UserID, store.FormatTime(now), reason, o.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return zhitong.Errorf(zhitong.ECONFLICT, "该研判意见已被他人决定，请刷新")
		}
		return s.app.AppendAudit(ctx, tx, p, "analysis.decide", "analysis_opinion:"+itoa(o.ID), map[string]any{"state": state, "reason": reason})
	})
	if err != nil {
		return nil, err
	}
	o.State, o.DecidedBy, o.DecidedAt, o.Reason = state, p.UserID, now, reason
	return o, nil
}
