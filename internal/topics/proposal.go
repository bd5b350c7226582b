package topics

import (
	"context"
	"net/url"

	"zhitong"
	"zhitong/internal/app"
)

// ProposalInput turns a topic into a deputy proposal (代表建议).
type ProposalInput struct {
	Title    string `json:"title"`
	Body     string `json:"body"`
	DeputyID int64  `json:"deputy_id"`
	UnitID   int64  `json:"unit_id"`
	Complex  bool   `json:"complex"`
}

// ProposalResult says which of the topic's cases the proposal carries.
type ProposalResult struct {
	ProposalID int64   `json:"proposal_id"`
	Carried    []int64 `json:"carried"` // cases now part of the proposal
	Skipped    []int64 `json:"skipped"` // cases whose state does not allow it (already assigned, closed…)
}

// ToProposal makes one deputy proposal of the topic v names (as CaseIDs)
// in one step, through app.Propose: the first case the state allows
// creates it, every other such case joins it. Cases past registration
// (assigned, replied, closed…) cannot become a proposal and are listed as
// skipped; none allowed is a conflict.
func (s *Service) ToProposal(ctx context.Context, p zhitong.Principal, v url.Values, in ProposalInput) (*ProposalResult, error) {
	if !p.May(zhitong.ActionPropose) || p.Role != zhitong.RoleCommittee {
		return nil, zhitong.Errorf(zhitong.EFORBIDDEN, "只有代表工委可以把热点转为代表建议")
	}
	ids, _, err := s.CaseIDs(ctx, p, v)
	if err != nil {
		return nil, err
	}
	res := &ProposalResult{Carried: []int64{}, Skipped: []int64{}}
	for _, id := range ids {
		c, err := s.app.Get(ctx, p, id)
		if err != nil {
			return nil, err
		}
		if c.Status.CanDo(zhitong.ActionPropose) != nil {
			res.Skipped = append(res.Skipped, id)
			continue
		}
		pi := app.ProposeInput{Version: c.Version, ProposalID: res.ProposalID}
		if res.ProposalID == 0 {
			pi.Title, pi.Body, pi.DeputyID, pi.UnitID, pi.Complex = in.Title, in.Body, in.DeputyID, in.UnitID, in.Complex
		}
		after, err := s.app.Propose(ctx, p, id, pi)
		if err != nil {
			return nil, err
		}
		res.ProposalID = after.ProposalID
		res.Carried = append(res.Carried, id)
	}
	if res.ProposalID == 0 {
		return nil, zhitong.Errorf(zhitong.ECONFLICT, "该热点的案件都已交办或办结，不能再转为代表建议（只有待分流或被退回的案件可以）")
	}
	return res, nil
}
