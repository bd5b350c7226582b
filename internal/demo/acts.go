package demo

import "zhitong"

// story is one demo case: how it came in and every step it went through.
// Times are days before today plus a clock time in China; steps by staff
// that fall on a day off move to a working day.
type story struct {
	key     string
	day     int
	hm      string
	by      string // account that took it in; "" is a citizen online, token12345 / tokenOpen311 an integration
	channel zhitong.Channel
	station string // station key
	deputy  string // deputy name
	region  string // when there is no station
	cat     string
	title   string
	body    string
	place   string
	name    string // submitter; empty means anonymous
	phone   string
	ext     string // id in the system it came from
	answer  string // answered on the spot at intake
	acts    []act
}

// op is one application operation a step performs.
type op int

const (
	opRegister op = iota + 1
	opAssign
	opAccept
	opReturn
	opExtend
	opDecide
	opReply
	opDeliver
	opEvaluate
	opCallback
	opRehandle
	opExplain
	opClose
	opArchive
	opSupervise
	opPropose
	opReplyProposal
	opRefer
	opReferralResult
	opMerge
	opDecline
	opAnswer
)

// act is one step of a story. Each produces exactly one event on its case,
// which is what lets an interrupted load resume where it stopped.
type act struct {
	day     int
	hm      string
	op      op
	by      string // account; empty takes the op's usual actor
	text    string
	unit    string
	co      []string
	days    int
	outcome zhitong.Outcome
	plan    int // C replies: planned date, days after the reply
	reason  string
	dels    []delivery
	rating  zhitong.Rating
	reached bool
	ref     string // another story's key: merge target, proposal to join
	title   string
	deputy  string
	approve bool
	kind    string
}

type delivery struct {
	to zhitong.Recipient
	ch zhitong.FeedbackChannel
}

func toCongress(ch zhitong.FeedbackChannel) delivery { return delivery{zhitong.RecipientCongress, ch} }
func toCitizen(ch zhitong.FeedbackChannel) delivery  { return delivery{zhitong.RecipientCitizen, ch} }

// Feedback channels, shortened for the tables.
const (
	written  = zhitong.FeedbackWritten
	phone    = zhitong.FeedbackPhone
	sms      = zhitong.FeedbackSMS
	bulletin = zhitong.FeedbackBulletin
)

// The step constructors below read like the case history they produce.

func register(day int, hm string) act { return act{day: day, hm: hm, op: opRegister} }

func assign(day int, hm, lead string, days int, co ...string) act {
	return act{day: day, hm: hm, op: opAssign, unit: lead, days: days, co: co}
}

func accept(day int, hm string) act { return act{day: day, hm: hm, op: opAccept} }

func giveBack(day int, hm, reason string) act {
	return act{day: day, hm: hm, op: opReturn, text: reason}
}

func extend(day int, hm string, days int, reason string) act {
	return act{day: day, hm: hm, op: opExtend, days: days, text: reason}
}

func decide(day int, hm string, approve bool, note string) act {
	return act{day: day, hm: hm, op: opDecide, approve: approve, text: note}
}

func reply(day int, hm string, o zhitong.Outcome, text string, dels ...delivery) act {
	return act{day: day, hm: hm, op: opReply, outcome: o, text: text, dels: dels}
}

func replyProposal(day int, hm string, o zhitong.Outcome, text string, dels ...delivery) act {
	return act{day: day, hm: hm, op: opReplyProposal, outcome: o, text: text, dels: dels}
}

// planned sets the planned date of a C reply, days after the reply.
func (a act) planned(days int) act { a.plan = days; return a }

// because sets the reason of a D reply.
func (a act) because(reason string) act { a.reason = reason; return a }

// as makes another account perform the step.
func (a act) as(username string) act { a.by = username; return a }

func deliver(day int, hm string, d delivery) act {
	return act{day: day, hm: hm, op: opDeliver, dels: []delivery{d}}
}

func evaluate(day int, hm string, r zhitong.Rating, comment string) act {
	return act{day: day, hm: hm, op: opEvaluate, rating: r, text: comment}
}

func callback(day int, hm string, r zhitong.Rating, comment string) act {
	return act{day: day, hm: hm, op: opCallback, rating: r, text: comment, reached: true}
}

func unreached(day int, hm, note string) act {
	return act{day: day, hm: hm, op: opCallback, text: note}
}

func rehandle(day int, hm string, days int, note string) act {
	return act{day: day, hm: hm, op: opRehandle, days: days, text: note}
}

func explain(day int, hm, text string) act { return act{day: day, hm: hm, op: opExplain, text: text} }

func closeCase(day int, hm, note string) act { return act{day: day, hm: hm, op: opClose, text: note} }

func archive(day int, hm string) act { return act{day: day, hm: hm, op: opArchive} }

func supervise(day int, hm, kind, note string) act {
	return act{day: day, hm: hm, op: opSupervise, kind: kind, text: note}
}

func propose(day int, hm, title, body, deputyName string) act {
	return act{day: day, hm: hm, op: opPropose, title: title, text: body, deputy: deputyName}
}

// bundle adds the case to the proposal the story ref was turned into.
func bundle(day int, hm, ref string) act { return act{day: day, hm: hm, op: opPropose, ref: ref} }

func refer(day int, hm, dest, note string) act {
	return act{day: day, hm: hm, op: opRefer, title: dest, text: note}
}

func referralResult(day int, hm, text string) act {
	return act{day: day, hm: hm, op: opReferralResult, text: text}
}

func merge(day int, hm, into, note string) act {
	return act{day: day, hm: hm, op: opMerge, ref: into, text: note}
}

func decline(day int, hm, reason string) act {
	return act{day: day, hm: hm, op: opDecline, text: reason}
}

func answer(day int, hm, text string) act { return act{day: day, hm: hm, op: opAnswer, text: text} }

// actor returns the account that performs a step unless the step names one.
func (a act) actor() string {
	if a.by != "" {
		return a.by
	}
	switch a.op {
	case opAccept, opReturn, opExtend, opReply, opDeliver:
		return unit
	case opDecide, opRehandle, opExplain, opReplyProposal:
		return committee
	case opEvaluate:
		return ""
	}
	return officer
}
