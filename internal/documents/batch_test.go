package documents_test

import (
	"fmt"
	"strings"
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/setup"
	"zhitong/internal/testkit"
)

// TestBatchAssign: several cases assigned to one unit in one transaction
// get ONE 交办函, numbered once, listing every case (tracking code, title,
// deadline date) and linked to each; each case still has its own event and
// audit entry. One bad case id — unknown, another county's, not assignable
// — refuses the whole batch naming it, and writes nothing: no assignment,
// no event, no document, no number. A single assignment keeps its own letter.
func TestBatchAssign(t *testing.T) {
	w := newWorld(t)
	var ids []int64
	var cases []*zhitong.Case
	for i := range 3 {
		c := w.registered(t, fmt.Sprintf("第%d件：人行道地砖松动", i+1))
		cases, ids = append(cases, c), append(ids, c.ID)
	}
	// Another county's registered case, and a case already assigned here.
	resB := testkit.Must(setup.New(w.a).Run(ctx, app.System, setup.Input{Region: "360728", Add: true, Committee: "gongwei_qn", Via: "test"}))(t)
	committeeB := testkit.Principal(t, w.a, resB, zhitong.RoleCommittee)
	var townB string
	if err := w.a.DB().QueryRow(ctx, `SELECT code FROM regions WHERE parent_code = '360728' ORDER BY code LIMIT 1`).Scan(&townB); err != nil {
		t.Fatal(err)
	}
	cb := testkit.Must(w.a.Submit(ctx, zhitong.Citizen, app.IntakeInput{Body: "全南县的路灯不亮", RegionCode: townB, Name: "李四", Phone: "139 0797 5678"}))(t)
	cb = testkit.Must(w.a.Register(ctx, committeeB, cb.ID, app.RegisterInput{CategoryCode: w.category, Title: "全南县的路灯不亮"}))(t)
	done := w.assigned(t, "已经交办过的案件")

	state := func() string {
		return fmt.Sprint(
			count(t, w.a, `SELECT COUNT(*) FROM documents`),
			count(t, w.a, `SELECT COUNT(*) FROM document_cases`),
			count(t, w.a, `SELECT COUNT(*) FROM assignments`),
			count(t, w.a, `SELECT COUNT(*) FROM case_events`),
			count(t, w.a, `SELECT COUNT(*) FROM audit_log`),
			count(t, w.a, `SELECT COALESCE(SUM(last), 0) FROM document_counters`),
			count(t, w.a, `SELECT COUNT(*) FROM cases WHERE status = 'registered'`))
	}
	before := state()
	for _, bad := range []struct {
		name, code string
		id         int64
	}{{"unknown", zhitong.EINVALID, 987654}, {"another county", zhitong.EINVALID, cb.ID}, {"already assigned", zhitong.EINVALID, done.ID}} {
		in := app.BatchAssignInput{CaseIDs: append(append([]int64{}, ids...), bad.id), LeadUnit: w.unit, Days: 15}
		err := testkit.Err(w.a.AssignBatch(ctx, w.committee, in))
		testkit.WantCode(t, err, bad.code)
		if zhitong.ErrorField(err) != "case_ids" || !strings.Contains(zhitong.ErrorMessage(err), fmt.Sprintf("#%d", bad.id)) {
			t.Errorf("%s: %v, want a case_ids error naming #%d", bad.name, err, bad.id)
		}
		if strings.Contains(zhitong.ErrorMessage(err), "全南") || strings.Contains(zhitong.ErrorMessage(err), cb.Code) {
			t.Errorf("%s: the refusal names the other county's case: %v", bad.name, err)
		}
		if got := state(); got != before {
			t.Fatalf("%s: the refused batch wrote something: %s → %s", bad.name, before, got)
		}
	}
	// Bad input of the batch itself, and a role that may not assign.
	testkit.WantCode(t, testkit.Err(w.a.AssignBatch(ctx, w.committee, app.BatchAssignInput{LeadUnit: w.unit})), zhitong.EINVALID)
	testkit.WantCode(t, testkit.Err(w.a.AssignBatch(ctx, w.committee, app.BatchAssignInput{CaseIDs: []int64{ids[0], ids[0]}, LeadUnit: w.unit})), zhitong.EINVALID)
	unitP := zhitong.Principal{UserID: 77, Role: zhitong.RoleUnit, RegionCode: "360783", UnitID: w.unit}
	testkit.WantCode(t, testkit.Err(w.a.AssignBatch(ctx, unitP, app.BatchAssignInput{CaseIDs: ids, LeadUnit: w.unit})), zhitong.EFORBIDDEN)
	// Another county's committee may not assign this county's cases.
	err := testkit.Err(w.a.AssignBatch(ctx, committeeB, app.BatchAssignInput{CaseIDs: ids, LeadUnit: w.unit}))
	testkit.WantCode(t, err, zhitong.EINVALID)
	if got := state(); got != before {
		t.Fatalf("refused batches wrote something: %s → %s", before, got)
	}

	docsBefore := count(t, w.a, `SELECT COUNT(*) FROM documents WHERE kind = 'assign'`)
	out := testkit.Must(w.a.AssignBatch(ctx, w.committee, app.BatchAssignInput{CaseIDs: ids, LeadUnit: w.unit, Days: 15, Note: "请一并办理"}))(t)
	if len(out) != len(ids) {
		t.Fatalf("assigned %d cases, want %d", len(out), len(ids))
	}
	if n := count(t, w.a, `SELECT COUNT(*) FROM documents WHERE kind = 'assign'`) - docsBefore; n != 1 {
		t.Fatalf("the batch issued %d 交办函, want 1", n)
	}
	d := testkit.Must(w.svc.AssignLetter(ctx, w.committee, ids[0]))(t)
	// Numbered once: the series went from 1 (the earlier single letter) to 2.
	if d.Number != "龙人大交〔2026〕2号" || d.UnitID != w.unit {
		t.Errorf("batch letter %s to unit %d, want 龙人大交〔2026〕2号 to %d", d.Number, d.UnitID, w.unit)
	}
	if len(d.CaseIDs) != len(ids) {
		t.Errorf("the letter is linked to %v, want %v", d.CaseIDs, ids)
	}
	doc := testkit.Must(d.Doc())(t)
	all := fmt.Sprint(doc.Body)
	for i, c := range out {
		if c.Status != zhitong.StatusAssigned || c.LeadUnitID != w.unit || c.DueDays != 15 {
			t.Errorf("case %d: %s unit %d days %d", c.ID, c.Status, c.LeadUnitID, c.DueDays)
		}
		for _, want := range []string{c.Code, cases[i].Title, chineseDate(t, c.DueDate)} {
			if !strings.Contains(all, want) {
				t.Errorf("the letter lacks %q of case %d: %s", want, c.ID, all)
			}
		}
		got := testkit.Must(w.svc.AssignLetter(ctx, w.committee, c.ID))(t)
		if got.ID != d.ID {
			t.Errorf("case %d links letter %d, want %d", c.ID, got.ID, d.ID)
		}
		if n := count(t, w.a, `SELECT COUNT(*) FROM case_events WHERE case_id = ? AND action = 'assign'`, c.ID); n != 1 {
			t.Errorf("case %d: %d assign events", c.ID, n)
		}
		if n := count(t, w.a, `SELECT COUNT(*) FROM audit_log WHERE action = 'case.assign' AND object = ?`, fmt.Sprintf("case:%d", c.ID)); n != 1 {
			t.Errorf("case %d: %d case.assign audit entries", c.ID, n)
		}
	}
	if !strings.Contains(all, fmt.Sprintf("共 %d 件", len(ids))) {
		t.Errorf("the letter does not count the cases: %s", all)
	}
	// A single assignment still issues its own letter.
	one := w.assigned(t, "单独交办的案件")
	own := testkit.Must(w.svc.AssignLetter(ctx, w.committee, one.ID))(t)
	if own.ID == d.ID || own.Number != "龙人大交〔2026〕3号" || len(own.CaseIDs) != 1 {
		t.Errorf("single assignment letter %s %v", own.Number, own.CaseIDs)
	}
	v := testkit.Must(w.svc.Verify(ctx, d.Code))(t)
	if !v.Genuine {
		t.Errorf("batch letter verdict %+v", v)
	}
}

func chineseDate(t *testing.T, date string) string {
	t.Helper()
	var y, m, d int
	if _, err := fmt.Sscanf(date, "%d-%d-%d", &y, &m, &d); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%d年%d月%d日", y, m, d)
}
