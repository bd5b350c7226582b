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
	if err := checkLen("reason", "理由", in.Reason, 1, maxNote); err != nil {
		return nil, err
	}
	return a.changeProposal(ctx, p, id, "代表建议的承办单位由代表工委确定", func(tx *store.Tx, prop *zhitong.Proposal) (proposalChange, error) {
		if in.UnitID == prop.UnitID {
			return proposalChange{}, zhitong.Invalid("unit_id", "该代表建议已由这个单位承办")
		}
		unit, err := a.checkUnitRef(ctx, tx, p, "unit_id", in.UnitID, prop.RegionCode)
		if err != nil {
			return proposalChange{}, err
		}
		reason := strings.TrimSpace(in.Reason)
		note := "确定承办单位为“" + unit.Name + "”：" + reason
		if prop.UnitID != 0 {
			note = "承办单位由“" + a.proposalUnit(ctx, tx, prop).Name + "”改为“" + unit.Name + "”：" + reason
		}
		if err := tx.SetProposalUnit(ctx, prop.ID, unit.ID); err != nil {
			return proposalChange{}, err
		}
		old := prop.UnitID
		prop.UnitID = unit.ID
		pid := strconv.FormatInt(prop.ID, 10)
		return proposalChange{kind: "unit", note: note, audit: map[string]any{"old_unit": old, "new_unit": unit.ID, "reason": reason},
			done: func(s *zhitong.SupervisionAction) error {
				_, err := a.notify(ctx, tx, Notice{Key: "proposal:" + pid + ":unit:" + strconv.FormatInt(s.ID, 10),
					Template: "proposal.assigned", UnitID: unit.ID,
					Vars: map[string]string{"id": pid, "title": prop.Title, "unit": unit.Name, "due": prop.DueDate, "url": "/work/proposals/" + pid}})
				return err
			}}, nil
	})
}
