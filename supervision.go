package zhitong

import "time"

// CaseKind is the nature of a request (诉求类型); with the category it
// picks the default deadline.
type CaseKind string

// Case kinds.
const (
	KindConsultation CaseKind = "consultation" // 咨询
	KindHelp         CaseKind = "help"         // 求助
	KindComplaint    CaseKind = "complaint"    // 投诉
	KindSuggestion   CaseKind = "suggestion"   // 建议
)

// CaseKinds lists the case kinds with their Chinese names.
var CaseKinds = []Named[CaseKind]{
	{KindConsultation, "咨询"}, {KindHelp, "求助"}, {KindComplaint, "投诉"}, {KindSuggestion, "建议"},
}

// SupervisionLevel is how hard supervision presses on a running case (督办等级).
// Yellow (黄牌): overdue, a supervision letter is out. Red (红牌): overdue
// long enough to be on the supervision list and in the next bulletin. The
// thresholds are in the deadline policy.
type SupervisionLevel string

// Supervision levels.
const (
	LevelNone   SupervisionLevel = "none"
	LevelYellow SupervisionLevel = "yellow"
	LevelRed    SupervisionLevel = "red"
)

// SupervisionLevels lists the levels with their Chinese names.
var SupervisionLevels = []Named[SupervisionLevel]{
	{LevelNone, "正常"}, {LevelYellow, "黄牌督办"}, {LevelRed, "红牌督办"},
}

// SupervisionAction is one supervision step on a case (督办记录): an
// automatic reminder, letter or listing, or one staff recorded.
type SupervisionAction struct {
	ID       int64
	CaseID   int64
	Round    int
	Kind     string // reminder, letter, listed (automatic); phone, letter, hearing, inspection (manual)
	Level    SupervisionLevel
	At       time.Time
	Note     string
	LetterID int64
	By       int64 // 0 for the system
	// ProposalID: the action is on this deputy proposal; CaseID then names
	// its first bundled case.
	ProposalID int64
}
