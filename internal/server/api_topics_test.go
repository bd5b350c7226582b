package server_test

import (
	"fmt"
	"strings"
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/testkit"
)

// TestTopicsAPI: hot topics, an opinion on an unsatisfied case decided by
// the committee, and a report drafted, saved and exported, through the API.
func TestTopicsAPI(t *testing.T) {
	e := newEnv(t)
	f := e.f
	analyst := e.login(f.In[zhitong.RoleAnalyst], "topics_analyst")
	committee := e.login(f.In[zhitong.RoleCommittee], "topics_committee")
	other := e.login(f.Out[zhitong.RoleCommittee], "topics_other")
	var cases []*zhitong.Case
	for i, b := range []string{"路灯不亮出行不便", "村口路灯不亮", "路灯坏了没人修", "噪音扰民到深夜", "井盖缺失危险"} {
		c := testkit.Must(e.app.Submit(ctx, zhitong.Citizen, app.IntakeInput{Body: fmt.Sprintf("%s（%d）", b, i), RegionCode: f.Town, Name: "王小明", Phone: "13907971234"}))(t)
		cases = append(cases, c)
	}
	month := e.app.Now().In(zhitong.China).Format("2006-01")
	var hot struct {
		Cases    int `json:"cases"`
		Frequent []struct {
			Term     string  `json:"term"`
			Count    int     `json:"count"`
			CaseIDs  []int64 `json:"case_ids"`
			CasesURL string  `json:"cases_url"`
		} `json:"frequent"`
	}
	if code := analyst.do("GET", "/api/v1/topics?month="+month, nil, &hot); code != 200 || hot.Cases != 5 || len(hot.Frequent) == 0 || hot.Frequent[0].Term != "路灯" || hot.Frequent[0].Count != 3 {
		t.Fatalf("topics: %d %+v", code, hot)
	}
	var ids struct {
		CaseIDs []int64 `json:"case_ids"`
	}
	if code := committee.do("GET", "/api/v1/topics/cases?month="+month+"&topic=%E8%B7%AF%E7%81%AF", nil, &ids); code != 200 || len(ids.CaseIDs) != 3 {
		t.Errorf("topic cases: %d %v", code, ids)
	}
	if code := other.do("GET", "/api/v1/topics/cases?month="+month+"&topic=%E8%B7%AF%E7%81%AF", nil, &ids); code != 200 || len(ids.CaseIDs) != 0 {
		t.Errorf("other county's topic cases: %d %v", code, ids)
	}
	if code := analyst.do("GET", "/api/v1/topics?period=month&month=2026-13", nil, nil); code != 400 {
		t.Errorf("bad month: %d", code)
	}
	// An opinion on a topic; the committee rejects it with a reason.
	var op struct {
		ID    int64  `json:"id"`
		State string `json:"state"`
	}
	if code := analyst.do("POST", "/api/v1/analysis/opinions", map[string]any{"topic": "路灯", "period": month, "proposal": "rehandle", "text": "路灯问题集中，建议统一排查"}, &op); code != 201 || op.ID == 0 {
		t.Fatalf("record: %d %+v", code, op)
	}
	path := fmt.Sprintf("/api/v1/analysis/opinions/%d", op.ID)
	if code := other.do("POST", path+"/decision", map[string]any{"accept": true}, nil); code != 404 {
		t.Errorf("other county decides: %d", code)
	}
	if code := committee.do("POST", path+"/decision", map[string]any{"accept": false}, nil); code != 400 {
		t.Errorf("reject without reason: %d", code)
	}
	if code := committee.do("POST", path+"/decision", map[string]any{"accept": false, "reason": "已列入专项整治"}, &op); code != 200 || op.State != "rejected" {
		t.Errorf("reject: %d %+v", code, op)
	}
	// A report: draft, save, edit, export.
	var rep struct {
		ID      int64  `json:"id"`
		Period  string `json:"period"`
		Title   string `json:"title"`
		Body    string `json:"body"`
		Version int    `json:"version"`
	}
	if code := analyst.do("GET", "/api/v1/analysis/reports/draft?month="+month, nil, &rep); code != 200 || !strings.Contains(rep.Body, "“路灯”：3 件") {
		t.Fatalf("draft: %d %s", code, rep.Body)
	}
	if code := analyst.do("POST", "/api/v1/analysis/reports", map[string]any{"period": rep.Period, "title": rep.Title, "body": rep.Body}, &rep); code != 201 {
		t.Fatalf("save: %d", code)
	}
	rpath := fmt.Sprintf("/api/v1/analysis/reports/%d", rep.ID)
	if code := committee.do("PUT", rpath, map[string]any{"version": rep.Version, "title": rep.Title, "body": rep.Body + "\n（已审定）"}, &rep); code != 200 || rep.Version != 2 {
		t.Errorf("edit: %d %+v", code, rep.Version)
	}
	if code := other.do("GET", rpath, nil, nil); code != 404 {
		t.Errorf("other county reads: %d", code)
	}
	if code := committee.raw("GET", rpath+"/export", "", nil, nil); code != 200 {
		t.Errorf("export: %d", code)
	}
	_ = cases
}
