package app

import (
	"context"
	"slices"
	"strings"
	"time"

	"zhitong"
	"zhitong/internal/store"
)

// Duty records feed points, the public scorecards and the county sentence,
// so they are checked before they count (docs/points.md, “Recording”).
const (
	// maxVisitors bounds the citizens one reception record may claim: a
	// reception day is a morning or a day at one station; one citizen a
	// minute for eight hours is 480.
	maxVisitors = 500
	// recordWindowDays is how long after the day a deputy may record or
	// correct it; later, staff enter it (补录) with a reason.
	recordWindowDays = 30
	// lateEntryDays is how far back staff may enter a record: the year a
	// report to voters covers, and no further.
	lateEntryDays = 366
)

// validateRecord checks in against the rules and p's jurisdiction and
// returns the record to store. old is the record being corrected, nil for
// a new one.
func (a *App) validateRecord(ctx context.Context, p zhitong.Principal, in *RecordInput, old *zhitong.DutyRecord) (*zhitong.DutyRecord, error) {
	if err := checkRecordFields(in); err != nil {
		return nil, err
	}
	if err := a.checkRecordDay(p, in, old); err != nil {
		return nil, err
	}
	rec := &zhitong.DutyRecord{Kind: in.Kind, Activity: in.Activity, Day: in.Day, Title: in.Title, Visitors: in.Visitors,
		Answered: in.Answered, Result: in.Result, Others: in.Others, CreatedAt: a.clock.Now(), CreatedBy: p.UserID}
	if rec.Title == "" {
		rec.Title = "接待日"
	}
	if err := a.recordPlace(ctx, p, in, rec); err != nil {
		return nil, err
	}
	if err := a.checkReceptionDay(ctx, p, rec); err != nil {
		return nil, err
	}
	return rec, nil
}

// checkRecordFields checks what a record says, whoever enters it.
func checkRecordFields(in *RecordInput) error {
	if !zhitong.Valid(zhitong.RecordKinds, in.Kind) {
		return zhitong.Invalid("kind", "记录类型“%s”无效", in.Kind)
	}
	if in.Kind == zhitong.RecordActivity {
		if !zhitong.Valid(zhitong.ActivityKinds, in.Activity) {
			return zhitong.Invalid("activity", "请选择活动类型")
		}
	} else if in.Activity != "" {
		return zhitong.Invalid("activity", "只有组织活动需要填写活动类型")
	}
	in.Title, in.Answered, in.Result, in.Others = strings.TrimSpace(in.Title), strings.TrimSpace(in.Answered), strings.TrimSpace(in.Result), strings.TrimSpace(in.Others)
	in.Reason = strings.TrimSpace(in.Reason)
	for _, f := range []struct {
		field, label, v string
		max             int
	}{{"title", "主题", in.Title, maxTitle}, {"answered", "当场解答情况", in.Answered, maxBody},
		{"result", "结果", in.Result, maxBody}, {"others", "其他参加人员", in.Others, maxShort}, {"reason", "原因", in.Reason, maxShort}} {
		if err := checkLen(f.field, f.label, f.v, 0, f.max); err != nil {
			return err
		}
	}
	if in.Kind != zhitong.RecordReception && in.Title == "" {
		return zhitong.Invalid("title", "请填写主题")
	}
	if in.Kind == zhitong.RecordMediation && in.Result == "" {
		return zhitong.Invalid("result", "请填写调解结果")
	}
	if in.Visitors < 0 || in.Visitors > maxVisitors {
		return zhitong.Invalid("visitors", "接待群众人次应在 0 到 %d 之间（一次接待日）", maxVisitors)
	}
	if in.Kind != zhitong.RecordReception && in.Visitors != 0 {
		return zhitong.Invalid("visitors", "只有接待记录登记接待人次")
	}
	if len(in.Cases)+len(in.LinkCases) > 100 {
		return zhitong.Invalid("cases", "一条记录最多关联 100 件意见建议")
	}
	return nil
}

// checkRecordDay keeps records to the past and, for deputies, to the
// window after the day; staff enter older records (补录) with a reason.
// Staff correcting an old record without moving its day are not held to
// the late-entry bound.
func (a *App) checkRecordDay(p zhitong.Principal, in *RecordInput, old *zhitong.DutyRecord) error {
	day, err := time.Parse(time.DateOnly, in.Day)
	if err != nil {
		return zhitong.Invalid("day", "日期“%s”无效，格式为 YYYY-MM-DD", in.Day)
	}
	today := a.today()
	if day.After(today) {
		return zhitong.Invalid("day", "不能登记未来日期的履职记录")
	}
	age := int(today.Sub(day).Hours() / 24)
	switch {
	case p.Role == zhitong.RoleDeputy && age > recordWindowDays:
		return zhitong.Invalid("day", "代表只能登记或更正 %d 天内（%s 以后）的履职记录；更早的请联系联络站工作人员补录",
			recordWindowDays, today.AddDate(0, 0, -recordWindowDays).Format(time.DateOnly))
	case p.Role == zhitong.RoleDeputy || (old != nil && old.Day == in.Day):
		return nil
	case age > lateEntryDays:
		return zhitong.Invalid("day", "只能补录 %d 天内（%s 以后）的履职记录", lateEntryDays, today.AddDate(0, 0, -lateEntryDays).Format(time.DateOnly))
	case age > recordWindowDays && in.Reason == "":
		return zhitong.Invalid("reason", "补录 %d 天以前的履职记录，请填写补录原因", recordWindowDays)
	}
	return nil
}

// recordPlace resolves and checks the station and deputies of a record.
func (a *App) recordPlace(ctx context.Context, p zhitong.Principal, in *RecordInput, rec *zhitong.DutyRecord) error {
	if in.StationID == 0 && p.StationID != 0 {
		in.StationID = p.StationID
	}
	if p.Role == zhitong.RoleDeputy && len(in.DeputyIDs) == 0 {
		in.DeputyIDs = []int64{p.DeputyID}
	}
	if len(in.DeputyIDs) == 0 {
		return zhitong.Invalid("deputy_ids", "请选择参加的代表")
	}
	if len(in.DeputyIDs) > 50 {
		return zhitong.Invalid("deputy_ids", "参加代表不能超过 50 人")
	}
	if p.Role == zhitong.RoleDeputy && !slices.Contains(in.DeputyIDs, p.DeputyID) {
		return zhitong.Errorf(zhitong.EFORBIDDEN, "代表只能登记本人参加的履职记录")
	}
	var deputies []zhitong.Deputy
	for _, id := range in.DeputyIDs {
		if slices.Contains(rec.DeputyIDs, id) {
			return zhitong.Invalid("deputy_ids", "参加代表重复")
		}
		d, err := store.GetDeputy(ctx, a.db, id)
		if err != nil {
			return asInvalid("deputy_ids", err)
		}
		deputies = append(deputies, d)
		rec.DeputyIDs = append(rec.DeputyIDs, id)
	}
	rec.RegionCode = deputies[0].RegionCode
	if in.StationID != 0 {
		st, err := store.GetStation(ctx, a.db, in.StationID)
		if err != nil {
			return asInvalid("station_id", err)
		}
		rec.StationID = st.ID
		if rec.RegionCode, err = a.stationRegionFor(ctx, a.db, p, st); err != nil {
			return err
		}
	} else if in.Kind == zhitong.RecordReception {
		return zhitong.Invalid("station_id", "请选择接待的联络站")
	}
	var err error
	if p.Role == zhitong.RoleDeputy {
		err = a.checkDeputyRecorder(ctx, p, rec, deputies)
	} else {
		err = a.checkStaffRecorder(ctx, p, rec, deputies)
	}
	if err != nil {
		return err
	}
	if rec.Kind == zhitong.RecordReception {
		return a.checkPosted(ctx, rec.StationID, deputies)
	}
	return nil
}

// checkStaffRecorder: staff record for deputies they cover, at a station
// or in a region of their jurisdiction.
func (a *App) checkStaffRecorder(ctx context.Context, p zhitong.Principal, rec *zhitong.DutyRecord, deputies []zhitong.Deputy) error {
	for _, d := range deputies {
		ok, err := a.deputyCovered(ctx, a.db, p, d)
		if err != nil {
			return err
		}
		if !ok {
			return zhitong.Errorf(zhitong.EFORBIDDEN, "所选代表不在您的管辖范围内")
		}
	}
	if !p.Sees(zhitong.Scope{RegionCode: rec.RegionCode, StationID: rec.StationID}) {
		return zhitong.Errorf(zhitong.EFORBIDDEN, "该联络站或地区不在您的管辖范围内")
	}
	return nil
}

// checkDeputyRecorder: a deputy records at the stations they are posted to;
// a reception is their own alone; a mediation or activity may name
// colleagues posted to the record's station (without one: to a station the
// recorder is posted to). Anyone else is recorded by staff.
func (a *App) checkDeputyRecorder(ctx context.Context, p zhitong.Principal, rec *zhitong.DutyRecord, deputies []zhitong.Deputy) error {
	mine, err := store.DeputyStationIDs(ctx, a.db, p.DeputyID)
	if err != nil {
		return err
	}
	if rec.StationID != 0 && !slices.Contains(mine, rec.StationID) {
		return zhitong.Invalid("station_id", "您未被安排在该联络站，只能登记您所在联络站的履职记录")
	}
	if rec.Kind == zhitong.RecordReception && len(deputies) > 1 {
		return zhitong.Invalid("deputy_ids", "接待记录由每位代表登记本人的接待；其他代表请各自登记或由联络站工作人员登记")
	}
	for _, d := range deputies {
		if d.ID == p.DeputyID {
			continue
		}
		theirs, err := store.DeputyStationIDs(ctx, a.db, d.ID)
		if err != nil {
			return err
		}
		colleague := slices.ContainsFunc(theirs, func(id int64) bool { return slices.Contains(mine, id) })
		if rec.StationID != 0 {
			colleague = slices.Contains(theirs, rec.StationID)
		}
		if !colleague {
			return zhitong.Invalid("deputy_ids", "代表%s不在您所在的联络站，不能由您登记其履职；请联系联络站工作人员登记", d.Name)
		}
	}
	return nil
}

// checkPosted: a reception record is of deputies posted to its station.
func (a *App) checkPosted(ctx context.Context, stationID int64, deputies []zhitong.Deputy) error {
	for _, d := range deputies {
		ids, err := store.DeputyStationIDs(ctx, a.db, d.ID)
		if err != nil {
			return err
		}
		if !slices.Contains(ids, stationID) {
			return zhitong.Invalid("deputy_ids", "代表%s未被安排在该联络站，不能登记该站的接待记录", d.Name)
		}
	}
	return nil
}

// checkReceptionDay: a deputy's own reception record is of a reception day
// of the station, or of a planned or checked-in duty of theirs there that
// day. Staff entries are the office's word and need neither.
func (a *App) checkReceptionDay(ctx context.Context, p zhitong.Principal, rec *zhitong.DutyRecord) error {
	if p.Role != zhitong.RoleDeputy || rec.Kind != zhitong.RecordReception {
		return nil
	}
	status, err := store.DutyStatus(ctx, a.db, rec.StationID, p.DeputyID, rec.Day)
	switch {
	case err != nil:
		return err
	case status == "checked_in" || status == "planned":
		return nil
	case status == "no_show" || status == "excused":
		return zhitong.Invalid("day", "您 %s 的值班记为%s；如当天实际进站接待，请联系联络站工作人员补登",
			rec.Day, map[string]string{"no_show": "缺席", "excused": "请假"}[status])
	}
	day, _ := time.Parse(time.DateOnly, rec.Day)
	days, err := a.receptionDays(ctx, a.db, rec.StationID, day, day)
	if err != nil {
		return err
	}
	if len(days) == 0 {
		return zhitong.Invalid("day", "%s 不是该联络站的接待日，您当天也没有值班安排；如确实进站接待，请联络站工作人员登记", rec.Day)
	}
	return nil
}
