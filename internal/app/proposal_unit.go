package app

import (
	"context"
	"strconv"
	"strings"

	"zhitong"
	"zhitong/internal/store"
)

// ProposalUnitInput names the unit that handles a deputy proposal and why
// it is set or changed.
type ProposalUnitInput struct {
	UnitID int64  `json:"unit_id"`
	Reason string `json:"reason"`
}

// SetProposalUnit sets or changes the handling unit (承办单位) of an open
// proposal: committee staff decide it, often after the deputy filed it. The
// change is a supervision record of the proposal (kind "unit"), a note on
// each bundled case, an audit entry, and a notice to the new unit's
// handlers. The deadline does not move; reminders and letters from now on
// go to the new unit.
func (a *App) SetProposalUnit(ctx context.Context, p zhitong.Principal, id int64, in ProposalUnitInput) (*ProposalView, error) {
	if p.Role != zhitong.RoleCommittee {
		return nil, zhitong.Errorf(zhitong.EFORBIDDEN, "代表建议的承办单位由代表工委确定")
	}
	if err := checkLen("reason", "理由", in.Reason, 1, maxNote); err != nil {
		return nil, err
	}
	var out *zhitong.Proposal
	err := a.db.Write(ctx, func(tx *store.Tx) error {
		prop, err := store.GetProposal(ctx, tx, id)
		if err != nil {
			return err
		}
		if !strings.HasPrefix(prop.RegionCode, p.RegionCode) {
			return zhitong.Errorf(zhitong.EFORBIDDEN, "该代表建议不在您的管辖范围内")
		}
		switch {
		case prop.State != "open":
			return zhitong.Errorf(zhitong.ECONFLICT, "该代表建议已答复")
		case len(prop.CaseIDs) == 0:
			return zhitong.Errorf(zhitong.ECONFLICT, "该代表建议没有合并的案件")
		case in.UnitID == prop.UnitID:
			return zhitong.Invalid("unit_id", "该代表建议已由这个单位承办")
		}
		unit, err := store.GetUnit(ctx, tx, in.UnitID)
		if err != nil || !strings.HasPrefix(unit.RegionCode, p.RegionCode) {
			return zhitong.Invalid("unit_id", "请从列表中选择本辖区的承办单位")
		}
		old := a.proposalUnit(ctx, tx, prop).Name
		reason := strings.TrimSpace(in.Reason)
		note := "承办单位由“" + old + "”改为“" + unit.Name + "”：" + reason
		if prop.UnitID == 0 {
			note = "确定承办单位为“" + unit.Name + "”：" + reason
		}
		first, err := store.GetCase(ctx, tx, prop.CaseIDs[0])
		if err != nil {
			return err
		}
		s := &zhitong.SupervisionAction{CaseID: first.ID, Round: first.Round, ProposalID: prop.ID, Kind: "unit",
			Level: zhitong.LevelNone, At: a.clock.Now(), Note: note, By: p.UserID}
		if err := tx.InsertSupervisionAction(ctx, s, ""); err != nil {
			return err
		}
		if err := tx.SetProposalUnit(ctx, prop.ID, unit.ID); err != nil {
			return err
		}
		pid := strconv.FormatInt(prop.ID, 10)
		if err := a.proposalEvents(ctx, tx, prop, p.Name, p.UserID, "代表建议 #"+pid+" "+note); err != nil {
			return err
		}
		if err := a.audit(ctx, tx, p, "proposal.unit", "proposal:"+pid,
			map[string]any{"old_unit": prop.UnitID, "new_unit": unit.ID, "reason": reason}); err != nil {
			return err
		}
		_, err = a.notify(ctx, tx, Notice{Key: "proposal:" + pid + ":unit:" + strconv.FormatInt(unit.ID, 10) + ":" + strconv.FormatInt(s.ID, 10),
			Template: "proposal.assigned", UnitID: unit.ID,
			Vars: map[string]string{"id": pid, "title": prop.Title, "unit": unit.Name, "due": prop.DueDate, "url": "/work/proposals/" + pid}})
		prop.UnitID, out = unit.ID, prop
		return err
	})
	if err != nil {
		return nil, err
	}
	return a.proposalView(ctx, out)
}
