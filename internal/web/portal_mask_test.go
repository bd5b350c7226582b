package web_test

import (
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/testkit"
)

// Phone numbers written with dots, spaces, full-width digits or Chinese
// numerals — in the citizen's text, in a title staff wrote and in the
// public summary — never reach the results board or the station board.
func TestResultsBoardMasksNumbersInEveryForm(t *testing.T) {
	p := newPortal(t)
	form := p.validForm()
	form.Set("body", "请回电138.1234.5678，村民张三反映路灯不亮")
	code := trackingCode(t, p.submit(form))
	officer, lead := p.f.In[zhitong.RoleOfficer], p.f.In[zhitong.RoleUnit]
	v := testkit.Must(p.app.Track(ctx, code))(t)
	list, _ := testkit.Must2(p.app.List(ctx, officer, app.ListInput{PerPage: 100}))(t)
	var id int64
	for _, c := range list {
		if c.Code == v.Code {
			id = c.ID
		}
	}
	c := testkit.Must(p.app.Register(ctx, officer, id, app.RegisterInput{CategoryCode: "roads", StationID: p.f.Station,
		Title: "联系人：李小红 139 0797 4321 路灯不亮"}))(t)
	c = testkit.Must(p.app.Assign(ctx, officer, id, app.AssignInput{Version: c.Version, LeadUnit: p.f.Lead}))(t)
	c = testkit.Must(p.app.Accept(ctx, lead, id, app.TextInput{Version: c.Version}))(t)
	testkit.Must(p.app.Reply(ctx, lead, id, app.ReplyInput{Version: c.Version, Outcome: zhitong.OutcomeSolved,
		Text: "已安排人员修复路灯", PublicSummary: "已修复，户主回电一三八一二三四五六七八（１３７．０７９７．１１１１）确认"}))(t)
	p.publish(id)
	for _, path := range []string{"/results", "/stations/" + itoa(p.f.Station)} {
		pg := p.get(path)
		mustContain(t, pg, "联系人：李**", "已修复，户主回电****")
		mustNotContain(t, pg, "李小红", "1234.5678", "0797 4321", "一三八", "１３７", "0797．1111", "张三")
	}
}
