// Package levels is the five levels of congress (国家、省、市、县、乡) inside
// one deployment: a city or province set up with its counties (zhitong
// init, then init --add for each county), cases moved up or down between
// the organisations of that chain (移交上级/下级人大), and deputies of every
// level serving at the stations. See docs/levels.md.
package levels

import (
	"context"
	"strconv"
	"strings"
	"unicode/utf8"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/store"
)

// Service moves cases between the levels of one deployment.
type Service struct{ app *app.App }

// New returns the service.
func New(a *app.App) *Service { return &Service{app: a} }

// TransferInput is a move of a case to another level's organisation.
type TransferInput struct {
	Version int    `json:"version"`
	To      string `json:"to"`     // the receiving organisation's region code (3607: 赣州市人大常委会)
	Reason  string `json:"reason"` // why it belongs there; staff of both sides read it, the citizen does not
}

// Target is an organisation a case may be moved to.
type Target struct {
	RegionCode string `json:"region_code"`
	Name       string `json:"name"`
	Up         bool   `json:"up"` // to a higher level (上级); false: to a lower one (下级)
}

// Label is how forms name the target: 上级：赣州市人大常委会.
func (t Target) Label() string {
	if t.Up {
		return "上级：" + t.Name
	}
	return "下级：" + t.Name
}

// Transfer records, in the directions of a case's moves.
const (
	DirUp   = "up"
	DirDown = "down"
)

const maxReason = 500

func inSubtree(code, scope string) bool { return strings.HasPrefix(code, scope) }

// holder is the region code of the organisation holding c: the one it was
// moved to, or else the one governing its region ("" when none does).
func holder(ctx context.Context, q store.Q, c *store.CaseRecord) (string, error) {
	if c.HeldBy != "" {
		return c.HeldBy, nil
	}
	o, err := store.OrganisationFor(ctx, q, c.RegionCode)
	if zhitong.ErrorCode(err) == zhitong.ENOTFOUND {
		return "", nil
	}
	return o.RegionCode, err
}

// targets are the organisations c may move to from its holder: every
// organisation above it, and those below it that hold the case's region
// and lie in p's jurisdiction. Never a sibling (another county): that is
// not a move between levels.
func targets(ctx context.Context, q store.Q, p zhitong.Principal, c *store.CaseRecord) (string, []Target, error) {
	from, err := holder(ctx, q, c)
	if err != nil || from == "" {
		return from, nil, err
	}
	orgs, err := store.ListOrganisations(ctx, q)
	if err != nil {
		return from, nil, err
	}
	var out []Target
	for _, o := range orgs {
		switch {
		case o.RegionCode == from:
		case inSubtree(from, o.RegionCode):
			out = append(out, Target{RegionCode: o.RegionCode, Name: o.Name, Up: true})
		case inSubtree(o.RegionCode, from) && inSubtree(c.RegionCode, o.RegionCode) && inSubtree(o.RegionCode, p.RegionCode):
			out = append(out, Target{RegionCode: o.RegionCode, Name: o.Name})
		}
	}
	return from, out, nil
}

// Targets lists where p may move case id now (none when p may not move
// it: another role, a status past triage, or a case held elsewhere).
func (s *Service) Targets(ctx context.Context, p zhitong.Principal, id int64) ([]Target, error) {
	v, err := s.app.Get(ctx, p, id) // not found, or not p's to read
	if err != nil {
		return nil, err
	}
	if !p.May(zhitong.ActionTransfer) || p.StationID != 0 || !contains(v.Actions, zhitong.ActionTransfer) {
		return nil, nil
	}
	c, err := store.GetCase(ctx, s.app.DB(), id)
	if err != nil {
		return nil, err
	}
	_, ts, err := targets(ctx, s.app.DB(), p, c)
	return ts, err
}

func contains(as []zhitong.Action, a zhitong.Action) bool {
	for _, x := range as {
		if x == a {
			return true
		}
	}
	return false
}

// Transfer moves case id to the organisation in.To, one level or more up
// or down the chain of its holder, with a reason. The case keeps its code,
// status, history and audit trail; any unit deadline is cleared (the case
// is before assignment, or returned) so that the receiving office's
// assignment starts its own; the receiving organisation's committee and
// officers and the sending one's are told in-app, the citizen by SMS and
// on the tracking page (without the reason). Afterwards the sending side
// reads the case only (zhitong.Principal.Holds).
func (s *Service) Transfer(ctx context.Context, p zhitong.Principal, id int64, in TransferInput) (*zhitong.Case, error) {
	in.To, in.Reason = strings.TrimSpace(in.To), strings.TrimSpace(in.Reason)
	switch {
	case p.StationID != 0 && p.Role != "":
		return nil, zhitong.Errorf(zhitong.EFORBIDDEN, "联络站工作人员不能移交案件，请由代表工委或联络员办理")
	case in.To == "":
		return nil, zhitong.Invalid("to", "请选择接收案件的上级或下级人大常委会")
	case utf8.RuneCountInString(in.Reason) < 2:
		return nil, zhitong.Invalid("reason", "请填写移交理由（至少 2 个字）")
	case utf8.RuneCountInString(in.Reason) > maxReason:
		return nil, zhitong.Invalid("reason", "移交理由最多 %d 个字", maxReason)
	case strings.ContainsFunc(in.Reason, func(r rune) bool { return r < 0x20 && r != '\n' && r != '\r' && r != '\t' || r == 0x7f }):
		return nil, zhitong.Invalid("reason", "移交理由含有不允许的控制字符")
	}
	return s.app.Transfer(ctx, p, id, in.Version, func(ctx context.Context, tx *store.Tx, c *store.CaseRecord, ev *zhitong.Event) error {
		from, ts, err := targets(ctx, tx, p, c)
		if err != nil {
			return err
		}
		if from == "" {
			return zhitong.Invalid("to", "案件所在地区未设置人大常委会，无法移交")
		}
		var to *Target
		for i := range ts {
			if ts[i].RegionCode == in.To {
				to = &ts[i]
			}
		}
		if to == nil {
			if in.To == from {
				return zhitong.Invalid("to", "案件已由该人大常委会办理，无需移交")
			}
			return zhitong.Invalid("to", "只能移交给本级的上级人大常委会，或辖区内管辖案件所在地的下级人大常委会；所选机构不在其中")
		}
		fromOrg, err := store.OrganisationFor(ctx, tx, from)
		if err != nil {
			return err
		}
		dir, word := DirDown, "下级"
		if to.Up {
			dir, word = DirUp, "上级"
		}
		dueBefore := c.DueDate
		c.DueFrom, c.DueDays, c.DueDate, c.DueProvisional, c.LeadUnitID = "", 0, "", false, 0
		c.HeldBy = to.RegionCode
		if _, err := tx.Exec(ctx, `UPDATE cases SET held_by = ? WHERE id = ?`, to.RegionCode, c.ID); err != nil {
			return err
		}
		now := s.app.Clock().Now()
		var tid int64
		if err := tx.QueryRow(ctx, `INSERT INTO levels_transfers (case_id, from_org, to_org, direction, reason, actor_id, actor_name, due_before, at)
 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, c.ID, from, to.RegionCode, dir, in.Reason, p.UserID, p.Name, dueBefore,
			store.FormatTime(now)).Scan(&tid); err != nil {
			return err
		}
		ev.Note = "由" + fromOrg.Name + "移交" + word + to.Name + "办理。理由：" + in.Reason
		ev.Public = "您反映的问题已移交" + to.Name + "办理"
		key := "levels:transfer:" + strconv.FormatInt(tid, 10)
		staff, err := store.OfficeUserIDs(ctx, tx, p.UserID, from, to.RegionCode)
		if err != nil {
			return err
		}
		vars := map[string]string{"code": c.Code, "title": c.Title, "from": fromOrg.Name, "to": to.Name, "reason": in.Reason}
		if err := s.app.NotifyCase(ctx, tx, key+":staff", "staff.case_transferred", c, staff, false, vars); err != nil {
			return err
		}
		if err := s.app.NotifyCase(ctx, tx, key+":citizen", "case.transferred", c, nil, true, map[string]string{"code": c.Code, "to": to.Name}); err != nil {
			return err
		}
		return s.app.AppendAudit(ctx, tx, p, "levels.transfer", "case:"+strconv.FormatInt(c.ID, 10), map[string]any{
			"code": c.Code, "from": from, "to": to.RegionCode, "direction": dir, "reason": in.Reason, "due_before": dueBefore})
	})
}
