package zhitong

import "time"

// Duty statuses (轮值状态).
const (
	DutyPlanned   = "planned"    // on the roster, not yet checked in
	DutyCheckedIn = "checked_in" // the deputy checked in (进站签到)
	DutyNoShow    = "no_show"    // the day passed without a check-in (缺席)
	DutyExcused   = "excused"    // a no-show staff accepted a reason for (请假)
)

// DutyStatuses names the duty statuses.
var DutyStatuses = []Named[string]{
	{DutyPlanned, "待值班"}, {DutyCheckedIn, "已进站"}, {DutyNoShow, "缺席"}, {DutyExcused, "已请假"},
}

// Duty — 轮值: one deputy on duty at one station on one reception day.
type Duty struct {
	ID          int64      `json:"id"`
	StationID   int64      `json:"station_id"`
	StationName string     `json:"station_name"`
	DeputyID    int64      `json:"deputy_id"`
	DeputyName  string     `json:"deputy_name"`
	Day         string     `json:"day"` // YYYY-MM-DD, China civil date
	Status      string     `json:"status"`
	CheckedInAt *time.Time `json:"checked_in_at,omitempty"`
	Lat         float64    `json:"lat,omitempty"` // where the phone was at check-in, if it said
	Lng         float64    `json:"lng,omitempty"`
	RecordedBy  string     `json:"recorded_by,omitempty"` // staff who recorded the check-in on the deputy's behalf (补登)
	Note        string     `json:"note,omitempty"`        // the 补登 note, or the reason a no-show was excused
}

// Swap kinds.
const (
	SwapExchange = "exchange" // two deputies trade their duty days (换班)
	SwapCover    = "cover"    // another deputy takes the duty over (代班)
)

// Swap statuses.
const (
	SwapPending  = "pending"
	SwapApproved = "approved"
	SwapRejected = "rejected"
)

// SwapKinds and SwapStatuses name the swap kinds and statuses.
var (
	SwapKinds    = []Named[string]{{SwapExchange, "换班"}, {SwapCover, "代班"}}
	SwapStatuses = []Named[string]{{SwapPending, "待审批"}, {SwapApproved, "已批准"}, {SwapRejected, "未批准"}}
)

// DutySwap — 换班申请: a deputy asks to trade a planned duty with another
// deputy's (exchange) or to hand it to another deputy (cover). Staff of the
// station's jurisdiction approve or reject it.
type DutySwap struct {
	ID               int64      `json:"id"`
	StationID        int64      `json:"station_id"`
	StationName      string     `json:"station_name"`
	Kind             string     `json:"kind"`
	DutyID           int64      `json:"duty_id"`
	DeputyID         int64      `json:"deputy_id"` // who asks
	DeputyName       string     `json:"deputy_name"`
	Day              string     `json:"day"`
	TargetDutyID     int64      `json:"target_duty_id,omitempty"` // exchange only
	TargetDeputyID   int64      `json:"target_deputy_id"`
	TargetDeputyName string     `json:"target_deputy_name"`
	TargetDay        string     `json:"target_day,omitempty"` // exchange only
	Reason           string     `json:"reason"`
	Status           string     `json:"status"`
	CreatedAt        time.Time  `json:"created_at"`
	DecidedAt        *time.Time `json:"decided_at,omitempty"`
	DecidedBy        string     `json:"decided_by,omitempty"`
	DecisionNote     string     `json:"decision_note,omitempty"`
}
