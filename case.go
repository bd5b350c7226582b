package zhitong

import "time"

// Case — 意见建议: one citizen's opinion, complaint, request or suggestion,
// from intake to archive.
type Case struct {
	ID           int64
	Code         string // tracking code (查询码)
	Channel      Channel
	Status       Status
	Version      int
	Round        int // 1 for the first handling, +1 for each re-handle (重办)
	Title        string
	Body         string
	CategoryCode string
	RegionCode   string // canonical prefix code, see internal/regions
	StationID    int64
	DeputyID     int64
	Place        string // where the problem is (not the submitter's address)
	Lat, Lng     float64
	Submitter    Submitter
	ExternalID   string // id in the system it was imported from (12345, Open311)

	SubmittedAt    time.Time
	RegisteredAt   time.Time
	DueFrom        string // YYYY-MM-DD the deadline counts from
	DueDays        int    // working days allowed, extensions included
	DueDate        string // YYYY-MM-DD, working-day deadline of the current round
	DueProvisional bool   // computed without the official holiday schedule for its year
	LeadUnitID     int64

	Answer         string // answered on the spot (当场解答)
	DeclineReason  string
	MergedInto     int64
	ProposalID     int64
	ReferralDest   string
	ReferralResult string
	Resolution     Resolution
	ClosingNote    string
	ClosedAt       time.Time
	ArchivedAt     time.Time
	UpdatedAt      time.Time
	Demo           bool
}

// Submitter is who raised a case. The personal fields are stored encrypted
// and shown masked; Anonymous submitters give none of them.
type Submitter struct {
	Anonymous bool
	Name      string
	Phone     string
	IDCard    string
	Address   string
}

// Channel is how a case came in (收集渠道).
type Channel string

// Channels.
const (
	ChannelOnline      Channel = "online"      // 线上平台
	ChannelWalkIn      Channel = "walk_in"     // 来站登记
	ChannelAppointment Channel = "appointment" // 预约接待
	ChannelBox         Channel = "box"         // 意见箱
	ChannelMobile      Channel = "mobile"      // 流动联络点
	ChannelSurvey      Channel = "survey"      // 专题调研、集中视察
	ChannelImported    Channel = "imported"    // 12345 热线等导入
	ChannelOpen311     Channel = "open311"     // Open311 接口
)

// Channels lists every channel with its Chinese name, in display order.
var Channels = []Named[Channel]{
	{ChannelOnline, "线上提交"}, {ChannelWalkIn, "来站登记"}, {ChannelAppointment, "预约接待"},
	{ChannelBox, "意见箱"}, {ChannelMobile, "流动联络点"}, {ChannelSurvey, "调研视察"},
	{ChannelImported, "外部导入"}, {ChannelOpen311, "Open311接口"},
}

// SelfService reports whether the channel is used by citizens or programs
// directly, so the case still needs an officer to register it.
func (c Channel) SelfService() bool {
	return c == ChannelOnline || c == ChannelImported || c == ChannelOpen311
}

// Named pairs an enum value with its Chinese label.
type Named[T ~string] struct {
	Value T
	Label string
}

// Label looks up the Chinese label of v in list, or returns v itself.
func Label[T ~string](list []Named[T], v T) string {
	for _, n := range list {
		if n.Value == v {
			return n.Label
		}
	}
	return string(v)
}

// Valid reports whether v is one of the values in list.
func Valid[T ~string](list []Named[T], v T) bool {
	for _, n := range list {
		if n.Value == v {
			return true
		}
	}
	return false
}

// Outcome is the class of a reply (办理结果分类). Only A counts as solved.
type Outcome string

// Outcomes.
const (
	OutcomeSolved     Outcome = "A" // 已解决
	OutcomeInProgress Outcome = "B" // 正在解决
	OutcomePlanned    Outcome = "C" // 列入计划
	OutcomeNotNow     Outcome = "D" // 因条件限制暂不能解决
)

// Outcomes lists the outcome classes with their Chinese names.
var Outcomes = []Named[Outcome]{
	{OutcomeSolved, "A类 已解决"}, {OutcomeInProgress, "B类 正在解决"},
	{OutcomePlanned, "C类 列入计划"}, {OutcomeNotNow, "D类 因条件限制暂不能解决"},
}

// Rating is a citizen's evaluation (满意度评价).
type Rating string

// Ratings.
const (
	RatingSatisfied   Rating = "satisfied"
	RatingBasically   Rating = "basically_satisfied"
	RatingUnsatisfied Rating = "unsatisfied"
)

// Ratings lists the ratings with their Chinese names.
var Ratings = []Named[Rating]{
	{RatingSatisfied, "满意"}, {RatingBasically, "基本满意"}, {RatingUnsatisfied, "不满意"},
}

// FeedbackChannel is how a reply reached its recipient (反馈方式).
type FeedbackChannel string

// Feedback channels.
const (
	FeedbackWritten  FeedbackChannel = "written"
	FeedbackPhone    FeedbackChannel = "phone"
	FeedbackSMS      FeedbackChannel = "sms"
	FeedbackBulletin FeedbackChannel = "bulletin"
	FeedbackOnline   FeedbackChannel = "online"
)

// FeedbackChannels lists the feedback channels with their Chinese names.
var FeedbackChannels = []Named[FeedbackChannel]{
	{FeedbackWritten, "书面答复"}, {FeedbackPhone, "电话告知"}, {FeedbackSMS, "短信通知"},
	{FeedbackBulletin, "公示栏张贴"}, {FeedbackOnline, "网上答复"},
}

// Recipient is one side of dual feedback (双反馈).
type Recipient string

// Recipients.
const (
	RecipientCongress Recipient = "congress" // 人大机关
	RecipientCitizen  Recipient = "citizen"  // 群众
)

// Recipients lists both sides of dual feedback.
var Recipients = []Named[Recipient]{{RecipientCongress, "反馈人大"}, {RecipientCitizen, "反馈群众"}}

// Resolution says how a finished case ended.
type Resolution string

// Resolutions.
const (
	ResolutionHandled   Resolution = "handled"   // replied and evaluated
	ResolutionExplained Resolution = "explained" // unsatisfied, closed with a written explanation
	ResolutionAnswered  Resolution = "answered"
	ResolutionReferred  Resolution = "referred"
	ResolutionMerged    Resolution = "merged"
	ResolutionDeclined  Resolution = "declined"
	ResolutionUnrated   Resolution = "unrated" // replied, citizen could not be reached to evaluate
)

// Reply — 答复: a unit's answer to a case in one round, with its outcome class.
type Reply struct {
	ID          int64   `json:"id"`
	CaseID      int64   `json:"case_id"`
	Round       int     `json:"round"`
	UnitID      int64   `json:"unit_id"`
	ProposalID  int64   `json:"proposal_id"`
	Outcome     Outcome `json:"outcome"`
	Text        string  `json:"text"`
	PlannedDate string  `json:"planned_date"` // required for C: when it is planned to be done
	Reason      string  `json:"reason"`       // required for D: why it cannot be solved now
	// PublicSummary is what was done, in a sentence for the public results
	// board; optional, and never the reply itself.
	PublicSummary string     `json:"public_summary"`
	At            time.Time  `json:"at"`
	By            int64      `json:"by"`
	Deliveries    []Delivery `json:"deliveries"`
}

// Delivery records that a reply reached the congress office or the citizen.
type Delivery struct {
	ID        int64           `json:"id"`
	ReplyID   int64           `json:"reply_id"`
	Recipient Recipient       `json:"recipient"`
	Channel   FeedbackChannel `json:"channel"`
	At        time.Time       `json:"at"`
	Note      string          `json:"note"`
	By        int64           `json:"by"`
}

// Evaluation — 满意度评价: the citizen's rating of one round's reply.
type Evaluation struct {
	ID       int64     `json:"id"`
	CaseID   int64     `json:"case_id"`
	Round    int       `json:"round"`
	Rating   Rating    `json:"rating"`
	Comment  string    `json:"comment"`
	Callback bool      `json:"callback"` // recorded by an officer at a call-back (回访) rather than online
	At       time.Time `json:"at"`
	By       int64     `json:"by"`
}

// Assignment — 交办: a case handed to one unit, as lead (主办) or co-handler (协办).
type Assignment struct {
	ID           int64           `json:"id"`
	CaseID       int64           `json:"case_id"`
	UnitID       int64           `json:"unit_id"`
	Lead         bool            `json:"lead"`
	Round        int             `json:"round"`
	DueDate      string          `json:"due_date"`
	State        AssignmentState `json:"state"`
	AssignedAt   time.Time       `json:"assigned_at"`
	AcceptedAt   time.Time       `json:"accepted_at,omitzero"`
	ReturnedAt   time.Time       `json:"returned_at,omitzero"`
	ReturnReason string          `json:"return_reason"`
}

// AssignmentState is where one unit's assignment stands.
type AssignmentState string

// Assignment states.
const (
	AssignmentPending  AssignmentState = "pending"  // 待签收
	AssignmentAccepted AssignmentState = "accepted" // 已签收
	AssignmentReturned AssignmentState = "returned" // 已退回
	AssignmentDone     AssignmentState = "done"     // 已答复或已撤销
)

// Extension — 延期申请: a unit asks for more working days.
type Extension struct {
	ID          int64     `json:"id"`
	CaseID      int64     `json:"case_id"`
	UnitID      int64     `json:"unit_id"`
	Days        int       `json:"days"`
	Reason      string    `json:"reason"`
	State       string    `json:"state"` // pending, approved, refused
	RequestedAt time.Time `json:"requested_at"`
	DecidedAt   time.Time `json:"decided_at,omitzero"`
	DecidedBy   int64     `json:"decided_by"`
	Note        string    `json:"note"`
	NewDue      string    `json:"new_due"`
}

// Event is one step in a case's history: who did what, when.
type Event struct {
	ID         int64     `json:"id"`
	CaseID     int64     `json:"case_id"`
	At         time.Time `json:"at"`
	ActorID    int64     `json:"actor_id"`
	ActorName  string    `json:"actor_name"`
	Action     Action    `json:"action"`
	FromStatus Status    `json:"from_status"`
	ToStatus   Status    `json:"to_status"`
	Note       string    `json:"note"`   // shown to staff
	Public     string    `json:"public"` // plain words shown to the citizen; empty hides the step from them
}

// Proposal — 代表建议: a formal deputy proposal that may bundle several cases;
// its reply reaches all of them.
type Proposal struct {
	ID         int64     `json:"id"`
	Title      string    `json:"title"`
	Body       string    `json:"body"`
	DeputyID   int64     `json:"deputy_id"`
	RegionCode string    `json:"region_code"`
	State      string    `json:"state"`    // open, replied
	UnitID     int64     `json:"unit_id"`  // the handling unit (承办单位), 0 when none
	DueDate    string    `json:"due_date"` // the reply deadline, YYYY-MM-DD
	Complex    bool      `json:"complex"`  // complex: the longer deadline
	CreatedAt  time.Time `json:"created_at"`
	CreatedBy  int64     `json:"created_by"`
	CaseIDs    []int64   `json:"case_ids"`
}
