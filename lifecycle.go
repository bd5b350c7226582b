package zhitong

// Status is where a case stands in the closed loop (民意直通机制).
type Status string

// Statuses. The state diagram is in docs/lifecycle.md.
const (
	StatusSubmitted   Status = "submitted"   // 待登记: came in online or by interface
	StatusRegistered  Status = "registered"  // 待分流: registered and classified
	StatusAssigned    Status = "assigned"    // 已交办: waiting for the lead unit to accept
	StatusInProgress  Status = "in_progress" // 办理中
	StatusReturned    Status = "returned"    // 已退回: the unit says it is not its remit
	StatusReplied     Status = "replied"     // 已答复: waiting for the citizen's evaluation
	StatusUnsatisfied Status = "unsatisfied" // 不满意: waiting for review (研判)
	StatusEvaluated   Status = "evaluated"   // 已评价: satisfied or basically satisfied
	StatusProposal    Status = "proposal"    // 已转代表建议: waits for the proposal's reply
	StatusReferred    Status = "referred"    // 已转其他渠道: waits for the referral's result
	StatusAnswered    Status = "answered"    // 已当场解答
	StatusMerged      Status = "merged"      // 已合并
	StatusDeclined    Status = "declined"    // 不予受理（已告知理由）
	StatusClosed      Status = "closed"      // 已办结
	StatusArchived    Status = "archived"    // 已归档
)

// Statuses lists every status with the plain Chinese words citizens and staff see.
var Statuses = []Named[Status]{
	{StatusSubmitted, "已受理，待登记"}, {StatusRegistered, "已登记，待分流"},
	{StatusAssigned, "已交办"}, {StatusInProgress, "办理中"}, {StatusReturned, "已退回，待重新交办"},
	{StatusReplied, "已答复"}, {StatusUnsatisfied, "不满意，研判中"}, {StatusEvaluated, "已评价"},
	{StatusProposal, "已转为代表建议"}, {StatusReferred, "已转其他渠道办理"},
	{StatusAnswered, "已当场解答"}, {StatusMerged, "已合并办理"}, {StatusDeclined, "不予受理"},
	{StatusClosed, "已办结"}, {StatusArchived, "已归档"},
}

// Open reports whether the case is still in the loop (not finished or archived).
func (s Status) Open() bool {
	switch s {
	case StatusAnswered, StatusMerged, StatusDeclined, StatusClosed, StatusArchived:
		return false
	}
	return true
}

// Running reports whether a unit deadline is running on a case in this status.
func (s Status) Running() bool { return s == StatusAssigned || s == StatusInProgress }

// Action is one operation on a case. Each has its own permission and audit entry.
type Action string

// Actions.
const (
	ActionSubmit           Action = "submit"            // 提交 (citizen, online or by interface)
	ActionIntake           Action = "intake"            // 登记录入 (staff, any channel)
	ActionRegister         Action = "register"          // 登记分类
	ActionAnswer           Action = "answer"            // 当场解答
	ActionAssign           Action = "assign"            // 交办
	ActionPropose          Action = "propose"           // 转为代表建议
	ActionRefer            Action = "refer"             // 转其他渠道
	ActionReferralResult   Action = "referral_result"   // 记录转办结果
	ActionMerge            Action = "merge"             // 合并
	ActionDecline          Action = "decline"           // 不予受理
	ActionAccept           Action = "accept"            // 签收
	ActionReturn           Action = "return"            // 退回
	ActionRequestExtension Action = "request_extension" // 申请延期
	ActionDecideExtension  Action = "decide_extension"  // 审批延期
	ActionReply            Action = "reply"             // 答复
	ActionDeliver          Action = "deliver"           // 记录反馈送达
	ActionEvaluate         Action = "evaluate"          // 评价 (citizen online)
	ActionCallback         Action = "callback"          // 回访
	ActionRehandle         Action = "rehandle"          // 重办
	ActionExplain          Action = "explain"           // 说明后办结
	ActionClose            Action = "close"             // 办结
	ActionArchive          Action = "archive"           // 归档
	ActionSupervise        Action = "supervise"         // 督办
	ActionReveal           Action = "reveal"            // 查看个人信息
	ActionRevealPhone      Action = "reveal_phone"      // 主办单位查看群众电话 (to answer the citizen, 双反馈)
	ActionCoOpinion        Action = "co_opinion"        // 提交协办意见 (a co-handling unit to the lead unit)
	ActionTransfer         Action = "transfer"          // 移交上级/下级人大 (internal/levels, docs/levels.md)
	ActionView             Action = "view"              // 查看
	// ActionReschedule (期限调整) is the system moving a provisional deadline
	// when the State Council's schedule for its year is loaded; no role
	// performs it.
	ActionReschedule Action = "reschedule"
)

// ActionLabels gives the Chinese name of each action, for timelines and errors.
var ActionLabels = []Named[Action]{
	{ActionSubmit, "提交"}, {ActionIntake, "登记录入"}, {ActionRegister, "登记分类"},
	{ActionAnswer, "当场解答"}, {ActionAssign, "交办"}, {ActionPropose, "转为代表建议"},
	{ActionRefer, "转其他渠道"}, {ActionReferralResult, "记录转办结果"}, {ActionMerge, "合并"},
	{ActionDecline, "不予受理"}, {ActionAccept, "签收"}, {ActionReturn, "退回"},
	{ActionRequestExtension, "申请延期"}, {ActionDecideExtension, "审批延期"}, {ActionReply, "答复"},
	{ActionDeliver, "记录反馈"}, {ActionEvaluate, "评价"}, {ActionCallback, "回访"},
	{ActionRehandle, "重办"}, {ActionExplain, "说明后办结"}, {ActionClose, "办结"},
	{ActionArchive, "归档"}, {ActionSupervise, "督办"}, {ActionReveal, "查看个人信息"},
	{ActionRevealPhone, "查看群众电话"}, {ActionCoOpinion, "协办意见"}, {ActionView, "查看"},
	{ActionReschedule, "调整办理期限"}, {ActionTransfer, "移交上级或下级人大"},
}

// transitions lists, for each action on an existing case, the statuses it
// may start from. Where the action moves the case, next gives the new status.
var transitions = map[Action][]Status{
	ActionRegister:         {StatusSubmitted},
	ActionAnswer:           {StatusSubmitted, StatusRegistered},
	ActionAssign:           {StatusRegistered, StatusReturned},
	ActionPropose:          {StatusRegistered, StatusReturned},
	ActionRefer:            {StatusRegistered, StatusReturned},
	ActionReferralResult:   {StatusReferred},
	ActionMerge:            {StatusSubmitted, StatusRegistered, StatusReturned},
	ActionDecline:          {StatusSubmitted, StatusRegistered},
	ActionAccept:           {StatusAssigned, StatusInProgress},
	ActionReturn:           {StatusAssigned, StatusInProgress},
	ActionRequestExtension: {StatusAssigned, StatusInProgress},
	ActionDecideExtension:  {StatusAssigned, StatusInProgress},
	ActionReply:            {StatusInProgress, StatusProposal},
	ActionDeliver:          {StatusReplied, StatusUnsatisfied, StatusEvaluated, StatusClosed},
	ActionEvaluate:         {StatusReplied},
	ActionCallback:         {StatusReplied},
	ActionRehandle:         {StatusUnsatisfied},
	ActionExplain:          {StatusUnsatisfied},
	ActionClose:            {StatusEvaluated, StatusReplied},
	ActionArchive:          {StatusClosed, StatusAnswered, StatusMerged, StatusDeclined},
	ActionSupervise:        {StatusAssigned, StatusInProgress, StatusReturned},
	// Before any unit handles it: the receiving level triages it afresh.
	ActionTransfer: {StatusSubmitted, StatusRegistered, StatusReturned},
	// While the case is with its units; neither moves the case.
	ActionRevealPhone: {StatusAssigned, StatusInProgress},
	ActionCoOpinion:   {StatusAssigned, StatusInProgress},
}

var next = map[Action]Status{
	ActionRegister:       StatusRegistered,
	ActionAnswer:         StatusAnswered,
	ActionAssign:         StatusAssigned,
	ActionPropose:        StatusProposal,
	ActionRefer:          StatusReferred,
	ActionReferralResult: StatusClosed,
	ActionMerge:          StatusMerged,
	ActionDecline:        StatusDeclined,
	ActionReturn:         StatusReturned,
	ActionReply:          StatusReplied,
	ActionRehandle:       StatusInProgress,
	ActionExplain:        StatusClosed,
	ActionClose:          StatusClosed,
	ActionArchive:        StatusArchived,
}

// CanDo reports whether action is allowed on a case in status s. When it is
// not, the error is an ECONFLICT that says why in Chinese.
func (s Status) CanDo(a Action) error {
	from, ok := transitions[a]
	if !ok {
		return nil // actions that do not depend on the status
	}
	for _, f := range from {
		if f == s {
			return nil
		}
	}
	return Errorf(ECONFLICT, "案件当前状态为“%s”，不能执行“%s”", Label(Statuses, s), Label(ActionLabels, a))
}

// Next returns the status a case moves to when action a succeeds from s.
// Actions that do not move the case return s.
func (s Status) Next(a Action) Status {
	if n, ok := next[a]; ok {
		return n
	}
	return s
}

// Transitions returns a copy of the lifecycle table, for documentation and tests.
func Transitions() map[Action][]Status {
	out := make(map[Action][]Status, len(transitions))
	for a, from := range transitions {
		out[a] = append([]Status(nil), from...)
	}
	return out
}

// Edge is one arrow of the state diagram.
type Edge struct {
	From, To Status
	Action   Action
}

// Edges lists every status change the lifecycle allows, for the state
// diagram in docs/lifecycle.md and its test. Actions that leave the status
// as it is (supervise, deliver, extension requests) are not edges.
func Edges() []Edge {
	var out []Edge
	for _, n := range ActionLabels {
		a := n.Value
		for _, from := range transitions[a] {
			var tos []Status
			switch a {
			case ActionAccept:
				if from == StatusAssigned {
					tos = []Status{StatusInProgress}
				}
			case ActionEvaluate, ActionCallback:
				tos = []Status{StatusEvaluated, StatusUnsatisfied}
			default:
				if to, ok := next[a]; ok {
					tos = []Status{to}
				}
			}
			for _, to := range tos {
				out = append(out, Edge{from, to, a})
			}
		}
	}
	return out
}
