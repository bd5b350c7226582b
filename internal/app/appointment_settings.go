package app

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"time"

	"zhitong"
	"zhitong/internal/store"
)

// Booking defaults for a station that has not set its own rules.
const (
	defaultAMStart     = "09:00"
	defaultAMEnd       = "11:30"
	defaultPMStart     = "14:30"
	defaultPMEnd       = "17:00"
	defaultCapacity    = 4
	defaultHorizonDays = 30
	maxCapacity        = 50
	maxHorizonDays     = 90
)

// bookingCutoff is how long before a period starts its booking closes, so
// the deputy knows who is coming before they sit down.
const bookingCutoff = time.Hour

// appointmentRoles may see bookings; a deputy only their own.
var appointmentRoles = []zhitong.Role{zhitong.RoleCommittee, zhitong.RoleStationHead, zhitong.RoleOfficer, zhitong.RoleDeputy}

// stationStaffRoles may change a station's booking rules and cancel its bookings.
var stationStaffRoles = []zhitong.Role{zhitong.RoleCommittee, zhitong.RoleStationHead, zhitong.RoleOfficer}

// DefaultAppointmentSettings are the rules of a station that set none.
func DefaultAppointmentSettings(stationID int64) zhitong.AppointmentSettings {
	return zhitong.AppointmentSettings{StationID: stationID, Enabled: true, AMStart: defaultAMStart, AMEnd: defaultAMEnd,
		PMStart: defaultPMStart, PMEnd: defaultPMEnd, Capacity: defaultCapacity, HorizonDays: defaultHorizonDays}
}

// AppointmentSettings returns a station's booking rules. Public: the
// portal shows the times.
func (a *App) AppointmentSettings(ctx context.Context, stationID int64) (zhitong.AppointmentSettings, error) {
	if _, err := store.GetStation(ctx, a.db, stationID); err != nil {
		return zhitong.AppointmentSettings{}, err
	}
	return appointmentSettings(ctx, a.db, stationID)
}

func appointmentSettings(ctx context.Context, q store.Q, stationID int64) (zhitong.AppointmentSettings, error) {
	s, ok, err := store.GetAppointmentSettings(ctx, q, stationID)
	if err != nil || !ok {
		return DefaultAppointmentSettings(stationID), err
	}
	return s, nil
}

// SetAppointmentSettings changes a station's booking rules. Committee
// staff, officers and the station's head, in their jurisdiction. Bookings
// already made keep their place even when the capacity goes down.
func (a *App) SetAppointmentSettings(ctx context.Context, p zhitong.Principal, stationID int64, in zhitong.AppointmentSettings) (zhitong.AppointmentSettings, error) {
	if in.StationID != 0 && in.StationID != stationID {
		// A second station named in the body is a reference too: refused, not ignored.
		return in, zhitong.Invalid("station_id", "station_id 与所设置的联络站不一致，不在本次设置的范围内")
	}
	st, err := a.stationForStaff(ctx, p, stationID)
	if err != nil {
		return in, err
	}
	in.StationID = st.ID
	if err := checkSettings(in); err != nil {
		return in, err
	}
	err = a.db.Write(ctx, func(tx *store.Tx) error {
		if err := tx.PutAppointmentSettings(ctx, in, a.clock.Now()); err != nil {
			return err
		}
		return a.audit(ctx, tx, p, "appointment.settings", "station:"+strconv.FormatInt(st.ID, 10),
			map[string]any{"enabled": in.Enabled, "am": in.AMStart + "-" + in.AMEnd, "pm": in.PMStart + "-" + in.PMEnd,
				"capacity": in.Capacity, "horizon_days": in.HorizonDays})
	})
	return in, err
}

// stationForStaff loads a station that p may manage bookings of.
func (a *App) stationForStaff(ctx context.Context, p zhitong.Principal, stationID int64) (zhitong.Station, error) {
	if !p.Staff() {
		return zhitong.Station{}, zhitong.Errorf(zhitong.EUNAUTHORIZED, "请先登录")
	}
	if !slices.Contains(stationStaffRoles, p.Role) {
		return zhitong.Station{}, zhitong.Errorf(zhitong.EFORBIDDEN, "您的角色（%s）无权管理预约接待", zhitong.Label(zhitong.Roles, p.Role))
	}
	st, err := store.GetStation(ctx, a.db, stationID)
	if err != nil {
		return st, err
	}
	if ok, err := a.SeesStation(ctx, p, st); err != nil || !ok {
		return st, cmp.Or(err, error(zhitong.Errorf(zhitong.EFORBIDDEN, "该联络站不在您的管辖范围内")))
	}
	return st, nil
}

func checkSettings(s zhitong.AppointmentSettings) error {
	times := []struct{ field, label, v string }{{"am_start", "上午开始时间", s.AMStart}, {"am_end", "上午结束时间", s.AMEnd},
		{"pm_start", "下午开始时间", s.PMStart}, {"pm_end", "下午结束时间", s.PMEnd}}
	for _, t := range times {
		if _, err := time.Parse("15:04", t.v); err != nil || len(t.v) != 5 {
			return zhitong.Invalid(t.field, "%s应为 HH:MM 格式，例如 09:00", t.label)
		}
	}
	switch {
	case s.AMStart >= s.AMEnd:
		return zhitong.Invalid("am_end", "上午结束时间应晚于开始时间")
	case s.PMStart >= s.PMEnd:
		return zhitong.Invalid("pm_end", "下午结束时间应晚于开始时间")
	case s.AMEnd > s.PMStart:
		return zhitong.Invalid("pm_start", "下午开始时间不能早于上午结束时间")
	case s.Capacity < 1 || s.Capacity > maxCapacity:
		return zhitong.Invalid("capacity", "每位代表每个时段可预约人数应在 1 到 %d 之间", maxCapacity)
	case s.HorizonDays < 1 || s.HorizonDays > maxHorizonDays:
		return zhitong.Invalid("horizon_days", "可提前预约天数应在 1 到 %d 之间", maxHorizonDays)
	}
	return nil
}

// periodTimes returns a period's start and end under s.
func periodTimes(s zhitong.AppointmentSettings, period string) (start, end string) {
	if period == zhitong.PeriodAfternoon {
		return s.PMStart, s.PMEnd
	}
	return s.AMStart, s.AMEnd
}
