package app

import (
	"context"
	"errors"
	"slices"

	"zhitong"
	"zhitong/internal/store"
)

// MaxBatchAssign is the most cases one batch assignment (and its one
// 交办函) takes.
const MaxBatchAssign = 50

// BatchAssignInput hands several cases to one lead unit with one deadline
// (批量交办).
type BatchAssignInput struct {
	CaseIDs  []int64 `json:"case_ids"`
	LeadUnit int64   `json:"lead_unit_id"`
	Days     int     `json:"days"` // working days; 0 takes the deadline policy's default for each case
	Note     string  `json:"note"`
}

// AssignBatch assigns every case of in to its lead unit in one
// transaction: each case gets its own assignment step (event, notices,
// audit entry), then the Assigned hooks run once with all of them (one
// 交办函, numbered once, listing every case). Any case that does not exist,
// lies outside p's jurisdiction or cannot be assigned refuses the whole
// batch with a field error naming it, and nothing is written.
func (a *App) AssignBatch(ctx context.Context, p zhitong.Principal, in BatchAssignInput) ([]*zhitong.Case, error) {
	if !p.May(zhitong.ActionAssign) {
		return nil, zhitong.Errorf(zhitong.EFORBIDDEN, "您的角色（%s）无权交办案件", zhitong.Label(zhitong.Roles, p.Role))
	}
	if len(in.CaseIDs) == 0 {
		return nil, zhitong.Invalid("case_ids", "请选择要交办的案件")
	}
	if len(in.CaseIDs) > MaxBatchAssign {
		return nil, zhitong.Invalid("case_ids", "一次最多交办 %d 件案件", MaxBatchAssign)
	}
	seen := map[int64]bool{}
	for _, id := range in.CaseIDs {
		if seen[id] {
			return nil, zhitong.Invalid("case_ids", "案件 #%d 选了两次", id)
		}
		seen[id] = true
	}
	one := AssignInput{LeadUnit: in.LeadUnit, Days: in.Days, Note: in.Note}
	if err := checkAssignInput(one); err != nil {
		return nil, err
	}
	// In case number order: two batches sharing cases take their rows in
	// the same order (no deadlock), and the letter lists them so.
	ids := slices.Sorted(slices.Values(in.CaseIDs))
	var out []*zhitong.Case
	err := a.db.Write(ctx, func(tx *store.Tx) error {
		out = out[:0]
		if _, err := a.checkCaseRefs(ctx, tx, p, "case_ids", zhitong.ActionAssign, ids); err != nil {
			return err
		}
		cases := make([]*store.CaseRecord, 0, len(ids))
		for _, id := range ids {
			c, err := a.assignTx(ctx, tx, p, id, one)
			if err != nil {
				return batchError(id, err)
			}
			cases, out = append(cases, c), append(out, &c.Case)
		}
		return a.runAssignedHooks(ctx, tx, p, cases)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// batchError names the case a refusal is about: a field error of the case
// itself (its state, say) becomes one on case_ids; one about another field
// (the unit does not serve this case's county) keeps its field.
func batchError(id int64, err error) error {
	var e *zhitong.Error
	if !errors.As(err, &e) {
		return err
	}
	switch {
	case e.Field != "" && e.Field != "case_ids":
		return zhitong.Invalid(e.Field, "案件 #%d：%s", id, e.Message)
	case e.Code == zhitong.EINVALID || e.Code == zhitong.ECONFLICT || e.Code == zhitong.EFORBIDDEN || e.Code == zhitong.ENOTFOUND:
		return zhitong.Invalid("case_ids", "案件 #%d：%s", id, e.Message)
	}
	return err
}
