package seed

import (
	"encoding/json"
	"math/rand/v2"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/audit"
	"zhitong/internal/calendar"
	"zhitong/internal/mask"
	"zhitong/internal/pii"
	"zhitong/internal/search"
	"zhitong/internal/store"
)

// gen composes cases. It is used by one goroutine.
type gen struct {
	s         *seeder
	d         *deployment
	r         *rand.Rand
	nm        namer
	cal       *calendar.Calendar
	sealer    *pii.Sealer
	now       time.Time
	next      ids
	dueDays   map[string]int
	towns     []*town
	townCount int
	token     zhitong.Principal
	made      int          // cases composed so far in this run
	recent    []recentCase // cases a duplicate can be merged into
	b         *batch
}

type recentCase struct {
	id   int64
	code string
	t    text
	town *town
	at   time.Time
}

// Final statuses, weighted as a working county's database looks: most
// cases finished long ago, a few weeks' worth still moving.
var targets = []struct {
	status zhitong.Status
	weight int
}{
	{zhitong.StatusArchived, 560}, {zhitong.StatusClosed, 200}, {zhitong.StatusAnswered, 60}, {zhitong.StatusDeclined, 15},
	{zhitong.StatusMerged, 20}, {zhitong.StatusEvaluated, 20}, {zhitong.StatusInProgress, 35}, {zhitong.StatusAssigned, 15},
	{zhitong.StatusReplied, 20}, {zhitong.StatusUnsatisfied, 5}, {zhitong.StatusReturned, 4}, {zhitong.StatusSubmitted, 12},
	{zhitong.StatusRegistered, 12}, {zhitong.StatusReferred, 4}, {zhitong.StatusProposal, 3},
}

var targetTotal = func() int {
	n := 0
	for _, t := range targets {
		n += t.weight
	}
	return n
}()

func (g *gen) target() zhitong.Status {
	if g.made < len(targets) {
		// The first cases of every run cover every status once, so that even
		// a small seed has each.
		return targets[g.made].status
	}
	n := g.r.IntN(targetTotal)
	for _, t := range targets {
		if n < t.weight {
			return t.status
		}
		n -= t.weight
	}
	return zhitong.StatusArchived
}

// batch composes n cases.
func (g *gen) batch(n int) *batch {
	b := &batch{firstCase: g.next.cases}
	g.b = b
	for range n {
		g.one()
		g.made++
	}
	return b
}

// act is one step of a case's planned history.
type act struct {
	op       string
	delay    time.Duration
	outcome  zhitong.Outcome
	rating   zhitong.Rating
	callback bool
	coUnit   bool
}

func (g *gen) between(lo, hi time.Duration) time.Duration {
	return lo + time.Duration(g.r.Int64N(int64(hi-lo)+1))
}

const day = 24 * time.Hour

// plan lays out the steps that bring a case to target.
func (g *gen) plan(target zhitong.Status, self bool) []act {
	r := g.r
	var acts []act
	add := func(op string, lo, hi time.Duration) *act {
		acts = append(acts, act{op: op, delay: g.between(lo, hi)})
		return &acts[len(acts)-1]
	}
	if self && target != zhitong.StatusSubmitted {
		add("register", 10*time.Minute, 2*day)
	}
	handle := func(finish bool) {
		a := add("assign", time.Hour, 2*day)
		a.coUnit = r.IntN(7) == 0
		if finish && r.IntN(25) == 0 {
			add("accept", 30*time.Minute, day)
			add("return", time.Hour, 2*day)
			add("assign", time.Hour, 2*day).coUnit = a.coUnit
		}
	}
	reply := func() {
		add("accept", 30*time.Minute, 2*day)
		if d := add("reply", day, 12*day); r.IntN(10) == 0 {
			d.delay = g.between(12*day, 30*day) // late: overdue before the reply
		}
		acts[len(acts)-1].outcome = pick(r, []zhitong.Outcome{"A", "A", "A", "A", "A", "A", "A", "A", "A", "A", "A", "A", "A", "B", "B", "B", "B", "C", "C", "D"})
	}
	rate := func(rating zhitong.Rating) {
		a := add("evaluate", time.Hour, 6*day)
		a.rating, a.callback = rating, r.IntN(4) == 0
	}
	goodRating := func() zhitong.Rating {
		if r.IntN(5) == 0 {
			return zhitong.RatingBasically
		}
		return zhitong.RatingSatisfied
	}
	finished := func() {
		switch n := r.IntN(100); {
		case n < 8: // referred elsewhere, result recorded
			add("refer", time.Hour, 3*day)
			add("referral_result", 5*day, 20*day)
		case n < 18: // unsatisfied, re-handled, then satisfied
			handle(true)
			reply()
			rate(zhitong.RatingUnsatisfied)
			add("rehandle", day, 3*day)
			add("reply", 2*day, 10*day).outcome = "A"
			rate(goodRating())
			add("close", day, 5*day)
		case n < 24: // unsatisfied, closed with an explanation
			handle(true)
			reply()
			rate(zhitong.RatingUnsatisfied)
			add("explain", day, 5*day)
		case n < 28: // the citizen could not be reached
			handle(true)
			reply()
			add("close", 10*day, 20*day)
		default:
			handle(true)
			reply()
			rate(goodRating())
			add("close", day, 5*day)
		}
	}
	switch target {
	case zhitong.StatusRegistered:
		// online: registered above; by staff: registered at intake
	case zhitong.StatusAnswered:
		if self {
			add("answer", 10*time.Minute, day)
		}
	case zhitong.StatusDeclined:
		add("decline", time.Hour, 3*day)
	case zhitong.StatusMerged:
		add("merge", time.Hour, 3*day)
	case zhitong.StatusReferred:
		add("refer", time.Hour, 3*day)
	case zhitong.StatusProposal:
		add("propose", day, 5*day)
	case zhitong.StatusAssigned:
		handle(false)
	case zhitong.StatusReturned:
		handle(false)
		add("accept", 30*time.Minute, day)
		add("return", time.Hour, 2*day)
	case zhitong.StatusInProgress:
		handle(false)
		add("accept", 30*time.Minute, 2*day)
	case zhitong.StatusReplied:
		handle(false)
		reply()
	case zhitong.StatusUnsatisfied:
		handle(false)
		reply()
		rate(zhitong.RatingUnsatisfied)
	case zhitong.StatusEvaluated:
		handle(false)
		reply()
		rate(goodRating())
	case zhitong.StatusClosed:
		finished()
	case zhitong.StatusArchived:
		switch n := r.IntN(100); {
		case n < 7:
			if self {
				add("answer", 10*time.Minute, day)
			}
		case n < 9:
			add("decline", time.Hour, 3*day)
		case n < 11:
			add("merge", time.Hour, 3*day)
		default:
			finished()
		}
		add("archive", 5*day, 40*day)
	}
	return acts
}

// window is how long ago a case that ends in status started, at most:
// the statuses still moving are recent.
func window(s zhitong.Status, r *rand.Rand) time.Duration {
	switch s {
	case zhitong.StatusSubmitted, zhitong.StatusRegistered, zhitong.StatusAssigned:
		return 2 * day
	case zhitong.StatusReturned, zhitong.StatusUnsatisfied:
		return 3 * day
	case zhitong.StatusInProgress:
		if r.IntN(6) == 0 {
			return 30 * day // some overdue
		}
		return 10 * day
	case zhitong.StatusReplied, zhitong.StatusEvaluated:
		return 8 * day
	case zhitong.StatusReferred:
		return 15 * day
	case zhitong.StatusProposal:
		return 30 * day
	}
	return 0
}

var staffChannels = []zhitong.Channel{zhitong.ChannelWalkIn, zhitong.ChannelWalkIn, zhitong.ChannelWalkIn, zhitong.ChannelAppointment,
	zhitong.ChannelBox, zhitong.ChannelMobile, zhitong.ChannelMobile, zhitong.ChannelSurvey}

// one composes a case and its history.
func (g *gen) one() {
	r := g.r
	target := g.target()
	// Channel: about half online, a sixth from the 12345 hotline and
	// Open311, the rest taken in by staff.
	var channel zhitong.Channel
	switch n := r.IntN(100); {
	case n < 48:
		channel = zhitong.ChannelOnline
	case n < 62:
		channel = zhitong.ChannelImported
	case n < 64:
		channel = zhitong.ChannelOpen311
	default:
		channel = pick(r, staffChannels)
	}
	self := channel.SelfService()
	if target == zhitong.StatusSubmitted {
		channel, self = zhitong.ChannelOnline, true
	}
	if target == zhitong.StatusAnswered && r.IntN(3) > 0 {
		channel, self = pick(r, staffChannels), false
	}
	acts := g.plan(target, self)
	if merging(acts) && len(g.recent) == 0 {
		// Nothing to merge into yet: declined instead.
		for i := range acts {
			if acts[i].op == "merge" {
				acts[i].op = "decline"
			}
		}
	}
	var total time.Duration
	for _, a := range acts {
		total += a.delay
	}
	// When it was submitted.
	var t0 time.Time
	if w := window(target, r); w > 0 {
		t0 = g.now.Add(-total - g.between(10*time.Minute, w))
	} else {
		// Cases arrive in id order over the years, as they do (and the
		// indexes on time and id then grow at their end).
		span := time.Duration(g.s.opt.Years) * 365 * day
		t0 = g.now.Add(-span + time.Duration(float64(span)*float64(g.made)/float64(max(g.s.opt.Cases, 1))) + g.between(-6*time.Hour, 6*time.Hour))
		if latest := g.now.Add(-total - time.Hour); t0.After(latest) {
			t0 = latest.Add(-g.between(0, 30*day))
		}
	}
	t0 = daytime(t0, r)
	if t0.Add(total).After(g.now) {
		// daytime moved a case of the small hours of today to later
		// today: take the day before (whose office hours are past).
		t0 = t0.AddDate(0, 0, -1)
	}

	// Where, about what, by whom.
	tw := g.towns[r.IntN(len(g.towns))]
	var tx text
	var into *recentCase
	if merging(acts) && len(g.recent) > 0 {
		rc := g.recent[r.IntN(len(g.recent))]
		into = &rc
		tw, tx = rc.town, g.nm.nearDuplicate(rc.t)
		if t0.Before(rc.at) {
			t0 = rc.at.Add(g.between(time.Hour, 3*day))
			if t0.Add(total).After(g.now) {
				t0 = g.now.Add(-total - time.Minute)
			}
		}
	} else if len(g.recent) > 0 && r.IntN(50) == 0 {
		rc := g.recent[r.IntN(len(g.recent))]
		tw, tx = rc.town, g.nm.nearDuplicate(rc.t) // a near-duplicate nobody merged
	} else {
		tx = g.nm.text(tw.name)
	}
	c := &caseState{g: g, b: g.b, id: g.next.cases, code: app.NewTrackingCode(), channel: channel, round: 1, version: 1,
		title: tx.title, body: tx.body, place: tx.place, region: tw.code, station: tw.station, category: tx.issue.cat,
		town: tw, text: tx, submitted: t0}
	g.next.cases++
	if !self {
		if r.IntN(3) == 0 && len(tw.deputies) > 0 {
			c.deputy = pick(r, tw.deputies)
		}
	} else if r.IntN(3) > 0 {
		c.station = 0 // online without choosing a station
	}
	c.person(r)
	// Intake.
	officer := tw.county.officer
	switch {
	case self && channel == zhitong.ChannelOnline:
		c.intake(zhitong.Citizen, zhitong.StatusSubmitted)
	case self:
		c.intake(g.token, zhitong.StatusSubmitted)
	case target == zhitong.StatusAnswered || len(acts) == 1 && acts[0].op == "archive":
		c.answer = g.nm.answer(tx)
		c.intake(officer, zhitong.StatusAnswered)
	default:
		c.intake(officer, zhitong.StatusRegistered)
	}
	at := t0
	for _, a := range acts {
		at = at.Add(a.delay)
		c.do(at, a, into)
	}
	c.finish()
	if c.status != zhitong.StatusMerged && (len(g.recent) == 0 || r.IntN(4) == 0) {
		rc := recentCase{id: c.id, code: c.code, t: tx, town: tw, at: t0}
		if len(g.recent) < 200 {
			g.recent = append(g.recent, rc)
		} else {
			g.recent[r.IntN(len(g.recent))] = rc
		}
	}
}

func merging(acts []act) bool {
	for _, a := range acts {
		if a.op == "merge" {
			return true
		}
	}
	return false
}

// daytime moves t into office hours in China (08:00–21:00), the same day.
func daytime(t time.Time, r *rand.Rand) time.Time {
	l := t.In(zhitong.China)
	if h := l.Hour(); h < 8 || h >= 21 {
		l = time.Date(l.Year(), l.Month(), l.Day(), 8+r.IntN(12), r.IntN(60), r.IntN(60), 0, zhitong.China)
	}
	return l.UTC()
}

// caseState is a case being composed, step by step, as app.step would
// change it.
type caseState struct {
	g         *gen
	b         *batch
	town      *town
	text      text
	id        int64
	code      string
	channel   zhitong.Channel
	status    zhitong.Status
	version   int
	round     int
	title     string
	body      string
	place     string
	category  string
	region    string
	station   int64
	deputy    int64
	createdBy int64

	anonymous                            bool
	name, phone, address                 string // plain
	nameEnc, phoneEnc, phoneIdx, addrEnc string
	idcardEnc                            string

	submitted, registered, closed, archived, updated time.Time
	dueFrom, dueDate                                 string
	dueDays                                          int
	dueProvisional                                   bool
	lead                                             unitRef
	co                                               *unitRef
	assignIdx                                        []int // rows of this round's assignments in b.assignments
	answer, declineReason, referralDest, referral    string
	resolution                                       zhitong.Resolution
	closingNote                                      string
	mergedInto, proposal, returnedFrom               int64
	lastReply                                        int64
	lastReplyAt                                      time.Time
	lastSummary                                      string
	lastOutcome                                      zhitong.Outcome
}

func (c *caseState) person(r *rand.Rand) {
	if r.IntN(12) == 0 {
		c.anonymous = true
		return
	}
	nm := c.g.nm
	c.name, c.phone = nm.person(), nm.phone()
	if r.IntN(3) == 0 {
		c.address = nm.address(c.town.name)
	}
	s := c.g.sealer
	c.nameEnc, c.phoneEnc, c.addrEnc = s.Seal(c.name, "case:name"), s.Seal(c.phone, "case:phone"), s.Seal(c.address, "case:address")
	c.phoneIdx = s.BlindIndex("phone", c.phone)
}

func (g *gen) eventID() int64 { id := g.next.events; g.next.events++; return id }

// event appends a case event and returns its id.
func (c *caseState) event(at time.Time, p zhitong.Principal, action zhitong.Action, from, to zhitong.Status, note, public string) int64 {
	id := c.g.eventID()
	name := p.Name
	if p.Role == "" {
		name = "群众"
	}
	c.b.events = append(c.b.events, []any{id, c.id, store.FormatTime(at), p.UserID, name, string(action), string(from), string(to), note, public})
	return id
}

func actor(p zhitong.Principal) string {
	switch {
	case p.UserID != 0:
		return "user:" + itoa(p.UserID) + " " + p.Name
	case p.TokenID != 0:
		return "token:" + itoa(p.TokenID) + " " + p.Name
	case p.Name == "system":
		return "system"
	}
	return "citizen"
}

func (c *caseState) audit(at time.Time, p zhitong.Principal, action, object string, detail map[string]any) {
	b, _ := json.Marshal(detail)
	// As app.audit writes it: the object's jurisdiction (the case's or
	// the proposal's region, c.region) and the actor's.
	c.b.audit = append(c.b.audit, audit.Entry{At: at, Actor: actor(p), Action: action, Object: object, Detail: string(b),
		Region: c.region, ActorRegion: p.RegionCode})
}

// notice appends an outbox row as app.notify writes it, already delivered:
// history is not sent again when the server starts.
func (c *caseState) notice(at time.Time, ev int64, what, template string, channel, recipient string, user int64, vars map[string]string) {
	v, _ := json.Marshal(vars)
	key := "case:" + itoa(c.id) + ":ev:" + itoa(ev) + ":" + what + "/" + channel + ":" + recipient
	status, lastErr, sent, read := "sent", "", store.FormatTime(at.Add(3*time.Second)), ""
	switch {
	case channel == "sms" && recipient == "citizen" && c.anonymous:
		status, lastErr, sent = "skipped", "匿名案件，不发短信", ""
	case channel == "inapp" && c.g.now.Sub(at) > day:
		read = store.FormatTime(at.Add(time.Duration(1+c.g.r.IntN(20)) * time.Hour))
	}
	id := c.g.next.notes
	c.g.next.notes++
	var uid any
	if user != 0 {
		uid = user
	}
	c.b.notes = append(c.b.notes, []any{id, key, template, channel, recipient, c.id, uid, string(v), status, store.FormatTime(at),
		boolInt(status == "sent"), lastErr, store.FormatTime(at), sent, read})
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// intake is app.insertCase: the first event, the acknowledgement and the audit entry.
func (c *caseState) intake(p zhitong.Principal, status zhitong.Status) {
	c.status, c.createdBy, c.updated = status, p.UserID, c.submitted
	action := zhitong.ActionIntake
	if status == zhitong.StatusSubmitted {
		action = zhitong.ActionSubmit
	} else {
		c.registered = c.submitted
	}
	public := "您的诉求已受理"
	if status == zhitong.StatusAnswered {
		public = "已当场解答：" + c.answer
		c.resolution, c.closed = zhitong.ResolutionAnswered, c.submitted
	}
	if status == zhitong.StatusSubmitted {
		c.category = "" // classified when registered
	}
	ev := c.event(c.submitted, p, action, "", status, zhitong.Label(zhitong.Channels, c.channel), public)
	if status != zhitong.StatusAnswered {
		c.notice(c.submitted, ev, "acknowledged", "case.acknowledged", "sms", "citizen", 0, map[string]string{"code": c.code})
	}
	c.audit(c.submitted, p, "case."+string(action), "case:"+itoa(c.id),
		map[string]any{"code": c.code, "channel": c.channel, "status": status, "anonymous": c.anonymous})
}

// step is app.step: the status moves, the version goes up, an event and an
// audit entry are written. It returns the event's id.
func (c *caseState) step(at time.Time, p zhitong.Principal, action zhitong.Action, to zhitong.Status, note, public string) int64 {
	from := c.status
	c.status = to
	c.version++
	c.updated = at
	ev := c.event(at, p, action, from, to, note, public)
	c.audit(at, p, "case."+string(action), "case:"+itoa(c.id), map[string]any{"code": c.code, "from": from, "to": to, "note": note})
	return ev
}

func (c *caseState) due(at time.Time, days int) {
	today := calendar.Civil(at, zhitong.China)
	d, prov := c.g.cal.AddWorkdays(today, days)
	c.dueFrom, c.dueDate, c.dueProvisional, c.dueDays = today.Format(time.DateOnly), d.Format(time.DateOnly), prov, days
}

func (c *caseState) assignment(unit unitRef, lead bool, at time.Time, state zhitong.AssignmentState) {
	id := c.g.next.assignments
	c.g.next.assignments++
	accepted := ""
	if state == zhitong.AssignmentAccepted {
		accepted = store.FormatTime(at)
	}
	c.assignIdx = append(c.assignIdx, len(c.b.assignments))
	c.b.assignments = append(c.b.assignments, []any{id, c.id, unit.id, lead, c.round, c.dueDate, string(state), store.FormatTime(at), accepted, "", ""})
}

// setAssignments changes this round's assignments, as the application's
// UpdateAssignment calls would.
func (c *caseState) setAssignments(fn func(row []any)) {
	for _, i := range c.assignIdx {
		fn(c.b.assignments[i])
	}
}

func (c *caseState) do(at time.Time, a act, into *recentCase) {
	g, r := c.g, c.g.r
	officer := c.town.county.officer
	switch a.op {
	case "register":
		c.category = c.text.issue.cat
		c.registered = at
		c.step(at, officer, zhitong.ActionRegister, zhitong.StatusRegistered, "", "已登记，正在分流")
	case "answer":
		c.answer = g.nm.answer(c.text)
		c.resolution, c.closed = zhitong.ResolutionAnswered, at
		if c.registered.IsZero() {
			c.registered = at
		}
		c.step(at, officer, zhitong.ActionAnswer, zhitong.StatusAnswered, "", "已当场解答："+c.answer)
	case "decline":
		c.declineReason = pick(r, declineReasons)
		c.resolution, c.closed = zhitong.ResolutionDeclined, at
		c.step(at, officer, zhitong.ActionDecline, zhitong.StatusDeclined, "", "不予受理。理由："+c.declineReason)
	case "merge":
		c.mergedInto = into.id
		c.resolution, c.closed = zhitong.ResolutionMerged, at
		c.step(at, officer, zhitong.ActionMerge, zhitong.StatusMerged, "合并至 "+into.code+"。同一问题的重复反映",
			"您的诉求与同类诉求合并办理，办理进展见本页“已与同类问题合并办理”")
	case "refer":
		c.referralDest = pick(r, []string{"12345 政务服务便民热线", "县信访局", "县人民法院", "县司法局（人民调解）"})
		c.step(at, officer, zhitong.ActionRefer, zhitong.StatusReferred, "不属于人大职权范围",
			"该诉求不属于人大职权范围，已转交“"+c.referralDest+"”办理，我们将跟踪结果")
	case "referral_result":
		c.referral = "已由" + c.referralDest + "受理并答复群众"
		c.resolution, c.closed = zhitong.ResolutionReferred, at
		c.step(at, officer, zhitong.ActionReferralResult, zhitong.StatusClosed, "", c.referralDest+"办理结果："+c.referral)
	case "propose":
		id := g.next.proposals
		g.next.proposals++
		dep := int64(0)
		if len(c.town.deputies) > 0 {
			dep = pick(r, c.town.deputies)
		}
		title := "关于解决" + c.title + "问题的建议"
		due := calendar.Civil(at, zhitong.China).AddDate(0, 3, 0).Format(time.DateOnly)
		var depArg any
		if dep != 0 {
			depArg = dep
		}
		c.b.proposals = append(c.b.proposals, []any{id, title, c.body, depArg, c.region, "open", store.FormatTime(at), officer.UserID, due})
		c.audit(at, officer, "proposal.create", "proposal:"+itoa(id), map[string]any{"title": title})
		c.proposal = id
		c.step(at, officer, zhitong.ActionPropose, zhitong.StatusProposal, "代表建议 #"+itoa(id)+"："+title,
			"已转为人大代表建议，由代表提交有关部门办理")
	case "assign":
		key := c.text.issue.unit
		var lead unitRef
		if key == "town" {
			lead = c.town.gov
		} else {
			lead = c.town.county.depts[key]
		}
		if c.returnedFrom != 0 { // reassigned after a return: another unit
			lead = c.town.county.depts[pick(r, depts).key]
			if lead.id == c.returnedFrom {
				lead = c.town.gov
			}
		}
		c.lead, c.co = lead, nil
		if a.coUnit && lead.id != c.town.gov.id {
			co := c.town.gov
			c.co = &co
		}
		c.due(at, g.dueDays[c.category])
		c.assignIdx = nil
		c.assignment(lead, true, at, zhitong.AssignmentPending)
		names := "主办：" + lead.name + "；"
		if c.co != nil {
			c.assignment(*c.co, false, at, zhitong.AssignmentPending)
			names += "协办：" + c.co.name + "；"
		}
		note := names + "时限 " + itoa(int64(c.dueDays)) + " 个工作日，截止 " + c.dueDate
		ev := c.step(at, officer, zhitong.ActionAssign, zhitong.StatusAssigned, note, "已交办"+lead.name+"办理，办理期限至 "+c.dueDate)
		for _, u := range lead.users {
			c.notice(at, ev, "unit.assigned", "unit.assigned", "inapp", "user:"+itoa(u), u, map[string]string{"code": c.code, "title": c.title, "due": c.dueDate})
		}
		c.notice(at, ev, "case.assigned", "case.assigned", "sms", "citizen", 0, map[string]string{"code": c.code, "due": c.dueDate, "unit": lead.name})
	case "accept":
		c.setAssignments(func(row []any) {
			if row[6] == string(zhitong.AssignmentPending) && row[3] == true {
				row[6], row[8] = string(zhitong.AssignmentAccepted), store.FormatTime(at)
			}
		})
		c.step(at, c.lead.staff, zhitong.ActionAccept, zhitong.StatusInProgress, "主办单位签收", "承办单位已签收，正在办理")
		if c.co != nil {
			// The co-unit signs after the lead, but not after the seeder's
			// now: the plan's delays, which end before now, do not hold
			// this one (a 1M seed had cases updated up to 10 h ahead).
			t := at.Add(g.between(10*time.Minute, 12*time.Hour))
			if last := g.now.Add(-time.Minute); t.After(last) && last.After(at) {
				t = last
			} else if t.After(last) {
				t = at
			}
			c.setAssignments(func(row []any) {
				if row[6] == string(zhitong.AssignmentPending) && row[3] == false {
					row[6], row[8] = string(zhitong.AssignmentAccepted), store.FormatTime(t)
				}
			})
			c.step(t, c.co.staff, zhitong.ActionAccept, zhitong.StatusInProgress, "协办单位签收", "")
		}
	case "return":
		reason := "该事项不属于本单位职责，建议交" + pick(r, depts).name + "办理"
		c.setAssignments(func(row []any) {
			if row[3] == true {
				row[6], row[9], row[10] = string(zhitong.AssignmentReturned), store.FormatTime(at), reason
			} else {
				row[6] = string(zhitong.AssignmentDone)
			}
		})
		c.dueFrom, c.dueDays, c.dueDate, c.dueProvisional = "", 0, "", false
		c.step(at, c.lead.staff, zhitong.ActionReturn, zhitong.StatusReturned, "退回理由："+reason, "正在重新确定承办单位")
		c.returnedFrom, c.lead, c.co = c.lead.id, unitRef{}, nil // the next assign picks another unit
	case "reply":
		planned := ""
		if a.outcome == zhitong.OutcomePlanned {
			planned = calendar.Civil(at, zhitong.China).AddDate(0, 2+r.IntN(6), 0).Format(time.DateOnly)
		}
		text, summary := g.nm.reply(c.text, string(a.outcome), planned)
		reason := ""
		if a.outcome == zhitong.OutcomeNotNow {
			reason = pick(r, notNowReasons)
		}
		id := g.next.replies
		g.next.replies++
		c.lastReply, c.lastReplyAt, c.lastSummary, c.lastOutcome = id, at, summary, a.outcome
		c.b.replies = append(c.b.replies, []any{id, c.id, c.round, c.lead.id, string(a.outcome), text, planned, reason, summary, store.FormatTime(at), c.lead.staff.UserID})
		for _, d := range []struct {
			to zhitong.Recipient
			ch zhitong.FeedbackChannel
		}{{zhitong.RecipientCongress, zhitong.FeedbackWritten}, {zhitong.RecipientCitizen, pick(r, []zhitong.FeedbackChannel{zhitong.FeedbackPhone, zhitong.FeedbackSMS, zhitong.FeedbackWritten})}} {
			if d.to == zhitong.RecipientCitizen && c.anonymous {
				continue
			}
			did := g.next.deliveries
			g.next.deliveries++
			c.b.deliveries = append(c.b.deliveries, []any{did, id, string(d.to), string(d.ch), store.FormatTime(at), "", c.lead.staff.UserID})
		}
		c.setAssignments(func(row []any) {
			if row[6] != string(zhitong.AssignmentReturned) {
				row[6] = string(zhitong.AssignmentDone)
			}
		})
		label := zhitong.Label(zhitong.Outcomes, a.outcome)
		ev := c.step(at, c.lead.staff, zhitong.ActionReply, zhitong.StatusReplied, label, "承办单位已答复（"+label+"），请您评价")
		c.notice(at, ev, "case.replied", "case.replied", "sms", "citizen", 0, map[string]string{"code": c.code})
	case "evaluate":
		by, p, action := int64(0), zhitong.Citizen, zhitong.ActionEvaluate
		if a.callback && !c.anonymous {
			by, p, action = officer.UserID, officer, zhitong.ActionCallback
		}
		comment := ""
		if a.rating == zhitong.RatingUnsatisfied {
			comment = pick(r, []string{"问题没有彻底解决", "过了几天又坏了", "答复和实际情况不符", "处理太慢"})
		}
		id := g.next.evaluations
		g.next.evaluations++
		c.b.evaluations = append(c.b.evaluations, []any{id, c.id, c.round, string(a.rating), comment, action == zhitong.ActionCallback, store.FormatTime(at), by})
		to := zhitong.StatusEvaluated
		if a.rating == zhitong.RatingUnsatisfied {
			to = zhitong.StatusUnsatisfied
		}
		label := zhitong.Label(zhitong.Ratings, a.rating)
		note := label
		if comment != "" {
			note += "：" + comment
		}
		if action == zhitong.ActionCallback {
			note = "回访评价：" + note
		}
		public := "评价：" + label
		if to == zhitong.StatusUnsatisfied {
			public += "，我们将研判后重新办理或作出说明"
		}
		c.step(at, p, action, to, note, public)
	case "rehandle":
		c.round++
		c.due(at, 10)
		c.assignIdx = nil
		c.assignment(c.lead, true, at, zhitong.AssignmentAccepted)
		if c.co != nil {
			c.assignment(*c.co, false, at, zhitong.AssignmentAccepted)
		}
		ev := c.step(at, officer, zhitong.ActionRehandle, zhitong.StatusInProgress,
			"第 "+itoa(int64(c.round))+" 轮办理，截止 "+c.dueDate+"。请承办单位再次核实，彻底解决", "已责成承办单位重新办理，期限至 "+c.dueDate)
		c.notice(at, ev, "case.rehandled", "case.rehandled", "sms", "citizen", 0, map[string]string{"code": c.code, "due": c.dueDate})
	case "explain":
		c.closingNote = "经研判，承办单位已按政策规定办理，群众的进一步诉求暂不具备条件，已当面说明"
		c.resolution, c.closed = zhitong.ResolutionExplained, at
		c.step(at, officer, zhitong.ActionExplain, zhitong.StatusClosed, "", "经研判，作出如下说明后办结："+c.closingNote)
	case "close":
		c.resolution = zhitong.ResolutionHandled
		if c.status == zhitong.StatusReplied {
			c.resolution, c.closingNote = zhitong.ResolutionUnrated, "多次回访未联系上群众"
		}
		c.closed = at
		c.step(at, officer, zhitong.ActionClose, zhitong.StatusClosed, c.closingNote, "已办结")
	case "archive":
		c.archived = at
		c.step(at, officer, zhitong.ActionArchive, zhitong.StatusArchived, "", "")
	}
}

// finish appends the case row and its search document.
func (c *caseState) finish() {
	var cat, station, deputy, lead, merged, proposal any
	if c.category != "" {
		cat = c.category
	}
	if c.station != 0 {
		station = c.station
	}
	if c.deputy != 0 {
		deputy = c.deputy
	}
	if c.lead.id != 0 && c.status != zhitong.StatusReturned {
		lead = c.lead.id
	}
	if c.mergedInto != 0 {
		merged = c.mergedInto
	}
	if c.proposal != 0 {
		proposal = c.proposal
	}
	c.b.cases = append(c.b.cases, []any{c.id, c.code, string(c.channel), string(c.status), c.version, c.round, c.title, c.body, cat, c.region,
		station, deputy, c.place, 0.0, 0.0, c.anonymous, c.nameEnc, c.phoneEnc, c.phoneIdx, c.idcardEnc, c.addrEnc,
		"", store.FormatTime(c.submitted), store.FormatTime(c.registered), c.dueFrom, c.dueDays, c.dueDate, c.dueProvisional, lead, c.answer,
		c.declineReason, merged, proposal, c.referralDest, c.referral, string(c.resolution), c.closingNote, store.FormatTime(c.closed),
		store.FormatTime(c.archived), store.FormatTime(c.updated), c.createdBy, true})
	c.b.docs = append(c.b.docs, search.Document(c.title+" "+c.body+" "+c.place))
	c.publish()
}

// publish confirms the public text of most finished cases' last reply, as
// publication.Confirm does when staff accept the masked draft unchanged:
// the results board has a history to page through.
func (c *caseState) publish() {
	g, r := c.g, c.g.r
	if c.lastReply == 0 || r.IntN(10) >= 7 {
		return
	}
	switch c.status {
	case zhitong.StatusClosed, zhitong.StatusArchived, zhitong.StatusEvaluated:
	default:
		return
	}
	at := c.lastReplyAt.Add(g.between(time.Hour, 3*day))
	if at.After(g.now) {
		at = g.now.Add(-time.Minute)
	}
	var secrets []string
	if !c.anonymous {
		secrets = []string{c.name, c.phone}
	}
	title, summary := mask.Public(c.title, secrets...), mask.Public(c.lastSummary, secrets...)
	officer := c.town.county.officer
	c.b.publications = append(c.b.publications, []any{c.id, c.lastReply, title, summary, officer.UserID, store.FormatTime(at), store.FormatTime(c.lastReplyAt), string(c.lastOutcome),
		c.station, c.region, c.category})
	c.audit(at, officer, "case.publish", "case:"+itoa(c.id), map[string]any{"reply_id": c.lastReply, "title": title, "summary": summary, "edited": false})
}
