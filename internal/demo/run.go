package demo

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/store"
)

// clock is the demo's own clock: the loader moves it along the timeline so
// that every event and audit entry carries the time the step "happened".
type clock struct{ t time.Time }

func (c *clock) Now() time.Time { return c.t }

// errInterrupted stops a load part-way; tests use it to stand in for a crash.
var errInterrupted = errors.New("demo load interrupted")

// runner plays the stories through the application, in time order.
type runner struct {
	a         *app.App // the real application, for reads
	b         *app.App // the same application reading time from clk
	clk       *clock
	now       time.Time
	stations  map[string]int64 // by key
	units     map[string]int64 // by name
	deputies  map[string]int64 // by name
	users     map[string]zhitong.Principal
	tokens    map[string]zhitong.Principal
	ids       map[string]int64 // case id by story key
	done      map[string]int   // events already recorded per story, when resuming
	stopAfter int              // stop after this many steps (tests); 0 runs all
}

// item is one step on the global timeline; j is the act index, -1 the intake.
type item struct {
	at   time.Time
	s, j int
}

// at turns "day days ago at hm" into a time in China. Staff steps that fall
// on a weekend or public holiday move to the nearest working day before now.
func (r *runner) at(day int, hm string, staff bool) (time.Time, error) {
	var h, m int
	if _, err := fmt.Sscanf(hm, "%d:%d", &h, &m); err != nil || h > 23 || m > 59 {
		return time.Time{}, fmt.Errorf("bad time %q", hm)
	}
	y, mo, d := r.now.In(zhitong.China).Date()
	t := time.Date(y, mo, d-day, h, m, 0, 0, zhitong.China)
	if !staff {
		return t, nil
	}
	cal := r.a.Calendar()
	for i := 1; i <= 15 && !cal.IsWorkday(t); i++ {
		if f := t.AddDate(0, 0, i); cal.IsWorkday(f) && f.Before(r.now) {
			return f, nil
		}
		if b := t.AddDate(0, 0, -i); cal.IsWorkday(b) {
			return b, nil
		}
	}
	return t, nil
}

// timeline lays every intake and step of every story on one time line. Within
// a story the steps keep their order, a few minutes apart at least, and all
// of them lie before now.
func (r *runner) timeline(list []story) ([]item, error) {
	var items []item
	for i, s := range list {
		staff := s.by != "" && s.by != token12345 && s.by != tokenOpen311
		t0, err := r.at(s.day, s.hm, staff)
		if err != nil {
			return nil, fmt.Errorf("story %s: %w", s.key, err)
		}
		ts := []time.Time{t0}
		for _, a := range s.acts {
			t, err := r.at(a.day, a.hm, a.op != opEvaluate)
			if err != nil {
				return nil, fmt.Errorf("story %s: %w", s.key, err)
			}
			if prev := ts[len(ts)-1]; !t.After(prev) {
				t = prev.Add(7 * time.Minute)
			}
			ts = append(ts, t)
		}
		limit := r.now.Add(-time.Minute)
		for j := len(ts) - 1; j >= 0; j-- {
			if ts[j].After(limit) {
				ts[j] = limit
			}
			limit = ts[j].Add(-time.Minute)
		}
		for j, t := range ts {
			items = append(items, item{at: t, s: i, j: j - 1})
		}
	}
	slices.SortStableFunc(items, func(x, y item) int {
		return cmp.Or(x.at.Compare(y.at), cmp.Compare(x.s, y.s), cmp.Compare(x.j, y.j))
	})
	return items, nil
}

// resume finds the cases an interrupted load already wrote, by their exact
// title and text, and how many of their steps were recorded.
func (r *runner) resume(ctx context.Context, list []story) error {
	db := r.a.DB()
	for _, s := range list {
		var id int64
		err := db.QueryRow(ctx, `SELECT id FROM cases WHERE title = ? AND body = ? ORDER BY id LIMIT 1`, s.title, s.body).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			continue // not written yet
		} else if err != nil {
			return err
		}
		var n int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM case_events WHERE case_id = ?`, id).Scan(&n); err != nil {
			return err
		}
		r.ids[s.key], r.done[s.key] = id, n
	}
	return nil
}

// run plays the timeline, skipping what a previous, interrupted run did.
func (r *runner) run(ctx context.Context, list []story) error {
	items, err := r.timeline(list)
	if err != nil {
		return err
	}
	steps := 0
	for _, it := range items {
		s := &list[it.s]
		if it.j < 0 && r.ids[s.key] != 0 || it.j >= 0 && it.j+1 < r.done[s.key] {
			continue
		}
		if r.stopAfter > 0 && steps >= r.stopAfter {
			return errInterrupted
		}
		r.clk.t = it.at
		if it.j < 0 {
			err = r.create(ctx, s)
		} else {
			err = r.do(ctx, s, s.acts[it.j])
		}
		if err != nil {
			return fmt.Errorf("demo case %s, step %d: %w", s.key, it.j+1, err)
		}
		steps++
	}
	return nil
}

func (r *runner) principal(username string) (zhitong.Principal, error) {
	p, ok := r.users[username]
	if !ok {
		return p, fmt.Errorf("no demo account %q", username)
	}
	return p, nil
}

// create takes the story's case in through the channel it came by.
func (r *runner) create(ctx context.Context, s *story) error {
	in := app.IntakeInput{Channel: s.channel, Title: s.title, Body: s.body, RegionCode: s.region, StationID: r.stations[s.station],
		Place: s.place, Anonymous: s.name == "", Name: s.name, Phone: s.phone, ExternalID: s.ext, Answer: s.answer}
	var c *zhitong.Case
	var err error
	switch s.by {
	case "":
		c, err = r.b.Submit(ctx, zhitong.Citizen, in)
	case token12345, tokenOpen311:
		c, err = r.b.Submit(ctx, r.tokens[s.by], in)
	default:
		in.CategoryCode, in.DeputyID = s.cat, r.deputies[s.deputy]
		p, perr := r.principal(s.by)
		if perr != nil {
			return perr
		}
		c, err = r.b.Intake(ctx, p, in)
	}
	if err != nil {
		return err
	}
	r.ids[s.key] = c.ID
	return nil
}

// do performs one step of a story as its actor.
func (r *runner) do(ctx context.Context, s *story, a act) error {
	db := r.a.DB()
	id := r.ids[s.key]
	rec, err := store.GetCase(ctx, db, id)
	if err != nil {
		return err
	}
	v := rec.Version
	var p zhitong.Principal
	if who := a.actor(); who != "" {
		if p, err = r.principal(who); err != nil {
			return err
		}
	}
	b := r.b
	switch a.op {
	case opRegister:
		_, err = b.Register(ctx, p, id, app.RegisterInput{Version: v, CategoryCode: s.cat, StationID: r.stations[s.station], DeputyID: r.deputies[s.deputy]})
	case opAssign:
		in := app.AssignInput{Version: v, LeadUnit: r.units[a.unit], Days: a.days}
		for _, u := range a.co {
			in.CoUnits = append(in.CoUnits, r.units[u])
		}
		_, err = b.Assign(ctx, p, id, in)
	case opAccept:
		_, err = b.Accept(ctx, p, id, app.TextInput{Version: v})
	case opReturn:
		_, err = b.Return(ctx, p, id, app.TextInput{Version: v, Text: a.text})
	case opExtend:
		_, err = b.RequestExtension(ctx, p, id, app.ExtensionInput{Version: v, Days: a.days, Reason: a.text})
	case opDecide:
		_, err = b.DecideExtension(ctx, p, id, app.DecisionInput{Version: v, Approve: a.approve, Note: a.text})
	case opReply:
		_, err = b.Reply(ctx, p, id, r.replyInput(v, a))
	case opReplyProposal:
		// The first bundled story to reach this step replies for all of them.
		prop, perr := store.GetProposal(ctx, db, rec.ProposalID)
		if perr != nil {
			return perr
		}
		if prop.State == "open" {
			_, err = b.ReplyProposal(ctx, p, prop.ID, r.replyInput(0, a))
		}
	case opDeliver:
		d := a.dels[0]
		_, err = b.Deliver(ctx, p, id, app.DeliveryInput{Recipient: d.to, Channel: d.ch})
	case opEvaluate:
		_, err = b.Evaluate(ctx, rec.Code, app.EvaluateInput{Version: v, Rating: a.rating, Comment: a.text})
	case opCallback:
		in := app.EvaluateInput{Version: v, Rating: a.rating, Comment: a.text}
		if !a.reached {
			in.Reached = new(bool)
		}
		_, err = b.Callback(ctx, p, id, in)
	case opRehandle:
		_, err = b.Rehandle(ctx, p, id, app.RehandleInput{Version: v, Days: a.days, Note: a.text})
	case opExplain:
		_, err = b.Explain(ctx, p, id, app.TextInput{Version: v, Text: a.text})
	case opClose:
		_, err = b.Close(ctx, p, id, app.TextInput{Version: v, Text: a.text})
	case opArchive:
		_, err = b.Archive(ctx, p, id, app.TextInput{Version: v, Text: a.text})
	case opSupervise:
		_, err = b.Supervise(ctx, p, id, app.SuperviseInput{Kind: a.kind, Note: a.text})
	case opPropose:
		in := app.ProposeInput{Version: v, Title: a.title, Body: a.text, DeputyID: r.deputies[a.deputy]}
		if a.ref != "" {
			other, gerr := store.GetCase(ctx, db, r.ids[a.ref])
			if gerr != nil || other.ProposalID == 0 {
				return fmt.Errorf("story %s has no proposal to join", a.ref)
			}
			in.ProposalID = other.ProposalID
		}
		_, err = b.Propose(ctx, p, id, in)
	case opRefer:
		_, err = b.Refer(ctx, p, id, app.ReferInput{Version: v, Destination: a.title, Note: a.text})
	case opReferralResult:
		_, err = b.ReferralResult(ctx, p, id, app.TextInput{Version: v, Text: a.text})
	case opMerge:
		if r.ids[a.ref] == 0 {
			return fmt.Errorf("merge target %s not created yet", a.ref)
		}
		_, err = b.Merge(ctx, p, id, app.MergeInput{Version: v, Into: r.ids[a.ref], Note: a.text})
	case opDecline:
		_, err = b.Decline(ctx, p, id, app.TextInput{Version: v, Text: a.text})
	case opAnswer:
		_, err = b.Answer(ctx, p, id, app.TextInput{Version: v, Text: a.text})
	default:
		return fmt.Errorf("unknown step %d", a.op)
	}
	return err
}

func (r *runner) replyInput(version int, a act) app.ReplyInput {
	in := app.ReplyInput{Version: version, Outcome: a.outcome, Text: a.text, Reason: a.reason}
	if a.plan > 0 {
		in.PlannedDate = r.clk.t.In(zhitong.China).AddDate(0, 0, a.plan).Format(time.DateOnly)
	}
	for _, d := range a.dels {
		in.Deliveries = append(in.Deliveries, app.DeliveryInput{Recipient: d.to, Channel: d.ch})
	}
	return in
}
