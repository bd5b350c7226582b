package app

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"zhitong"
	"zhitong/internal/store"
)

// SwapInput is a deputy's swap request (换班申请): exchange their duty with
// TargetDutyID, or hand it to TargetDeputyID (cover).
type SwapInput struct {
	DutyID         int64  `json:"duty_id"`
	Kind           string `json:"kind"`
	TargetDutyID   int64  `json:"target_duty_id"`
	TargetDeputyID int64  `json:"target_deputy_id"`
	Reason         string `json:"reason"`
}

// swappable loads a planned duty after today, for field.
func (a *App) swappable(ctx context.Context, q store.Q, field string, id int64) (*zhitong.Duty, error) {
	d, err := store.GetDuty(ctx, q, id)
	if err != nil {
		return nil, asInvalid(field, err)
	}
	if d.Status != zhitong.DutyPlanned || d.Day <= a.today().Format(time.DateOnly) {
		return nil, zhitong.Invalid(field, "只能调换今天以后、尚未进站的值班（%s）", d.Day)
	}
	return d, nil
}

// checkSwap checks that a swap can be applied now: both duties still
// planned, after today and as they were asked for, and nobody ends up twice
// on one day. It returns the duties to update.
func (a *App) checkSwap(ctx context.Context, q store.Q, w *zhitong.DutySwap) (mine, theirs *zhitong.Duty, err error) {
	mine, err = a.swappable(ctx, q, "duty_id", w.DutyID)
	if err != nil || mine.DeputyID != w.DeputyID || mine.Day != w.Day || mine.StationID != w.StationID {
		return nil, nil, zhitong.Errorf(zhitong.ECONFLICT, "申请调换的值班（%s）已变化，请重新申请", w.Day)
	}
	ids, err := stationDeputyIDs(ctx, q, w.StationID)
	if err != nil {
		return nil, nil, err
	}
	if !slices.Contains(ids, w.TargetDeputyID) {
		return nil, nil, zhitong.Errorf(zhitong.ECONFLICT, "%s已不是本站代表", w.TargetDeputyName)
	}
	busy := func(deputy int64, day string) error {
		on, err := store.ListDuties(ctx, q, store.DutyFilter{StationID: w.StationID, DeputyID: deputy, Day: day})
		if err != nil {
			return err
		}
		if len(on) > 0 {
			return zhitong.Errorf(zhitong.ECONFLICT, "%s当天（%s）已有值班", on[0].DeputyName, day)
		}
		return nil
	}
	if err := busy(w.TargetDeputyID, w.Day); err != nil {
		return nil, nil, err
	}
	if w.Kind == zhitong.SwapCover {
		return mine, nil, nil
	}
	theirs, err = a.swappable(ctx, q, "target_duty_id", w.TargetDutyID)
	if err != nil || theirs.DeputyID != w.TargetDeputyID || theirs.Day != w.TargetDay || theirs.StationID != w.StationID {
		return nil, nil, zhitong.Errorf(zhitong.ECONFLICT, "对方的值班（%s）已变化，请重新申请", w.TargetDay)
	}
	return mine, theirs, busy(w.DeputyID, w.TargetDay)
}

// RequestSwap stores a deputy's swap request and notifies the other deputy
// and the station's staff.
func (a *App) RequestSwap(ctx context.Context, p zhitong.Principal, in SwapInput) (*zhitong.DutySwap, error) {
	if !p.Staff() {
		return nil, zhitong.Errorf(zhitong.EUNAUTHORIZED, "请先登录")
	}
	if p.Role != zhitong.RoleDeputy || p.DeputyID == 0 {
		return nil, zhitong.Errorf(zhitong.EFORBIDDEN, "换班申请由代表本人提出")
	}
	in.Reason = strings.TrimSpace(in.Reason)
	if err := checkLen("reason", "换班事由", in.Reason, 0, maxShort); err != nil {
		return nil, err
	}
	if !zhitong.Valid(zhitong.SwapKinds, in.Kind) {
		return nil, zhitong.Invalid("kind", "请选择换班或代班")
	}
	w := &zhitong.DutySwap{Kind: in.Kind, Reason: in.Reason, Status: zhitong.SwapPending, CreatedAt: a.clock.Now()}
	err := a.db.Write(ctx, func(tx *store.Tx) error {
		mine, err := a.swappable(ctx, tx, "duty_id", in.DutyID)
		if err != nil {
			return err
		}
		if mine.DeputyID != p.DeputyID {
			return zhitong.Errorf(zhitong.EFORBIDDEN, "只能调换本人的值班")
		}
		w.StationID, w.DutyID, w.DeputyID, w.Day = mine.StationID, mine.ID, mine.DeputyID, mine.Day
		if in.Kind == zhitong.SwapExchange {
			theirs, err := a.swappable(ctx, tx, "target_duty_id", in.TargetDutyID)
			if err != nil {
				return err
			}
			if theirs.StationID != mine.StationID || theirs.DeputyID == p.DeputyID {
				return zhitong.Invalid("target_duty_id", "请选择本站其他代表的值班")
			}
			w.TargetDutyID, w.TargetDeputyID, w.TargetDay = theirs.ID, theirs.DeputyID, theirs.Day
		} else {
			if in.TargetDeputyID == 0 || in.TargetDeputyID == p.DeputyID {
				return zhitong.Invalid("target_deputy_id", "请选择代班的代表")
			}
			w.TargetDeputyID = in.TargetDeputyID
		}
		ids, err := stationDeputyIDs(ctx, tx, w.StationID)
		if err != nil {
			return err
		}
		if !slices.Contains(ids, w.TargetDeputyID) {
			return zhitong.Invalid("target_deputy_id", "该代表不属于本联络站")
		}
		if _, _, err := a.checkSwap(ctx, tx, w); err != nil {
			return err
		}
		for _, id := range []int64{w.DutyID, w.TargetDutyID} {
			if pending, err := store.ListSwaps(ctx, tx, store.SwapFilter{DutyID: id, Status: zhitong.SwapPending}); err != nil {
				return err
			} else if id != 0 && len(pending) > 0 {
				return zhitong.Errorf(zhitong.ECONFLICT, "该值班已有待审批的换班申请")
			}
		}
		if err := tx.InsertSwap(ctx, w, p.UserID); err != nil {
			return err
		}
		if err := a.audit(ctx, tx, p, "swap.request", "swap:"+strconv.FormatInt(w.ID, 10),
			map[string]any{"kind": w.Kind, "duty": w.DutyID, "day": w.Day, "target_deputy": w.TargetDeputyID, "target_duty": w.TargetDutyID, "reason": w.Reason}); err != nil {
			return err
		}
		return a.swapNotices(ctx, tx, w.ID, "requested")
	})
	if err != nil {
		return nil, err
	}
	return store.GetSwap(ctx, a.db, w.ID)
}

// swapNotices tells the people a swap concerns what happened to it.
func (a *App) swapNotices(ctx context.Context, tx *store.Tx, id int64, event string) error {
	w, err := store.GetSwap(ctx, tx, id)
	if err != nil {
		return err
	}
	vars := map[string]string{"station": w.StationName, "deputy": w.DeputyName, "day": w.Day, "target": w.TargetDeputyName,
		"target_day": w.TargetDay, "kind": zhitong.Label(zhitong.SwapKinds, w.Kind), "status": zhitong.Label(zhitong.SwapStatuses, w.Status)}
	key := "swap:" + strconv.FormatInt(w.ID, 10) + ":" + event
	// Each deputy in-app, or by SMS without an account (deputy_notify.go).
	tell := func(n Notice, deputies ...int64) error {
		for _, d := range deputies {
			if _, err := a.noticeDeputy(ctx, tx, d, n); err != nil {
				return err
			}
		}
		return nil
	}
	if event == "requested" {
		st, err := store.GetStation(ctx, tx, w.StationID)
		if err != nil {
			return err
		}
		staff, err := store.RosterStaffUserIDs(ctx, tx, st)
		if err != nil {
			return err
		}
		if _, err := a.notify(ctx, tx, Notice{Key: key + ":staff", Template: "staff.swap_requested", UserIDs: staff, Vars: vars}); err != nil {
			return err
		}
		return tell(Notice{Key: key + ":deputy", Template: "deputy.swap_requested", Vars: vars}, w.TargetDeputyID)
	}
	return tell(Notice{Key: key, Template: "deputy.swap_decided", Vars: vars}, w.DeputyID, w.TargetDeputyID)
}

// DecideSwap approves or rejects a pending swap. Approval re-checks that
// both duties are still planned and unchanged (ECONFLICT otherwise), moves
// the deputies and hands their bookings of those days to the deputy now on
// duty (handOverBookings) in the same transaction; the RosterSync says how
// many bookings moved and how many at the station are stranded.
func (a *App) DecideSwap(ctx context.Context, p zhitong.Principal, id int64, approve bool, note string) (*zhitong.DutySwap, *RosterSync, error) {
	note = strings.TrimSpace(note)
	if err := checkLen("note", "审批意见", note, 0, maxShort); err != nil {
		return nil, nil, err
	}
	sync := &RosterSync{}
	err := a.db.Write(ctx, func(tx *store.Tx) error {
		w, err := store.GetSwap(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := a.rosterStation(ctx, tx, p, w.StationID); err != nil {
			return err
		}
		if w.Status != zhitong.SwapPending {
			return zhitong.Errorf(zhitong.ECONFLICT, "该换班申请已处理（%s）", zhitong.Label(zhitong.SwapStatuses, w.Status))
		}
		now := a.clock.Now()
		w.Status, w.DecidedAt, w.DecidedBy, w.DecisionNote = zhitong.SwapRejected, &now, p.Name, note
		if approve {
			w.Status = zhitong.SwapApproved
			mine, theirs, err := a.checkSwap(ctx, tx, w)
			if err != nil {
				return err
			}
			mine.DeputyID = w.TargetDeputyID
			if err := tx.UpdateDuty(ctx, mine, zhitong.DutyPlanned); err != nil {
				return err
			}
			if theirs != nil {
				theirs.DeputyID = w.DeputyID
				if err := tx.UpdateDuty(ctx, theirs, zhitong.DutyPlanned); err != nil {
					return err
				}
			}
			if sync, err = a.handOverBookings(ctx, tx, p, w); err != nil {
				return err
			}
		}
		if err := tx.DecideSwap(ctx, w); err != nil {
			return err
		}
		if err := a.audit(ctx, tx, p, "swap."+map[bool]string{true: "approve", false: "reject"}[approve], "swap:"+strconv.FormatInt(id, 10),
			map[string]any{"kind": w.Kind, "duty": w.DutyID, "target_duty": w.TargetDutyID, "deputy": w.DeputyID, "target_deputy": w.TargetDeputyID,
				"note": note, "bookings_reassigned": sync.Reassigned}); err != nil {
			return err
		}
		if err := a.swapNotices(ctx, tx, id, w.Status); err != nil {
			return err
		}
		return a.expireSwaps(ctx, tx, p, w.StationID)
	})
	if err != nil {
		return nil, nil, err
	}
	sw, err := store.GetSwap(ctx, a.db, id)
	return sw, sync, err
}

// SwapQuery selects swap requests.
type SwapQuery struct {
	StationID int64
	Status    string
}

// Swaps lists swap requests: staff see those of the stations in their
// jurisdiction, a deputy those they asked for or are named in.
func (a *App) Swaps(ctx context.Context, p zhitong.Principal, q SwapQuery) ([]*zhitong.DutySwap, error) {
	if !p.Staff() {
		return nil, zhitong.Errorf(zhitong.EUNAUTHORIZED, "请先登录")
	}
	if q.Status != "" && !zhitong.Valid(zhitong.SwapStatuses, q.Status) {
		return nil, zhitong.Invalid("status", "状态“%s”无效", q.Status)
	}
	f := store.SwapFilter{StationID: q.StationID, Status: q.Status}
	switch {
	case p.Role == zhitong.RoleDeputy:
		f.DeputyID = p.DeputyID
	case !slices.Contains(rosterRoles, p.Role):
		return nil, zhitong.Errorf(zhitong.EFORBIDDEN, "您的角色（%s）无权查看换班申请", zhitong.Label(zhitong.Roles, p.Role))
	default:
		stations, err := a.RosterStations(ctx, p)
		if err != nil {
			return nil, err
		}
		f.StationIDs = []int64{}
		for _, st := range stations {
			if q.StationID == 0 || q.StationID == st.ID {
				f.StationIDs = append(f.StationIDs, st.ID)
			}
		}
		if q.StationID != 0 && len(f.StationIDs) == 0 {
			return nil, zhitong.Errorf(zhitong.EFORBIDDEN, "该联络站不在您的管辖范围内")
		}
	}
	out, err := store.ListSwaps(ctx, a.db, f)
	if out == nil {
		out = []*zhitong.DutySwap{}
	}
	return out, err
}

// expireSwaps rejects the station's pending swaps that a roster change made
// impossible (a duty removed, replaced or no longer planned, a deputy now on
// duty that day), so staff are not left with requests that can only fail,
// and tells the deputies.
func (a *App) expireSwaps(ctx context.Context, tx *store.Tx, p zhitong.Principal, stationID int64) error {
	pending, err := store.ListSwaps(ctx, tx, store.SwapFilter{StationID: stationID, Status: zhitong.SwapPending})
	if err != nil {
		return err
	}
	for _, w := range pending {
		if _, _, err := a.checkSwap(ctx, tx, w); err == nil {
			continue
		} else if code := zhitong.ErrorCode(err); code != zhitong.ECONFLICT && code != zhitong.EINVALID {
			return err
		}
		now := a.clock.Now()
		w.Status, w.DecidedAt, w.DecidedBy, w.DecisionNote = zhitong.SwapRejected, &now, "系统", "值班安排已变化，申请自动失效"
		if err := tx.DecideSwap(ctx, w); err != nil {
			return err
		}
		if err := a.audit(ctx, tx, p, "swap.expire", "swap:"+strconv.FormatInt(w.ID, 10),
			map[string]any{"duty": w.DutyID, "target_duty": w.TargetDutyID}); err != nil {
			return err
		}
		if err := a.swapNotices(ctx, tx, w.ID, "expired"); err != nil {
			return err
		}
	}
	return nil
}
