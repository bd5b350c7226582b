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
// in ONE transaction (app.ProposeCases): the first case the state allows
// creates it, every other such case joins it, each an audited step. Cases
// past registration (assigned, replied, closed…) cannot become a proposal
// and are listed as skipped; none allowed is a conflict; any error writes
// nothing.
func (s *Service) ToProposal(ctx context.Context, p zhitong.Principal, v url.Values, in ProposalInput) (*ProposalResult, error) {
	if !p.May(zhitong.ActionPropose) || p.Role != zhitong.RoleCommittee {
		return nil, zhitong.Errorf(zhitong.EFORBIDDEN, "只有代表工委可以把热点转为代表建议")
	}
	ids, _, err := s.CaseIDs(ctx, p, v)
	if err != nil {
		return nil, err
	}
	id, carried, skipped, err := s.app.ProposeCases(ctx, p, ids, app.ProposeInput{Title: in.Title, Body: in.Body, DeputyID: in.DeputyID,
		UnitID: in.UnitID, Complex: in.Complex})
	if err != nil {
		return nil, err
	}
	return &ProposalResult{ProposalID: id, Carried: carried, Skipped: skipped}, nil
}
