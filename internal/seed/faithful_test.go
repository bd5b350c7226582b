package seed_test

import (
	"context"
	"encoding/json"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/publication"
	"zhitong/internal/seed"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// The seeder's rows are copies of what the application writes: a seeded
// case that went online → registered → assigned → accepted → replied (A,
// dual feedback) → satisfied → closed has the same events (action, from,
// to, public text), outbox rows (key, template, channel, recipient,
// variables) and audit entries (actor kind, action, object, detail keys)
// as the same case played through internal/app. When the application
// changes what a step writes, this test says the seeder must follow.
func TestSeededHistoryMatchesTheApplication(t *testing.T) {
	a, _ := testkit.MustApp(t)
	ctx := context.Background()
	if _, err := seed.Run(ctx, a, seed.Options{Cases: 300, Region: "360783"}); err != nil {
		t.Fatal(err)
	}
	db := a.DB()
	want := []zhitong.Action{zhitong.ActionSubmit, zhitong.ActionRegister, zhitong.ActionAssign, zhitong.ActionAccept,
		zhitong.ActionReply, zhitong.ActionEvaluate, zhitong.ActionClose}
	var seeded *store.CaseRecord
	rows := testkit.Must(db.Query(ctx, `SELECT id FROM cases WHERE channel = 'online' AND status = 'closed' AND resolution = 'handled' AND NOT anonymous ORDER BY id`))(t)
	var candidates []int64
	for rows.Next() {
		var id int64
		testkit.Must(0, rows.Scan(&id))(t)
		candidates = append(candidates, id)
	}
	rows.Close()
	for _, id := range candidates {
		evs := testkit.Must(store.ListEvents(ctx, db, id))(t)
		var acts []zhitong.Action
		for _, e := range evs {
			acts = append(acts, e.Action)
		}
		if slices.Equal(acts, want) {
			seeded = testkit.Must(store.GetCase(ctx, db, id))(t)
			break
		}
	}
	if seeded == nil {
		t.Fatalf("no seeded case went %v (of %d candidates)", want, len(candidates))
	}
	lead := testkit.Must(store.ListAssignments(ctx, db, seeded.ID))(t)[0].UnitID
	officer := principal(t, a, "seed-360783-ganshi")
	var unitUser string
	testkit.Must(0, db.QueryRow(ctx, `SELECT username FROM users WHERE unit_id = ?`, lead).Scan(&unitUser))(t)
	unit := principal(t, a, unitUser)

	// The same case through the application, with the seeded reply's
	// outcome, and its public text confirmed where the seeded one was.
	var outcome zhitong.Outcome
	var planned, reason string
	testkit.Must(0, db.QueryRow(ctx, `SELECT outcome, planned_date, reason FROM replies WHERE case_id = ? ORDER BY id DESC LIMIT 1`, seeded.ID).Scan(&outcome, &planned, &reason))(t)
	if planned != "" {
		planned = a.Now().AddDate(0, 3, 0).Format("2006-01-02") // the seeded one is in its past
	}
	c := testkit.Must(a.Submit(ctx, zhitong.Citizen, app.IntakeInput{Body: seeded.Body, RegionCode: seeded.RegionCode, Name: "王秀英", Phone: "13907970001"}))(t)
	publish := func() {
		d := testkit.Must(publication.New(a).Draft(ctx, officer, c.ID))(t)
		testkit.Must(publication.New(a).Confirm(ctx, officer, c.ID, publication.ConfirmInput{ReplyID: d.ReplyID, Title: d.MaskedTitle, Summary: d.MaskedSummary}))(t)
	}
	steps := []func(){
		func() {
			testkit.Must(a.Register(ctx, officer, c.ID, app.RegisterInput{CategoryCode: seeded.CategoryCode}))(t)
		},
		func() { testkit.Must(a.Assign(ctx, officer, c.ID, app.AssignInput{LeadUnit: lead}))(t) },
		func() { testkit.Must(a.Accept(ctx, unit, c.ID, app.TextInput{}))(t) },
		func() {
			testkit.Must(a.Reply(ctx, unit, c.ID, app.ReplyInput{Outcome: outcome, Text: "已处理完毕，感谢监督。", PublicSummary: "已处理", PlannedDate: planned, Reason: reason,
				Deliveries: []app.DeliveryInput{{Recipient: zhitong.RecipientCongress, Channel: zhitong.FeedbackWritten}, {Recipient: zhitong.RecipientCitizen, Channel: zhitong.FeedbackPhone}}}))(t)
		},
		func() { testkit.Must(a.Evaluate(ctx, c.Code, app.EvaluateInput{Rating: zhitong.RatingSatisfied}))(t) },
		func() { testkit.Must(a.Close(ctx, officer, c.ID, app.TextInput{}))(t) },
	}
	published := -1 // after how many steps (intake included) the seeded case was published
	for i, e := range testkit.Must(store.ListAuditFiltered(ctx, db, store.AuditQuery{Object: "case:" + itoa(seeded.ID)}))(t) {
		if e.Action == "case.publish" {
			published = i
		}
	}
	for i, step := range steps {
		if i+1 == published {
			publish()
		}
		step()
	}
	if published == len(steps)+1 {
		publish()
	}

	// Numbers (ids, dates, days) and the case's own words aside, the rows agree.
	digits := regexp.MustCompile(`[0-9]+`)
	shape := func(s string) string { return digits.ReplaceAllString(s, "#") }
	events := func(id int64, words ...string) []string {
		var out []string
		for _, e := range testkit.Must(store.ListEvents(ctx, db, id))(t) {
			pub := e.Public
			for _, w := range words {
				pub = strings.ReplaceAll(pub, w, "…")
			}
			out = append(out, shape(strings.Join([]string{string(e.Action), string(e.FromStatus), string(e.ToStatus), pub}, " | ")))
		}
		return out
	}
	unitName := testkit.Must(store.GetUnit(ctx, db, lead))(t).Name
	compare(t, "events", events(seeded.ID, unitName), events(c.ID, unitName))
	notices := func(id int64) []string {
		var out []string
		for _, n := range testkit.Must(store.ListNotifications(ctx, db, id))(t) {
			out = append(out, shape(strings.Join([]string{n.Key, n.Template, n.Channel, n.Recipient, jsonKeys(t, n.Vars)}, " | ")))
		}
		return out
	}
	compare(t, "notifications", notices(seeded.ID), notices(c.ID))
	if n := notices(c.ID); len(n) < 4 {
		t.Fatalf("the application wrote only %d notices: %v", len(n), n)
	}
	audits := func(id int64) []string {
		var out []string
		for _, e := range testkit.Must(store.ListAuditFiltered(ctx, db, store.AuditQuery{Object: "case:" + itoa(id)}))(t) {
			actor, _, _ := strings.Cut(e.Actor, " ")
			out = append(out, shape(strings.Join([]string{actor, e.Action, e.Object, jsonKeys(t, e.Detail)}, " | ")))
		}
		return out
	}
	compare(t, "audit", audits(seeded.ID), audits(c.ID))
	got, mine := testkit.Must(a.Get(ctx, officer, seeded.ID))(t), testkit.Must(a.Get(ctx, officer, c.ID))(t)
	if got.Version != mine.Version || got.Round != mine.Round || got.Resolution != mine.Resolution || got.Solved != mine.Solved ||
		got.DualFeedback != mine.DualFeedback || len(got.Assignments) != len(mine.Assignments) || got.Assignments[0].State != mine.Assignments[0].State {
		t.Errorf("case views differ:\nseeded %+v\napp    %+v", got.CaseSummary, mine.CaseSummary)
	}
}

// jsonKeys lists the keys of a JSON object, sorted and comma-separated.
func jsonKeys(t *testing.T, object string) string {
	t.Helper()
	var m map[string]any
	testkit.Must(0, json.Unmarshal([]byte(object), &m))(t)
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return strings.Join(keys, ",")
}

func compare(t *testing.T, what string, seeded, app []string) {
	t.Helper()
	if !slices.Equal(seeded, app) {
		t.Errorf("%s differ:\nseeded:\n  %s\napp:\n  %s", what, strings.Join(seeded, "\n  "), strings.Join(app, "\n  "))
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
