package zhitong

import "time"

// CoOpinion — 协办意见: a co-handling unit's opinion to the lead unit on a
// case in one round. The unit may amend it until the lead unit replies;
// Agrees says it agrees with the lead unit's handling, Finished that its
// own part of the work is done.
type CoOpinion struct {
	ID          int64
	CaseID      int64
	Round       int
	UnitID      int64
	Text        string
	Agrees      bool
	Finished    bool
	SubmittedAt time.Time
	UpdatedAt   time.Time
	By          int64 // the user who wrote the latest text
	Revisions   int   // 1 for the first submission, +1 for each amendment
}
