package app

import (
	"context"
	"iter"
	"slices"
	"strconv"
	"time"

	"zhitong"
	"zhitong/internal/store"
)

// AppointmentQuery narrows the bookings list. Empty fields do not filter;
// From defaults to today.
type AppointmentQuery struct {
	StationID int64
	DeputyID  int64
	From, To  string
	Status    zhitong.AppointmentStatus
}

// Appointments lists the bookings p may see: a deputy their own, a station
// head their station's, committee staff and officers their region's (the
// first 500 in order; ExportAppointments walks them all).
func (a *App) Appointments(ctx context.Context, p zhitong.Principal, q AppointmentQuery) ([]*AppointmentView, error) {
	f, err := a.appointmentFilter(p, q)
	if err != nil {
		return nil, err
	}
	recs, err := store.ListAppointments(ctx, a.db, f)
	if err != nil {
		return nil, err
	}
	out := make([]*AppointmentView, 0, len(recs))
	cache := strandCache{}
	for _, r := range recs {
		v, err := a.appointmentListView(ctx, r, cache)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// ExportAppointments walks every booking Appointments would list, without
// its 500 cap, in batches of ExportBatch by key (day, period, id), so an
// export streams them.
func (a *App) ExportAppointments(ctx context.Context, p zhitong.Principal, q AppointmentQuery) (iter.Seq2[*AppointmentView, error], error) {
	f, err := a.appointmentFilter(p, q)
	if err != nil {
		return nil, err
	}
	f.Limit = ExportBatch
	return func(yield func(*AppointmentView, error) bool) {
		cache := strandCache{}
		for {
			recs, err := store.ListAppointments(ctx, a.db, f)
			if err != nil {
				yield(nil, err)
				return
			}
			for _, r := range recs {
				v, err := a.appointmentListView(ctx, r, cache)
				if !yield(v, err) || err != nil {
					return
				}
			}
			if len(recs) < ExportBatch {
				return
			}
			f.After = recs[len(recs)-1]
		}
	}, nil
}

func (a *App) appointmentListView(ctx context.Context, r *store.AppointmentRecord, cache strandCache) (*AppointmentView, error) {
	v, err := a.appointmentView(ctx, r)
	if err != nil {
		return nil, err
	}
	v.Stranded, err = a.stranded(ctx, a.db, r, cache)
	return v, err
}

// appointmentFilter checks q and scopes it to what p may see.
func (a *App) appointmentFilter(p zhitong.Principal, q AppointmentQuery) (store.AppointmentFilter, error) {
	if !p.Staff() {
		return store.AppointmentFilter{}, zhitong.Errorf(zhitong.EUNAUTHORIZED, "请先登录")
	}
	if !slices.Contains(appointmentRoles, p.Role) {
		return store.AppointmentFilter{}, zhitong.Errorf(zhitong.EFORBIDDEN, "您的角色（%s）无权查看预约接待", zhitong.Label(zhitong.Roles, p.Role))
	}
	f := store.AppointmentFilter{RegionPrefix: p.RegionCode, StationID: q.StationID, DeputyID: q.DeputyID, From: q.From, To: q.To, Status: q.Status}
	if f.From == "" {
		f.From = a.today().Format(time.DateOnly)
	}
	for field, v := range map[string]string{"from": f.From, "to": f.To} {
		if _, err := time.Parse(time.DateOnly, v); v != "" && err != nil {
			return f, zhitong.Invalid(field, "日期“%s”无效，格式为 YYYY-MM-DD", v)
		}
	}
	if f.Status != "" && !zhitong.Valid(zhitong.AppointmentStatuses, f.Status) {
		return f, zhitong.Invalid("status", "状态“%s”无效", f.Status)
	}
	switch {
	case p.Role == zhitong.RoleDeputy:
		if f.DeputyID != 0 && f.DeputyID != p.DeputyID {
			return f, zhitong.Errorf(zhitong.EFORBIDDEN, "代表只能查看约见本人的预约")
		}
		f.RegionPrefix, f.DeputyID = "", p.DeputyID
	case p.StationID != 0:
		if f.StationID != 0 && f.StationID != p.StationID {
			return f, zhitong.Errorf(zhitong.EFORBIDDEN, "该联络站不在您的管辖范围内")
		}
		f.StationID = p.StationID
	}
	return f, nil
}

// StaffAppointment returns one booking p may see, masked.
func (a *App) StaffAppointment(ctx context.Context, p zhitong.Principal, id int64) (*AppointmentView, error) {
	rec, err := a.seeAppointment(ctx, a.db, p, id)
	if err != nil {
		return nil, err
	}
	return a.appointmentView(ctx, rec)
}

// seeAppointment loads a booking and checks that p may see it.
func (a *App) seeAppointment(ctx context.Context, q store.Q, p zhitong.Principal, id int64) (*store.AppointmentRecord, error) {
	if !p.Staff() {
		return nil, zhitong.Errorf(zhitong.EUNAUTHORIZED, "请先登录")
	}
	if !slices.Contains(appointmentRoles, p.Role) {
		return nil, zhitong.Errorf(zhitong.EFORBIDDEN, "您的角色（%s）无权查看预约接待", zhitong.Label(zhitong.Roles, p.Role))
	}
	rec, err := store.GetAppointment(ctx, q, id)
	if err != nil {
		return nil, err
	}
	st, err := store.GetStation(ctx, q, rec.StationID)
	if err != nil {
		return nil, err
	}
	seen := p.Role == zhitong.RoleDeputy && p.DeputyID == rec.DeputyID
	if !seen {
		if seen, err = a.seesStation(ctx, q, p, st); err != nil {
			return nil, err
		}
	}
	if !seen {
		return nil, zhitong.Errorf(zhitong.EFORBIDDEN, "该预约不在您的管辖范围内")
	}
	return rec, nil
}

// MarkAppointment records that the citizen came (attended) or did not
// (no_show). The deputy booked or station staff, on or after the day.
func (a *App) MarkAppointment(ctx context.Context, p zhitong.Principal, id int64, status zhitong.AppointmentStatus) (*AppointmentView, error) {
	if status != zhitong.AppointmentAttended && status != zhitong.AppointmentNoShow {
		return nil, zhitong.Invalid("status", "只能标记为已接待或未到")
	}
	var rec *store.AppointmentRecord
	err := a.db.Write(ctx, func(tx *store.Tx) error {
		var err error
		if rec, err = a.seeAppointment(ctx, tx, p, id); err != nil {
			return err
		}
		if rec.Status != zhitong.AppointmentBooked {
			return zhitong.Errorf(zhitong.ECONFLICT, "该预约%s，不能再标记", zhitong.Label(zhitong.AppointmentStatuses, rec.Status))
		}
		if rec.Day > a.today().Format(time.DateOnly) {
			return zhitong.Errorf(zhitong.ECONFLICT, "预约日期（%s）还没到，不能标记", rec.Day)
		}
		rec.Status, rec.UpdatedAt = status, a.clock.Now()
		ok, err := tx.SetAppointmentStatus(ctx, rec, zhitong.AppointmentBooked)
		if err != nil {
			return err
		}
		if !ok {
			return zhitong.Errorf(zhitong.ECONFLICT, "该预约刚被他人处理，请刷新")
		}
		return a.audit(ctx, tx, p, "appointment."+string(status), "appointment:"+strconv.FormatInt(rec.ID, 10),
			map[string]any{"code": rec.Code})
	})
	if err != nil {
		return nil, err
	}
	return a.appointmentView(ctx, rec)
}
