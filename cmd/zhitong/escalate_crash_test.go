package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// sweepDay is the server's "today" in TestEscalationsSurviveKill: Monday
// 7 December 2026, 09:00 China time.
var sweepDay = time.Date(2026, 12, 7, 9, 0, 0, 0, zhitong.China)

// escalationGroups are the seeded cases, all assigned on Wednesday 25
// November with these limits, and the steps each is due on sweepDay.
var escalationGroups = []struct {
	days  int      // working days given on assignment
	steps []string // supervision actions due on sweepDay
}{
	{3, []string{"letter", "listed"}}, // due 30 Nov: 5 working days overdue
	{7, []string{"letter"}},           // due 4 Dec: 1 overdue
	{9, []string{"reminder"}},         // due 8 Dec: 1 left
	{11, []string{"reminder"}},        // due 10 Dec: 3 left
	{30, nil},                         // due in January: nothing yet
}

// TestEscalationsSurviveKill seeds cases due for reminders, supervision
// letters and the supervision list, starts the server "on" sweepDay, kills
// it with SIGKILL while its start-up sweep is part-way through, restarts
// it, and checks that every case has each due step exactly once — the
// action, the letter with a number of an unbroken sequence, the list entry
// and the notice to the unit — and no step it is not due.
func TestEscalationsSurviveKill(t *testing.T) {
	const perGroup = 12
	dir, dsn := t.TempDir(), testkit.DSN(t)
	db := openDB(t, dsn)
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	clock := testkit.NewClock(time.Date(2026, 11, 25, 9, 0, 0, 0, zhitong.China))
	a := testkit.AppOn(t, db, clock)
	want := seedEscalations(t, a, perGroup)
	total := 0
	for _, steps := range want {
		total += len(steps)
	}
	env := []string{"ZHITONG_TEST_CLOCK_OFFSET=" + time.Until(sweepDay).String(), "ZHITONG_SWEEP_EVERY=1s",
		"ZHITONG_OUTBOX_EVERY=100ms", "ZHITONG_JOBS_POLL=50ms", "ZHITONG_SMS_LOG_FILE=" + dir + "/sms.log"}

	_, cmd := startServer(t, dir, dsn, env...)
	waitEvery(t, 30*time.Second, time.Millisecond, func() bool { return countRows(t, db, "supervision_actions") >= 5 })
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	atKill := countRows(t, db, "supervision_actions")
	if atKill >= total || countRows(t, db, "bulletins") > 0 {
		t.Fatalf("the sweep took all %d steps before the kill: seed more cases", total)
	}
	forgetLeader(t, db)
	startServer(t, dir, dsn, env...)
	// Bulletins come after escalation in a sweep: once they are there, a
	// sweep of the restarted server has been through every case.
	waitUntil(t, 60*time.Second, func() bool { return countRows(t, db, "bulletins") >= 2 && pendingNotices(t, db) == 0 })
	clock.Set(sweepDay)
	checkEscalations(t, a, db, want)
	if n := countRows(t, db, "bulletins"); n != 2 {
		t.Errorf("%d bulletins, want last week's and November's", n)
	}
	t.Logf("%d of %d escalation steps taken before the kill; all %d once after the restart", atKill, total, total)
}

// seedEscalations submits, registers and assigns perGroup cases of each
// group to the fixture's lead unit, which has one handler account, and
// returns the steps due per case.
func seedEscalations(t *testing.T, a *app.App, perGroup int) map[int64][]string {
	t.Helper()
	ctx := context.Background()
	f := testkit.Seed(t, a)
	testkit.Must(a.AddUser(ctx, app.System, app.UserInput{Username: "jtj", DisplayName: "交通局经办人",
		Role: zhitong.RoleUnit, UnitID: f.Lead, Password: "Zhitong@2026"}))(t)
	officer := f.In[zhitong.RoleOfficer]
	want := map[int64][]string{}
	for g, group := range escalationGroups {
		for i := range perGroup {
			body := fmt.Sprintf("第%d组第%d件：建设路路灯不亮，夜间出行不便", g, i)
			c := testkit.Must(a.Submit(ctx, zhitong.Citizen, app.IntakeInput{Body: body, RegionCode: f.Town, Anonymous: true}))(t)
			c = testkit.Must(a.Register(ctx, officer, c.ID, app.RegisterInput{Version: c.Version, CategoryCode: "roads", Kind: zhitong.KindConsultation}))(t)
			testkit.Must(a.Assign(ctx, officer, c.ID, app.AssignInput{Version: c.Version, LeadUnit: f.Lead, Days: group.days}))(t)
			want[c.ID] = group.steps
		}
	}
	return want
}

// checkEscalations compares every case's supervision with want: the
// actions, the letter and its number, the list entry, one delivered
// notice per step; letter numbers run 1…n without a gap or a repeat.
func checkEscalations(t *testing.T, a *app.App, db *store.DB, want map[int64][]string) {
	t.Helper()
	ctx := context.Background()
	committee := zhitong.Principal{UserID: 1, Name: "代表工委", Role: zhitong.RoleCommittee, RegionCode: "360728"}
	var seqs []int
	for id, steps := range want {
		v := testkit.Must(a.Get(ctx, committee, id))(t)
		var kinds []string
		for _, s := range v.Supervision.Actions {
			kinds = append(kinds, s.Kind)
		}
		if !slices.Equal(kinds, steps) {
			t.Errorf("case %s: supervision actions %v, want %v", v.Code, kinds, steps)
		}
		letter := slices.Contains(steps, "letter")
		if letter != (len(v.Supervision.Letters) == 1) || len(v.Supervision.Letters) > 1 {
			t.Errorf("case %s: letters %+v, want one: %v", v.Code, v.Supervision.Letters, letter)
		}
		if listed := slices.Contains(steps, "listed"); v.Supervision.Listed != listed {
			t.Errorf("case %s: on the supervision list %v, want %v", v.Code, v.Supervision.Listed, listed)
		}
		for _, l := range v.Supervision.Letters {
			var seq int
			if _, err := fmt.Sscanf(l.Number[strings.Index(l.Number, "〕")+len("〕"):], "%d号", &seq); err != nil {
				t.Errorf("case %s: letter number %q: %v", v.Code, l.Number, err)
			}
			seqs = append(seqs, seq)
		}
		if n := escalationNotices(t, db, id); n != len(steps) {
			t.Errorf("case %s: %d escalation notices sent to the unit, want %d", v.Code, n, len(steps))
		}
	}
	slices.Sort(seqs)
	for i, s := range seqs {
		if s != i+1 {
			t.Fatalf("letter numbers %v: not 1…%d", seqs, len(seqs))
		}
	}
}

// escalationNotices counts the delivered in-app notices of escalation
// steps on a case (one handler: one per step).
func escalationNotices(t *testing.T, db *store.DB, caseID int64) int {
	t.Helper()
	var n int
	err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM notifications WHERE case_id = ? AND channel = 'inapp' AND status = 'sent'
 AND template IN ('case.reminder', 'case.overdue_letter', 'case.supervision_listed')`, caseID).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func pendingNotices(t *testing.T, db *store.DB) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM notifications WHERE status IN ('pending', 'sending')`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func countRows(t *testing.T, db *store.DB, table string) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
