package app

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"

	"zhitong"
	"zhitong/internal/store"
)

// RecordInput is a new reception record (接待记录), mediation (调解纠纷) or
// organised activity (专题调研、集中视察 …). Cases raised in it are taken in
// through the ordinary intake in the same transaction (Cases), or linked when
// already registered (LinkCases: tracking codes or case ids).
type RecordInput struct {
	Kind      zhitong.RecordKind `json:"kind"`
	Activity  string             `json:"activity"`
	Day       string             `json:"day"`
	StationID int64              `json:"station_id"`
	Title     string             `json:"title"`
	Visitors  int                `json:"visitors"`
	Answered  string             `json:"answered"`
	Result    string             `json:"result"`
	Others    string             `json:"others"`
	DeputyIDs []int64            `json:"deputy_ids"`
	Cases     []IntakeInput      `json:"cases"`
	LinkCases []string           `json:"link_cases"`
	Reason    string             `json:"reason"` // why staff enter a record late (补录)
}

// recordRoles may write duty records; a deputy only records their own.
var recordRoles = []zhitong.Role{zhitong.RoleCommittee, zhitong.RoleStationHead, zhitong.RoleOfficer, zhitong.RoleDeputy}

// CreateRecord stores a duty record with the cases it raised and refreshes
// the point ledgers of its deputies, all in one transaction.
func (a *App) CreateRecord(ctx context.Context, p zhitong.Principal, in RecordInput) (*zhitong.DutyRecord, error) {
	if !p.Staff() {
		return nil, zhitong.Errorf(zhitong.EUNAUTHORIZED, "请先登录")
	}
	if !slices.Contains(recordRoles, p.Role) {
		return nil, zhitong.Errorf(zhitong.EFORBIDDEN, "您的角色（%s）无权登记履职记录", zhitong.Label(zhitong.Roles, p.Role))
	}
	rec, err := a.validateRecord(ctx, p, &in, nil)
	if err != nil {
		return nil, err
	}
	intakes, err := a.recordIntakes(ctx, p, rec, in.Cases)
	if err != nil {
		return nil, err
	}
	err = a.db.Write(ctx, func(tx *store.Tx) error {
		rec.CaseIDs = nil
		for _, link := range in.LinkCases {
			id, err := a.linkableCase(ctx, tx, p, link)
			if err != nil {
				return err
			}
			if !slices.Contains(rec.CaseIDs, id) {
				rec.CaseIDs = append(rec.CaseIDs, id)
			}
		}
		for i := range intakes {
			c := a.newCase(p, intakes[i].in, intakes[i].status)
			if err := a.insertCase(ctx, tx, p, c, intakes[i].in.Anonymous); err != nil {
				return err
			}
			rec.CaseIDs = append(rec.CaseIDs, c.ID)
		}
		if err := tx.InsertDutyRecord(ctx, rec); err != nil {
			return err
		}
		facts := recordFacts(rec)
		if in.Reason != "" {
			facts["late_reason"] = in.Reason
		}
		if err := a.audit(ctx, tx, p, "duty_record.create", recordObject(rec.ID), facts); err != nil {
			return err
		}
		return a.refreshLedgers(ctx, tx, rec.DeputyIDs)
	})
	if err != nil {
		return nil, err
	}
	return store.GetDutyRecord(ctx, a.db, rec.ID)
}

type pendingIntake struct {
	in     IntakeInput
	status zhitong.Status
}

// recordIntakes checks the new cases raised in a record before the
// transaction opens, the way Intake does, defaulting their channel, station
// and deputy to the record's.
func (a *App) recordIntakes(ctx context.Context, p zhitong.Principal, rec *zhitong.DutyRecord, cases []IntakeInput) ([]pendingIntake, error) {
	if len(cases) > 0 && !p.May(zhitong.ActionIntake) {
		return nil, zhitong.Errorf(zhitong.EFORBIDDEN, "您的角色无权登记案件")
	}
	out := make([]pendingIntake, 0, len(cases))
	for i, in := range cases {
		if in.Channel == "" {
			in.Channel = zhitong.ChannelWalkIn
			if rec.Kind == zhitong.RecordActivity {
				in.Channel = zhitong.ChannelSurvey
			}
		}
		if in.StationID == 0 {
			in.StationID = rec.StationID
		}
		if in.DeputyID == 0 {
			in.DeputyID = rec.DeputyIDs[0]
		}
		if in.ExternalID != "" {
			return nil, zhitong.Invalid("cases["+strconv.Itoa(i)+"].external_id", "现场收集的意见建议没有外部编号")
		}
		status, err := intakeStatus(p, &in)
		if err == nil {
			err = a.checkNewCase(ctx, p, &in)
		}
		if err != nil {
			return nil, caseFieldError(i, err)
		}
		out = append(out, pendingIntake{in: in, status: status})
	}
	return out, nil
}

// caseFieldError names the case a field error belongs to: cases[2].body.
func caseFieldError(i int, err error) error {
	var e *zhitong.Error
	if errors.As(err, &e) && e.Field != "" {
		return &zhitong.Error{Code: e.Code, Field: "cases[" + strconv.Itoa(i) + "]." + e.Field,
			Message: "第 " + strconv.Itoa(i+1) + " 件意见建议：" + e.Message}
	}
	return err
}

// linkableCase resolves a tracking code or case id that p may see.
func (a *App) linkableCase(ctx context.Context, tx *store.Tx, p zhitong.Principal, ref string) (int64, error) {
	ref = strings.TrimSpace(ref)
	var c *store.CaseRecord
	var err error
	if id, perr := strconv.ParseInt(ref, 10, 64); perr == nil {
		c, err = store.GetCase(ctx, tx, id)
	} else if code, ok := NormalizeCode(ref); ok {
		c, err = store.GetCaseByCode(ctx, tx, code)
	} else {
		return 0, zhitong.Invalid("link_cases", "“%s”不是有效的查询码或案件编号", ref)
	}
	if err != nil {
		return 0, asInvalid("link_cases", err)
	}
	if _, err := a.checkCaseRef(ctx, tx, p, "link_cases", c.ID); err != nil {
		return 0, err
	}
	return c.ID, nil
}

// RecordQuery selects duty records for a list.
type RecordQuery struct {
	Kind     zhitong.RecordKind
	DeputyID int64
	From, To string
	Limit    int
}

// Records lists the duty records in p's jurisdiction, voided ones included
// (marked), so staff see what was corrected.
func (a *App) Records(ctx context.Context, p zhitong.Principal, q RecordQuery) ([]*zhitong.DutyRecord, error) {
	if !p.Staff() {
		return nil, zhitong.Errorf(zhitong.EUNAUTHORIZED, "请先登录")
	}
	if !p.May(zhitong.ActionView) {
		return nil, zhitong.Errorf(zhitong.EFORBIDDEN, "您的角色无权查看履职记录")
	}
	if q.Kind != "" && !zhitong.Valid(zhitong.RecordKinds, q.Kind) {
		return nil, zhitong.Invalid("kind", "记录类型“%s”无效", q.Kind)
	}
	from, to, err := optionalPeriod(q.From, q.To)
	if err != nil {
		return nil, err
	}
	f := store.RecordFilter{RegionPrefix: p.RegionCode, StationID: p.StationID, DeputyID: q.DeputyID, Kind: q.Kind, From: from, To: to,
		Limit: max(q.Limit, 0), WithVoided: true}
	if p.Role == zhitong.RoleDeputy {
		f.DeputyID = p.DeputyID
	}
	if p.Role == zhitong.RoleUnit {
		return nil, zhitong.Errorf(zhitong.EFORBIDDEN, "承办单位无权查看履职记录")
	}
	return store.ListDutyRecords(ctx, a.db, f)
}

// Record returns one duty record in p's jurisdiction.
func (a *App) Record(ctx context.Context, p zhitong.Principal, id int64) (*zhitong.DutyRecord, error) {
	if !p.Staff() {
		return nil, zhitong.Errorf(zhitong.EUNAUTHORIZED, "请先登录")
	}
	r, err := store.GetDutyRecord(ctx, a.db, id)
	if err != nil {
		return nil, err
	}
	scope := zhitong.Scope{RegionCode: r.RegionCode, StationID: r.StationID}
	if slices.Contains(r.DeputyIDs, p.DeputyID) {
		scope.DeputyID = p.DeputyID
	}
	if !p.May(zhitong.ActionView) || p.Role == zhitong.RoleUnit || !p.Sees(scope) {
		return nil, zhitong.Errorf(zhitong.EFORBIDDEN, "该履职记录不在您的管辖范围内")
	}
	return r, nil
}

func recordObject(id int64) string { return "duty_record:" + strconv.FormatInt(id, 10) }

// recordFacts is what the audit log keeps of a record's content.
func recordFacts(r *zhitong.DutyRecord) map[string]any {
	return map[string]any{"kind": r.Kind, "activity": r.Activity, "day": r.Day, "station": r.StationID, "title": r.Title,
		"deputies": r.DeputyIDs, "cases": r.CaseIDs, "visitors": r.Visitors}
}
