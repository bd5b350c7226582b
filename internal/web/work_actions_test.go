package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"zhitong"
)

// step posts one action's form and checks where the case ends up.
type step struct {
	who    *staffer
	action string
	form   url.Values
	status zhitong.Status
	flash  string
}

func runSteps(t *testing.T, b *bench, id int64, steps []step) {
	t.Helper()
	for i, s := range steps {
		pg := s.who.act(id, s.action, s.form)
		if pg.status != http.StatusOK {
			t.Fatalf("step %d %s: status %d\n%s", i, s.action, pg.status, pg.body)
		}
		benchHas(t, pg, s.flash)
		if v := b.view(id); v.Status != s.status {
			t.Fatalf("step %d %s: status %s, want %s", i, s.action, v.Status, s.status)
		}
	}
}

func TestEveryActionForm(t *testing.T) {
	b := newBench(t)
	officer := b.login(b.f.In[zhitong.RoleOfficer], "ganshi")
	unit := b.login(b.f.In[zhitong.RoleUnit], "danwei")
	co := b.login(b.f.CoUnit(), "xieban")
	committee := b.login(b.f.In[zhitong.RoleCommittee], "weiyuan")
	lead, coID := itoa64(b.f.Lead), itoa64(b.f.Co)

	t.Run("return, reassign, extension, supervision, dual feedback later", func(t *testing.T) {
		id := b.intake("镇区主干道井盖缺失", 0)
		runSteps(t, b, id, []step{
			{officer, "assign", url.Values{"lead_unit_id": {coID}, "days": {"5"}}, zhitong.StatusAssigned, "已交办"},
			{co, "return", url.Values{"text": {"井盖属于县城管局管理"}}, zhitong.StatusReturned, "已退回"},
			{officer, "assign", url.Values{"lead_unit_id": {lead}, "co_unit_ids": {coID}, "days": {"5"}}, zhitong.StatusAssigned, "已交办"},
			{co, "accept", nil, zhitong.StatusAssigned, "已签收"}, // a co-handler's acceptance moves nothing
			{unit, "accept", nil, zhitong.StatusInProgress, "已签收"},
			{unit, "request_extension", url.Values{"days": {"3"}, "reason": {"需等待材料采购"}}, zhitong.StatusInProgress, "延期申请已提交"},
		})
		if n := queues(officer.get("/work"))["延期待批"]; n != 1 {
			t.Fatalf("延期待批 = %d, want 1", n)
		}
		pg := officer.get(caseURL(id))
		benchHas(t, pg, "县交通运输局申请延期 <strong>3</strong> 个工作日：需等待材料采购", `/decide_extension"`)
		if pg := unit.get(caseURL(id)); !pg.has(`/reply"`) || pg.has(`/request_extension"`) {
			t.Fatal("a unit with a pending request is offered another one, or no reply")
		}
		before := b.view(id).DueDate
		runSteps(t, b, id, []step{
			{officer, "decide_extension", url.Values{"approve": {"1"}, "note": {"同意"}}, zhitong.StatusInProgress, "已审批延期申请"},
			{committee, "supervise", url.Values{"kind": {"letter"}, "note": {"已发督办函"}}, zhitong.StatusInProgress, "已记录督办"},
			{unit, "reply", url.Values{"outcome": {"B"}, "text": {"已订购新井盖，下周安装。"}, "congress_channel": {"written"}}, zhitong.StatusReplied, "已答复"},
			{unit, "deliver", url.Values{"recipient": {"citizen"}, "channel": {"sms"}, "note": {"短信已发送"}}, zhitong.StatusReplied, "已记录反馈送达"},
			{officer, "callback", url.Values{"reached": {"0"}, "comment": {"电话无人接听"}}, zhitong.StatusReplied, "已记录回访"},
			{officer, "close", url.Values{"text": {"三次回访均未联系上"}}, zhitong.StatusClosed, "已办结"},
		})
		v := b.view(id)
		if v.DueDate == before || !v.DualFeedback {
			t.Fatalf("extension did not move the deadline (%s) or feedback is single", v.DueDate)
		}
	})

	t.Run("unsatisfied, re-handled, explained", func(t *testing.T) {
		id := b.intake("自来水经常停水不通知", 0)
		b.assign(id, 10)
		b.accept(id)
		runSteps(t, b, id, []step{
			{unit, "reply", url.Values{"outcome": {"D"}, "text": {"管网改造资金尚未落实。"}, "reason": {"资金未列入预算"}}, zhitong.StatusReplied, "已答复"},
			{officer, "callback", url.Values{"reached": {"1"}, "rating": {"unsatisfied"}, "comment": {"没有解决"}}, zhitong.StatusUnsatisfied, "已记录回访"},
		})
		// The re-handle form names the policy's re-handle limit, not the category's.
		benchHas(t, officer.get(caseURL(id)), "留空按重办时限规则（10 个工作日）")
		runSteps(t, b, id, []step{
			{officer, "rehandle", url.Values{"days": {"5"}, "note": {"停水须提前公告"}}, zhitong.StatusInProgress, "已责成重新办理"},
			{unit, "reply", url.Values{"outcome": {"C"}, "text": {"已纳入明年管网改造计划。"}, "planned_date": {"2027-06-30"}}, zhitong.StatusReplied, "已答复"},
			{officer, "callback", url.Values{"reached": {"1"}, "rating": {"unsatisfied"}}, zhitong.StatusUnsatisfied, "已记录回访"},
			{officer, "explain", url.Values{"text": {"管网改造须分年度实施，已向群众解释"}}, zhitong.StatusClosed, "已作出说明并办结"},
			{officer, "archive", nil, zhitong.StatusArchived, "已归档"},
		})
		benchHas(t, officer.get(caseURL(id)), "第 2 轮答复", "C类 列入计划", "计划完成日期：2027-06-30")
	})

	t.Run("triage outcomes", func(t *testing.T) {
		primary := b.intake("镇卫生院看病排队时间太长", 0)
		for _, tc := range []struct {
			steps []step
		}{
			{[]step{{officer, "answer", url.Values{"text": {"已告知可网上预约挂号"}}, zhitong.StatusAnswered, "已当场解答"}}},
			{[]step{{officer, "decline", url.Values{"text": {"反映内容为商业广告"}}, zhitong.StatusDeclined, "已不予受理"}}},
			{[]step{{officer, "merge", url.Values{"into_case_id": {"#" + itoa64(primary)}}, zhitong.StatusMerged, "已合并到主案件"}}},
			{[]step{
				{officer, "refer", url.Values{"destination": {"人民法院"}, "note": {"属民事纠纷"}}, zhitong.StatusReferred, "已转其他渠道办理"},
				{officer, "referral_result", url.Values{"text": {"法院已立案"}}, zhitong.StatusClosed, "已记录转办结果"},
			}},
			{[]step{{officer, "propose", url.Values{"title": {"关于改善乡镇卫生院就医条件的建议"}, "deputy_id": {itoa64(b.f.Deputy)}}, zhitong.StatusProposal, "已转为代表建议"}}},
		} {
			runSteps(t, b, b.intake("镇卫生院看病排队时间太长，希望增加医生", 0), tc.steps)
		}
	})
}

func (p benchPage) has(s string) bool { return strings.Contains(p.body, s) }
