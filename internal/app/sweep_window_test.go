package app_test

import (
	"fmt"
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/testkit"
)

// changePolicy saves the deadline policy with a new letter prefix: a
// change of the rules, after which a sweep trusts no earlier mark.
func changePolicy(t *testing.T, a *app.App, f *testkit.Fixture) {
	t.Helper()
	committee := f.In[zhitong.RoleCommittee]
	p := *testkit.Must(a.Policy(ctx, committee))(t)
	p.LetterPrefix = "县人大督"
	testkit.Must(a.SetPolicy(ctx, committee, p))(t)
}

// TestEscalationScanReadsSinceTheLastOne: after an escalation scan that
// left nothing behind, the next reads only the deadlines a step can have
// come due on since and the cases changed since (meta sweep.escalation).
// A deadline written behind the app's back, which no step stamped, is
// therefore not read — until the rules change, which reads every running
// case once. A scan with a failure keeps the old mark, so its case is
// read again however much later the next sweep runs.
func TestEscalationScanReadsSinceTheLastOne(t *testing.T) {
	a, clock := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	unitHandler(t, a, f)
	c := assigned(t, a, f, "建设路路灯不亮，夜间出行不便") // due Monday 2026-11-30
	hidden := assigned(t, a, f, "小区门口路面塌陷，车辆难以通行")
	wantSteps := func(day string, want int) {
		t.Helper()
		setDay(clock, day)
		if r := sweep(t, a); r.Escalations != want {
			t.Fatalf("sweep on %s took %d escalation steps, want %d", day, r.Escalations, want)
		}
	}
	wantSteps("2026-11-25", 2) // the 3-day reminders; a clean scan
	mustExec(t, a.DB(), fmt.Sprintf(`UPDATE cases SET due_date = '2026-10-30', updated_at = '2026-10-01T00:00:00.000000Z' WHERE id = %d`, hidden.ID))

	// No sweep until Thursday: the letter of c, due since Tuesday, fails.
	failSupervisionOf(t, a.DB(), c.ID)
	setDay(clock, "2026-12-03")
	if r, err := a.SweepOnce(ctx); err == nil || r.Escalations != 0 || r.Errors != 1 {
		t.Fatalf("sweep with a failing case: %+v, %v", r, err)
	}
	unfail(t, a.DB(), "supervision_actions")
	wantSteps("2026-12-04", 1) // read again: the letter (a mark of Thursday would skip it)
	wantSteps("2026-12-04", 0)
	wantSteps("2026-12-07", 1) // 5 working days overdue: listed
	wantSteps("2026-12-08", 0) // hidden, 26 days overdue, is not in the window

	changePolicy(t, a, f)
	wantSteps("2026-12-08", 2) // every running case once: hidden's letter and listing
	wantSteps("2026-12-09", 0)

	// A deadline moved by a step is read whatever its date: the case was
	// changed since the last scan.
	moved := assigned(t, a, f, "村道两侧杂草丛生，影响通行")
	mustExec(t, a.DB(), fmt.Sprintf(`UPDATE cases SET due_date = '2026-11-02' WHERE id = %d`, moved.ID))
	wantSteps("2026-12-09", 2) // its letter and listing
}

// TestCallbackScanReadsSinceTheLastOne: after a call-back scan that left
// nothing behind, the next reads only the deliveries to citizens whose
// wait can have ended since and the replied cases changed since (meta
// sweep.callbacks, deliveries_citizen_at): a reply recorded late with an
// old delivery date is found by its change, a delivery date rewritten
// behind the app's back only once the rules change, and a failed scan
// keeps the old mark.
func TestCallbackScanReadsSinceTheLastOne(t *testing.T) {
	a, clock := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	c := assigned(t, a, f, "村口水管破裂，自来水一直在流")
	replied(t, a, f, c, app.ReplyInput{Outcome: zhitong.OutcomeSolved, Text: "已更换破裂水管，恢复供水", Deliveries: toCitizen})
	hidden := assigned(t, a, f, "路面坑洼，雨天积水")
	replied(t, a, f, hidden, app.ReplyInput{Outcome: zhitong.OutcomeSolved, Text: "路面坑洼已修补完毕", Deliveries: toCitizen})
	wantTasks := func(day string, want int) {
		t.Helper()
		setDay(clock, day)
		if r := sweep(t, a); r.Callbacks != want {
			t.Fatalf("sweep on %s opened %d call-backs, want %d", day, r.Callbacks, want)
		}
	}
	// Delivered Wednesday 2026-11-25: due Monday 11-30.
	wantTasks("2026-11-25", 0) // a clean scan
	mustExec(t, a.DB(), fmt.Sprintf(`UPDATE deliveries SET at = '2026-11-02T02:00:00.000000Z' WHERE reply_id IN (SELECT id FROM replies WHERE case_id = %d)`, hidden.ID),
		fmt.Sprintf(`UPDATE cases SET updated_at = '2026-11-02T02:00:00.000000Z' WHERE id = %d`, hidden.ID))

	// Recorded on Friday, delivered to the citizen on 11-10 by its note.
	setDay(clock, "2026-11-27")
	late := assigned(t, a, f, "垃圾清运不及时，气味难闻")
	replied(t, a, f, late, app.ReplyInput{Outcome: zhitong.OutcomeSolved, Text: "已协调环卫加密清运", Deliveries: []app.DeliveryInput{
		{Recipient: zhitong.RecipientCongress, Channel: zhitong.FeedbackWritten},
		{Recipient: zhitong.RecipientCitizen, Channel: zhitong.FeedbackPhone, At: "2026-11-10T10:00:00+08:00"}}})

	failInsertsOf(t, a.DB(), "callback_tasks", c.ID)
	setDay(clock, "2026-12-01")
	if r, err := a.SweepOnce(ctx); err == nil || r.Callbacks != 1 || r.Errors != 1 {
		t.Fatalf("sweep with a failing case: %+v, %v (want late's task and c's failure)", r, err)
	}
	unfail(t, a.DB(), "callback_tasks")
	wantTasks("2026-12-02", 1) // c read again (a mark of Tuesday would skip it)
	wantTasks("2026-12-02", 0)
	wantTasks("2026-12-03", 0) // hidden, delivered 11-02, is not in the window

	changePolicy(t, a, f)
	wantTasks("2026-12-03", 1) // every replied case once: hidden's task
	wantTasks("2026-12-04", 0)
}

// at sets the clock to the given time in China (YYYY-MM-DD HH:MM).
func at(clock *testkit.Clock, when string) {
	t, err := time.ParseInLocation("2006-01-02 15:04", when, zhitong.China)
	if err != nil {
		panic(err)
	}
	clock.Set(t)
}

// TestEscalationWindowStartsAtTheMarksDay: a clean escalation run on day L
// took every step due on L, so the next reads only the deadlines that gain
// a step after L — not those whose step came due on L (a deadline hidden
// behind the app's back after the run, overdue by a day on L, is not read
// again that day or the next). Days are China's: a run at 00:05 in China
// (16:05 UTC, the day before in UTC) after one at 23:55 takes the step of
// the new day, and a run on Monday after a clean one on Friday takes what
// came due over the weekend.
func TestEscalationWindowStartsAtTheMarksDay(t *testing.T) {
	a, clock := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	unitHandler(t, a, f)
	setDay(clock, "2026-11-25")         // Wednesday
	assigned(t, a, f, "建设路路灯不亮，夜间出行不便") // c, due Monday 2026-11-30
	hidden := assigned(t, a, f, "小区门口路面塌陷，车辆难以通行")
	wantSteps := func(when string, want int) {
		t.Helper()
		at(clock, when)
		if r := sweep(t, a); r.Escalations != want {
			t.Fatalf("sweep at %s took %d escalation steps, want %d", when, r.Escalations, want)
		}
	}
	wantSteps("2026-11-25 09:00", 2) // the 3-day reminders; a clean run on L
	// Due Tuesday, a working day overdue on L: its letter was due on L.
	mustExec(t, a.DB(), fmt.Sprintf(`UPDATE cases SET due_date = '2026-11-24', updated_at = '2026-10-01T00:00:00.000000Z' WHERE id = %d`, hidden.ID))
	wantSteps("2026-11-25 15:00", 0) // a window from the day before L would read hidden and send its letter
	wantSteps("2026-11-26 09:00", 0)

	wantSteps("2026-11-26 23:55", 0)
	wantSteps("2026-11-27 00:05", 1) // Friday in China, Thursday 16:05 UTC: c's 1-day reminder
	// Tuesday: c's letter; hidden is 5 working days overdue, a step its
	// deadline did not have on L, so it is read: its listing and the
	// letter it never had.
	wantSteps("2026-12-01 09:00", 3)
	wantSteps("2026-12-04 23:55", 0) // Friday, 4 working days overdue
	wantSteps("2026-12-06 23:55", 0) // Sunday
	wantSteps("2026-12-07 00:05", 1) // Monday in China, Sunday in UTC: 5 working days overdue, listed
	wantSteps("2026-12-07 09:00", 0)
}

// TestCallbackWindowStartsAtTheMarksDay: a clean call-back run on day L
// opened every task whose wait ended by L, so the next reads only the
// deliveries whose wait ends after L: a delivery hidden behind the app's
// back whose wait ended on L is not read again. A wait ending on Monday is
// found by a run at 00:05 Monday in China after a clean one on Friday.
func TestCallbackWindowStartsAtTheMarksDay(t *testing.T) {
	a, clock := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	setDay(clock, "2026-11-25")
	c := assigned(t, a, f, "村口水管破裂，自来水一直在流")
	replied(t, a, f, c, app.ReplyInput{Outcome: zhitong.OutcomeSolved, Text: "已更换破裂水管，恢复供水", Deliveries: toCitizen})
	wantTasks := func(when string, want int) {
		t.Helper()
		at(clock, when)
		if r := sweep(t, a); r.Callbacks != want {
			t.Fatalf("sweep at %s opened %d call-backs, want %d", when, r.Callbacks, want)
		}
	}
	wantTasks("2026-11-27 23:55", 0) // Friday: delivered Wednesday, due Monday
	wantTasks("2026-11-29 23:55", 0) // Sunday
	wantTasks("2026-11-30 00:05", 1) // Monday in China, Sunday in UTC: c's task; a clean run on L

	hidden := assigned(t, a, f, "路面坑洼，雨天积水")
	replied(t, a, f, hidden, app.ReplyInput{Outcome: zhitong.OutcomeSolved, Text: "路面坑洼已修补完毕", Deliveries: toCitizen})
	// Delivered Wednesday as well by its rewritten date: its wait ended on L.
	mustExec(t, a.DB(), fmt.Sprintf(`UPDATE deliveries SET at = '2026-11-25T02:00:00.000000Z' WHERE reply_id IN (SELECT id FROM replies WHERE case_id = %d)`, hidden.ID),
		fmt.Sprintf(`UPDATE cases SET updated_at = '2026-11-25T02:00:00.000000Z' WHERE id = %d`, hidden.ID))
	wantTasks("2026-11-30 15:00", 0) // a window from the day before L would read hidden
	wantTasks("2026-12-01 09:00", 0)
}
