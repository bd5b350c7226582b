package app

import (
	"context"
	"crypto/rand"
	"slices"
	"strconv"
	"strings"
	"time"

	"zhitong"
	"zhitong/internal/pii"
	"zhitong/internal/store"
)

// Limits of the booking form and of abuse.
const (
	maxTopic               = 200 // characters of the topic
	maxActivePerPhone      = 3   // bookings still to come per phone
	maxCancelFailures      = 5   // wrong last-4-digit attempts before only staff can cancel
	appointmentCodeLetters = 8
)

// BookingInput is a citizen's booking (预约接待).
type BookingInput struct {
	StationID int64  `json:"station_id"`
	DeputyID  int64  `json:"deputy_id"`
	Day       string `json:"day"`
	Period    string `json:"period"`
	Topic     string `json:"topic"`
	Name      string `json:"name"`
	Phone     string `json:"phone"`
	Consent   bool   `json:"consent"`
}

// AppointmentView is an appointment with the names a reader needs; name
// and phone are masked.
type AppointmentView struct {
	zhitong.Appointment
	StationName string `json:"station_name"`
	DeputyName  string `json:"deputy_name"`
	PeriodLabel string `json:"period_label"`
	Start       string `json:"start"`
	End         string `json:"end"`
	StatusLabel string `json:"status_label"`
	Next        string `json:"next"` // what happens next, for the citizen
	// Stranded marks a booking still to come whose deputy is no longer on
	// duty that day, or whose reception day was cancelled: staff call the
	// citizen to rebook or cancel it with a reason.
	Stranded bool `json:"stranded"`
}

// Book takes one place of a slot for a citizen and returns the booking
// with its confirmation code. The place is taken by a conditional update of
// the slot's counter in the same transaction as the appointment, so
// concurrent bookings never exceed the capacity; the loser gets ECONFLICT.
func (a *App) Book(ctx context.Context, in BookingInput) (*AppointmentView, error) {
	if err := a.checkBooking(ctx, &in); err != nil {
		return nil, err
	}
	now := a.clock.Now()
	rec := &store.AppointmentRecord{Appointment: zhitong.Appointment{StationID: in.StationID, DeputyID: in.DeputyID, Day: in.Day,
		Period: in.Period, Topic: in.Topic, Status: zhitong.AppointmentBooked, CreatedAt: now, UpdatedAt: now},
		PhoneEnc: a.sealer.Seal(in.Phone, "appointment:phone"), PhoneIndex: a.sealer.BlindIndex("phone", in.Phone)}
	if in.Name != "" {
		rec.NameEnc = a.sealer.Seal(in.Name, "appointment:name")
	}
	var err error
	for range 3 { // a code collision (about 1 in 10^12) just draws again
		rec.Code = newAppointmentCode()
		err = a.db.Write(ctx, func(tx *store.Tx) error { return a.book(ctx, tx, rec) })
		if !store.IsUniqueViolation(err) {
			break
		}
	}
	if err != nil {
		return nil, err
	}
	return a.citizenView(ctx, rec)
}

// book checks the slot and the phone's bookings and writes the booking,
// its SMS and its audit entry inside tx.
func (a *App) book(ctx context.Context, tx *store.Tx, rec *store.AppointmentRecord) error {
	set, err := appointmentSettings(ctx, tx, rec.StationID)
	if err != nil {
		return err
	}
	if !set.Enabled {
		return zhitong.Invalid("station_id", "该联络站暂未开放网上预约，请直接到站或电话联系")
	}
	day, _ := time.Parse(time.DateOnly, rec.Day)
	slots, err := a.slots(ctx, tx, set, day, day)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(slots, func(s Slot) bool { return s.DeputyID == rec.DeputyID && s.Period == rec.Period }) {
		return zhitong.Invalid("slot", "所选时段不可预约：该代表当天不在站接待，或预约已截止（开始前 1 小时截止），请重新选择")
	}
	today := a.today().Format(time.DateOnly)
	if err := tx.LockPhone(ctx, rec.PhoneIndex, store.FormatTime(a.clock.Now())); err != nil {
		return err
	}
	phone, err := a.sealer.Open(rec.PhoneEnc, "appointment:phone")
	if err != nil {
		return err
	}
	// Every key's index: during a key rotation older bookings may still
	// carry the previous key's.
	n, err := store.ActiveAppointmentsByPhone(ctx, tx, today, a.sealer.BlindIndexes("phone", phone)...)
	if err != nil {
		return err
	}
	if n >= maxActivePerPhone {
		return &zhitong.Error{Code: zhitong.ETOOMANY, Field: "phone",
			Message: "该手机号已有 " + strconv.Itoa(n) + " 个未到期的预约，最多 " + strconv.Itoa(maxActivePerPhone) + " 个。请先取消不需要的预约"}
	}
	key := store.SlotKey{StationID: rec.StationID, DeputyID: rec.DeputyID, Day: rec.Day, Period: rec.Period}
	ok, err := tx.TakeSlotPlace(ctx, key, set.Capacity)
	if err != nil {
		return err
	}
	if !ok {
		return &zhitong.Error{Code: zhitong.ECONFLICT, Field: "slot", Message: "该时段已约满，请选择其他时段或其他代表"}
	}
	if err := tx.InsertAppointment(ctx, rec); err != nil {
		return err
	}
	id := strconv.FormatInt(rec.ID, 10)
	vars, err := bookingVars(ctx, tx, rec, set)
	if err != nil {
		return err
	}
	if _, err := a.notify(ctx, tx, Notice{Key: "appointment:" + id + ":booked", Template: "appointment.booked", AppointmentID: rec.ID, Vars: vars}); err != nil {
		return err
	}
	if err := a.tellDeputy(ctx, tx, rec, "appointment.new", map[string]string{"code": rec.Code, "station": vars["station"], "day": rec.Day,
		"time": vars["time"], "topic": rec.Topic}); err != nil {
		return err
	}
	return a.audit(ctx, tx, zhitong.Citizen, "appointment.book", "appointment:"+id,
		map[string]any{"code": rec.Code, "station": rec.StationID, "deputy": rec.DeputyID, "day": rec.Day, "period": rec.Period})
}

// checkBooking validates and normalises the citizen's input, field by
// field in the order of the form.
func (a *App) checkBooking(ctx context.Context, in *BookingInput) error {
	if in.StationID <= 0 {
		return zhitong.Invalid("station_id", "请选择联络站")
	}
	if st, err := store.GetStation(ctx, a.db, in.StationID); err != nil {
		return asInvalid("station_id", err)
	} else if err := activeStation(st, "station_id"); err != nil {
		return err
	}
	if in.DeputyID <= 0 || in.Day == "" || in.Period == "" {
		return zhitong.Invalid("slot", "请选择要预约的代表和时段")
	}
	if _, err := time.Parse(time.DateOnly, in.Day); err != nil {
		return zhitong.Invalid("slot", "日期“%s”无效，格式为 YYYY-MM-DD", in.Day)
	}
	if !zhitong.Valid(zhitong.Periods, in.Period) {
		return zhitong.Invalid("slot", "时段“%s”无效，应为上午（am）或下午（pm）", in.Period)
	}
	in.Topic, in.Name = strings.TrimSpace(in.Topic), strings.TrimSpace(in.Name)
	if err := checkLen("topic", "想谈的事项", in.Topic, 1, maxTopic); err != nil {
		return err
	}
	if err := checkLen("name", "称呼", in.Name, 0, 50); err != nil {
		return err
	}
	p, err := pii.NormalizePhone(in.Phone)
	if err != nil {
		return zhitong.Invalid("phone", "%s", err.Error())
	}
	in.Phone = p
	if !in.Consent {
		return zhitong.Invalid("consent", "请阅读并同意个人信息保护说明")
	}
	return nil
}

// newAppointmentCode returns 8 random characters of the tracking-code
// alphabet (no 0/O, 1/I/L; about 39 bits) as XXXX-XXXX.
func newAppointmentCode() string {
	out := make([]byte, 0, appointmentCodeLetters+1)
	var b [1]byte
	for n := 0; n < appointmentCodeLetters; {
		rand.Read(b[:])
		if int(b[0]) >= 256/len(trackingAlphabet)*len(trackingAlphabet) {
			continue
		}
		if n == 4 {
			out = append(out, '-')
		}
		out = append(out, trackingAlphabet[int(b[0])%len(trackingAlphabet)])
		n++
	}
	return string(out)
}

// normalizeAppointmentCode turns what a citizen typed into the stored form.
func normalizeAppointmentCode(s string) (string, bool) {
	b, ok := codeLetters(s, appointmentCodeLetters)
	if !ok {
		return "", false
	}
	return string(b[:4]) + "-" + string(b[4:]), true
}

// AppointmentByCode returns a booking for the holder of its code, masked.
func (a *App) AppointmentByCode(ctx context.Context, code string) (*AppointmentView, error) {
	c, ok := normalizeAppointmentCode(code)
	if !ok {
		return nil, zhitong.Errorf(zhitong.ENOTFOUND, "预约码格式不正确，应为 8 位字母数字，例如 ABCD-2345")
	}
	rec, err := store.GetAppointmentByCode(ctx, a.db, c)
	if err != nil {
		return nil, err
	}
	v, err := a.citizenView(ctx, rec)
	if err != nil {
		return nil, err
	}
	if v.Stranded, err = a.stranded(ctx, a.db, rec, strandCache{}); err != nil {
		return nil, err
	}
	if v.Stranded {
		v.Next = "代表当天临时不能到站接待，联络站工作人员会与您联系改约；您也可以凭预约码取消后重新预约。"
	}
	return v, nil
}

// strandCache keeps the reception days already read, by station and day.
type strandCache map[store.SlotKey]*zhitong.ReceptionDay

// stranded reports whether rec is a booking still to come that can no
// longer be kept as booked: its day is no longer a reception day at its
// station, or its deputy is no longer on duty that day (excused, swapped
// away, removed from the roster).
func (a *App) stranded(ctx context.Context, q store.Q, rec *store.AppointmentRecord, cache strandCache) (bool, error) {
	if rec.Status != zhitong.AppointmentBooked || rec.Day < a.today().Format(time.DateOnly) {
		return false, nil
	}
	key := store.SlotKey{StationID: rec.StationID, Day: rec.Day}
	d, ok := cache[key]
	if !ok {
		day, err := time.Parse(time.DateOnly, rec.Day)
		if err != nil {
			return false, err
		}
		days, err := a.receptionDays(ctx, q, rec.StationID, day, day)
		if err != nil {
			return false, err
		}
		if len(days) > 0 {
			d = &days[0]
		}
		cache[key] = d
	}
	return d == nil || !slices.ContainsFunc(d.Deputies, func(r zhitong.DeputyRef) bool { return r.ID == rec.DeputyID }), nil
}

// CancelAppointment cancels a booking for the holder of its code, who
// proves it is theirs with the last four digits of the phone it was booked
// with: a code seen over someone's shoulder is not enough. After
// maxCancelFailures wrong tries only the station can cancel it.
func (a *App) CancelAppointment(ctx context.Context, code, last4 string) (*AppointmentView, error) {
	c, ok := normalizeAppointmentCode(code)
	if !ok {
		return nil, zhitong.Errorf(zhitong.ENOTFOUND, "预约码格式不正确，应为 8 位字母数字，例如 ABCD-2345")
	}
	last4 = strings.TrimSpace(last4)
	if len(last4) != 4 || strings.Trim(last4, "0123456789") != "" {
		return nil, zhitong.Invalid("phone_last4", "请输入预约时所留手机号的后四位数字")
	}
	var rec *store.AppointmentRecord
	wrong := 0
	err := a.db.Write(ctx, func(tx *store.Tx) error {
		var err error
		if rec, err = store.GetAppointmentByCode(ctx, tx, c); err != nil {
			return err
		}
		if err := a.cancellable(rec); err != nil {
			return err
		}
		if rec.CancelFailures >= maxCancelFailures {
			return zhitong.Errorf(zhitong.ETOOMANY, "手机号后四位输错次数过多，网上已不能取消，请致电联络站取消")
		}
		phone, err := a.sealer.Open(rec.PhoneEnc, "appointment:phone")
		if err != nil {
			return err
		}
		if !strings.HasSuffix(phone, last4) {
			// Committed on purpose: the count must survive the refusal.
			wrong, err = tx.CountCancelFailure(ctx, rec.ID)
			return err
		}
		return a.cancel(ctx, tx, zhitong.Citizen, rec, "citizen", "")
	})
	if err != nil {
		return nil, err
	}
	if wrong > 0 {
		return nil, zhitong.Invalid("phone_last4", "手机号后四位不正确（还可再试 %d 次）", max(0, maxCancelFailures-wrong))
	}
	return a.citizenView(ctx, rec)
}

// StaffCancelAppointment cancels a booking for the station, with a reason
// the citizen is told by SMS.
func (a *App) StaffCancelAppointment(ctx context.Context, p zhitong.Principal, id int64, reason string) (*AppointmentView, error) {
	reason = strings.TrimSpace(reason)
	var rec *store.AppointmentRecord
	err := a.db.Write(ctx, func(tx *store.Tx) error {
		var err error
		if rec, err = store.GetAppointment(ctx, tx, id); err != nil {
			return err
		}
		if _, err := a.stationForStaff(ctx, p, rec.StationID); err != nil {
			return err
		}
		if err := checkLen("reason", "取消原因", reason, 2, maxShort); err != nil {
			return err
		}
		if err := a.cancellable(rec); err != nil {
			return err
		}
		if err := a.cancel(ctx, tx, p, rec, "staff", reason); err != nil {
			return err
		}
		st, err := store.GetStation(ctx, tx, rec.StationID)
		if err != nil {
			return err
		}
		_, err = a.notify(ctx, tx, Notice{Key: "appointment:" + strconv.FormatInt(rec.ID, 10) + ":cancelled", Template: "appointment.cancelled",
			AppointmentID: rec.ID, Vars: map[string]string{"code": rec.Code, "station": st.Name, "day": rec.Day, "reason": reason}})
		return err
	})
	if err != nil {
		return nil, err
	}
	return a.appointmentView(ctx, rec)
}

func (a *App) cancellable(rec *store.AppointmentRecord) error {
	if rec.Status != zhitong.AppointmentBooked {
		return zhitong.Errorf(zhitong.ECONFLICT, "该预约%s，不能取消", zhitong.Label(zhitong.AppointmentStatuses, rec.Status))
	}
	if rec.Day < a.today().Format(time.DateOnly) {
		return zhitong.Errorf(zhitong.ECONFLICT, "预约日期已过，不能取消")
	}
	return nil
}

// cancel marks rec cancelled, gives its place back and audits it.
func (a *App) cancel(ctx context.Context, tx *store.Tx, p zhitong.Principal, rec *store.AppointmentRecord, by, reason string) error {
	rec.Status, rec.CancelledBy, rec.CancelReason, rec.UpdatedAt = zhitong.AppointmentCancelled, by, reason, a.clock.Now()
	ok, err := tx.SetAppointmentStatus(ctx, rec, zhitong.AppointmentBooked)
	if err != nil {
		return err
	}
	if !ok {
		return zhitong.Errorf(zhitong.ECONFLICT, "该预约刚被取消或已处理，请刷新")
	}
	if err := tx.FreeSlotPlace(ctx, store.SlotKey{StationID: rec.StationID, DeputyID: rec.DeputyID, Day: rec.Day, Period: rec.Period}); err != nil {
		return err
	}
	if err := a.tellDeputy(ctx, tx, rec, "appointment.withdrawn", map[string]string{"code": rec.Code, "day": rec.Day,
		"time": zhitong.Label(zhitong.Periods, rec.Period)}); err != nil {
		return err
	}
	return a.audit(ctx, tx, p, "appointment.cancel", "appointment:"+strconv.FormatInt(rec.ID, 10),
		map[string]any{"code": rec.Code, "by": by, "reason": reason})
}

// tellDeputy tells the deputy booked about rec: in-app, or by SMS when they
// have no account (deputy_notify.go).
func (a *App) tellDeputy(ctx context.Context, tx *store.Tx, rec *store.AppointmentRecord, template string, vars map[string]string) error {
	_, err := a.noticeDeputy(ctx, tx, rec.DeputyID, Notice{Key: "appointment:" + strconv.FormatInt(rec.ID, 10) + ":" + template, Template: template, Vars: vars})
	return err
}

// citizenView is a booking as shown to whoever holds its code: the phone's
// last four digits are what proves the booking is theirs when cancelling,
// so they are hidden too.
func (a *App) citizenView(ctx context.Context, rec *store.AppointmentRecord) (*AppointmentView, error) {
	return a.bookingView(ctx, rec, pii.MaskPhoneTail)
}

// appointmentView names the station, deputy and period of rec and masks
// the citizen's name and phone, as staff see them.
func (a *App) appointmentView(ctx context.Context, rec *store.AppointmentRecord) (*AppointmentView, error) {
	return a.bookingView(ctx, rec, pii.MaskPhone)
}

// bookingView is rec as shown, its phone masked by maskPhone.
func (a *App) bookingView(ctx context.Context, rec *store.AppointmentRecord, maskPhone func(string) string) (*AppointmentView, error) {
	v := &AppointmentView{Appointment: rec.Appointment}
	phone, err := a.sealer.Open(rec.PhoneEnc, "appointment:phone")
	if err != nil {
		return nil, err
	}
	v.Phone = maskPhone(phone)
	if rec.NameEnc != "" {
		name, err := a.sealer.Open(rec.NameEnc, "appointment:name")
		if err != nil {
			return nil, err
		}
		v.Name = pii.MaskName(name)
	}
	st, err := store.GetStation(ctx, a.db, rec.StationID)
	if err != nil {
		return nil, err
	}
	dep, err := store.GetDeputy(ctx, a.db, rec.DeputyID)
	if err != nil {
		return nil, err
	}
	set, err := appointmentSettings(ctx, a.db, rec.StationID)
	if err != nil {
		return nil, err
	}
	v.StationName, v.DeputyName = st.Name, dep.Name
	v.PeriodLabel = zhitong.Label(zhitong.Periods, rec.Period)
	v.Start, v.End = periodTimes(set, rec.Period)
	v.StatusLabel = zhitong.Label(zhitong.AppointmentStatuses, rec.Status)
	switch rec.Status {
	case zhitong.AppointmentBooked:
		v.Next = "请在 " + rec.Day + " " + v.PeriodLabel + " " + v.Start + "–" + v.End + " 到" + st.Name + "，向工作人员报预约码。" +
			"如有变动，联络站会短信通知您；不能前来请凭预约码和手机号后四位取消，把名额让给其他群众。"
		if st.Address != "" {
			v.Next += "地址：" + st.Address + "。"
		}
	case zhitong.AppointmentCancelled:
		v.Next = "该预约已取消。如仍需反映问题，可重新预约或在网上直接反映。"
	case zhitong.AppointmentAttended:
		v.Next = "代表已接待。反映的问题如已登记，可凭查询码查看办理进度。"
	default:
		v.Next = "该预约未到场。如仍需反映问题，可重新预约或在网上直接反映。"
	}
	return v, nil
}
