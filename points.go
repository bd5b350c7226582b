package zhitong

import "time"

// RecordKind is what a duty record describes.
type RecordKind string

// Record kinds.
const (
	RecordReception RecordKind = "reception" // 接待记录: one reception day a deputy served
	RecordMediation RecordKind = "mediation" // 调解纠纷: a dispute deputies helped settle
	RecordActivity  RecordKind = "activity"  // 专题调研、集中视察等组织活动
)

// RecordKinds lists the kinds of duty record with their Chinese names.
var RecordKinds = []Named[RecordKind]{
	{RecordReception, "接待记录"}, {RecordMediation, "调解纠纷"}, {RecordActivity, "组织活动"},
}

// ActivityKinds lists the kinds of organised activity (专题调研, 集中视察 …).
var ActivityKinds = []Named[string]{
	{"survey", "专题调研"}, {"inspection", "集中视察"}, {"hearing", "座谈会"}, {"other", "其他活动"},
}

// DutyRecord is a reception record (接待记录), a mediation (调解纠纷) or an
// organised activity: what deputies did, with whom, and what came of it.
// The cases raised are linked to it; points derive from it.
type DutyRecord struct {
	ID         int64      `json:"id"`
	Kind       RecordKind `json:"kind"`
	Activity   string     `json:"activity,omitempty"` // one of ActivityKinds, activities only
	Day        string     `json:"day"`                // YYYY-MM-DD, China civil date
	StationID  int64      `json:"station_id,omitempty"`
	RegionCode string     `json:"region"`
	Title      string     `json:"title"`
	Visitors   int        `json:"visitors"` // citizens received (接待群众人次)
	Answered   string     `json:"answered"` // what was answered on the spot
	Result     string     `json:"result"`   // outcome of a mediation or activity
	Others     string     `json:"others"`   // participants who are not deputies, free text
	DeputyIDs  []int64    `json:"deputy_ids"`
	CaseIDs    []int64    `json:"case_ids"`
	CreatedAt  time.Time  `json:"created_at"`
	CreatedBy  int64      `json:"created_by"`
	UpdatedAt  *time.Time `json:"updated_at,omitempty"` // last correction
	UpdatedBy  int64      `json:"updated_by,omitempty"`
	VoidedAt   *time.Time `json:"voided_at,omitempty"` // voided (作废): kept, counts for nothing
	VoidedBy   int64      `json:"voided_by,omitempty"`
	VoidReason string     `json:"void_reason,omitempty"`
	Demo       bool       `json:"demo,omitempty"`
}

// Voided reports whether the record was voided and so counts for nothing.
func (r *DutyRecord) Voided() bool { return r.VoidedAt != nil }

// PointEvent names what earns or costs duty points (履职积分).
type PointEvent string

// Point events.
const (
	PointVisit      PointEvent = "visit"      // 进站接待: a day the deputy checked in or received citizens
	PointProposal   PointEvent = "proposal"   // 提出代表建议
	PointResearch   PointEvent = "research"   // 参加专题调研 (activity "survey")
	PointInspection PointEvent = "inspection" // 参加集中视察 (activity "inspection")
	PointActivity   PointEvent = "activity"   // 参加其他组织活动: 座谈会 and others
	PointMediation  PointEvent = "mediation"  // 调解纠纷
	PointCase       PointEvent = "case"       // 收集意见建议
	PointAbsence    PointEvent = "absence"    // 无故缺席轮值
)

// PointEvents lists the point events with their Chinese names.
var PointEvents = []Named[PointEvent]{
	{PointVisit, "进站接待"}, {PointProposal, "提出代表建议"}, {PointResearch, "参加专题调研"},
	{PointInspection, "参加集中视察"}, {PointActivity, "参加其他组织活动"},
	{PointMediation, "调解纠纷"}, {PointCase, "收集意见建议"}, {PointAbsence, "无故缺席轮值"},
}

// ActivityEvent is the point event an organised activity of this kind earns.
func ActivityEvent(activity string) PointEvent {
	switch activity {
	case "survey":
		return PointResearch
	case "inspection":
		return PointInspection
	}
	return PointActivity
}

// PointPeriods lists the periods a rule's cap may apply to. Weeks are ISO
// weeks (Monday to Sunday).
var PointPeriods = []Named[string]{{"", "不封顶"}, {"week", "每周"}, {"month", "每月"}, {"quarter", "每季度"}, {"year", "每年"}}

// PointRule is how many points one event is worth, with an optional cap per
// period on the points (of the same sign) it may earn: for a negative rule
// the cap bounds the total deduction per period.
type PointRule struct {
	Event     PointEvent `json:"event"`
	Points    int        `json:"points"`
	Cap       int        `json:"cap"`    // 0: no cap; otherwise the most |points| per period
	Period    string     `json:"period"` // "", week, month, quarter, year
	UpdatedAt time.Time  `json:"updated_at"`
}

// PointEntry is one line of a deputy's ledger. Source names the record it
// derives from: "record:12", "duty:7", "proposal:3", "case:41".
type PointEntry struct {
	DeputyID int64      `json:"deputy_id"`
	Event    PointEvent `json:"event"`
	Source   string     `json:"source"`
	Day      string     `json:"day"`
	Points   int        `json:"points"`
	Note     string     `json:"note,omitempty"`
}

// VoterReport is a deputy's report to voters (述职) for a period: the
// narrative staff edit and the voters' review (评议).
type VoterReport struct {
	DeputyID    int64     `json:"deputy_id"`
	From        string    `json:"from"`
	To          string    `json:"to"`
	Narrative   string    `json:"narrative"`
	Present     int       `json:"present"`     // voters present at the review
	Satisfied   int       `json:"satisfied"`   // 满意
	Basic       int       `json:"basic"`       // 基本满意
	Unsatisfied int       `json:"unsatisfied"` // 不满意
	UpdatedAt   time.Time `json:"updated_at"`
	UpdatedBy   int64     `json:"updated_by"`
}
