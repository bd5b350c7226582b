package zhitong

import "time"

// AppointmentStatus is where a booking stands.
type AppointmentStatus string

// Appointment statuses.
const (
	AppointmentBooked    AppointmentStatus = "booked"    // 已预约
	AppointmentCancelled AppointmentStatus = "cancelled" // 已取消
	AppointmentAttended  AppointmentStatus = "attended"  // 已接待
	AppointmentNoShow    AppointmentStatus = "no_show"   // 未到
)

// AppointmentStatuses lists the statuses with their Chinese names.
var AppointmentStatuses = []Named[AppointmentStatus]{
	{AppointmentBooked, "已预约"}, {AppointmentCancelled, "已取消"}, {AppointmentAttended, "已接待"}, {AppointmentNoShow, "未到"},
}

// Periods of a reception day a citizen can book.
const (
	PeriodMorning   = "am" // 上午
	PeriodAfternoon = "pm" // 下午
)

// Periods lists the periods with their Chinese names.
var Periods = []Named[string]{{PeriodMorning, "上午"}, {PeriodAfternoon, "下午"}}

// AppointmentSettings are a station's booking rules (预约设置): the times of
// its two periods, how many citizens each deputy on duty receives in one
// period, and how far ahead citizens may book.
type AppointmentSettings struct {
	StationID   int64  `json:"station_id"`
	Enabled     bool   `json:"enabled"`
	AMStart     string `json:"am_start"` // HH:MM, China time
	AMEnd       string `json:"am_end"`
	PMStart     string `json:"pm_start"`
	PMEnd       string `json:"pm_end"`
	Capacity    int    `json:"capacity"`     // per deputy per period
	HorizonDays int    `json:"horizon_days"` // bookable days ahead, today included
}

// Appointment — 预约接待: a citizen's booking of one period of a reception
// day with a named deputy on duty at a station. Name and phone are sealed
// at rest; Phone and Name here are what the reader may see (masked for
// everyone but the delivery of messages).
type Appointment struct {
	ID           int64             `json:"id"`
	Code         string            `json:"code"`
	StationID    int64             `json:"station_id"`
	DeputyID     int64             `json:"deputy_id"`
	Day          string            `json:"day"`    // YYYY-MM-DD, China civil date
	Period       string            `json:"period"` // PeriodMorning or PeriodAfternoon
	Topic        string            `json:"topic"`
	Name         string            `json:"name"`  // masked
	Phone        string            `json:"phone"` // masked
	Status       AppointmentStatus `json:"status"`
	CancelReason string            `json:"cancel_reason,omitempty"`
	CancelledBy  string            `json:"cancelled_by,omitempty"` // citizen or staff
	CreatedAt    time.Time         `json:"created_at"`
	UpdatedAt    time.Time         `json:"updated_at"`
}
