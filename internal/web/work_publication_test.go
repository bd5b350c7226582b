package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/testkit"
)

// Staff see the text as written next to the masked text, may hide more, and
// confirm; only then does the results board show it, exactly as confirmed.
func TestStaffConfirmMaskedTextBeforeItIsPublic(t *testing.T) {
	b := newBench(t)
	id := b.submitOnline("村民张三反映建设路积水，电话138.1234.5678")
	testkit.Must(b.app.Register(t.Context(), b.f.In[zhitong.RoleOfficer], id, app.RegisterInput{Version: b.view(id).Version, CategoryCode: "roads",
		StationID: b.f.Station, Title: "联系人王建国 138 1234 5678 建设路积水"}))(t)
	b.assign(id, 0)
	b.accept(id)
	testkit.Must(b.app.Reply(t.Context(), b.f.In[zhitong.RoleUnit], id, app.ReplyInput{Outcome: zhitong.OutcomeSolved, Text: "已疏通建设路排水管道",
		PublicSummary: "已疏通，户主老刘确认", Deliveries: []app.DeliveryInput{{Recipient: zhitong.RecipientCongress, Channel: zhitong.FeedbackWritten}}}))(t)
	public := func() benchPage { return (&staffer{b: b, http: http.DefaultClient}).get("/results") }
	benchHas(t, public(), "共 0 件")

	officer := b.login(b.f.In[zhitong.RoleOfficer], "gongshi-officer")
	path := "/work/cases/" + strconv.FormatInt(id, 10) + "/publication"
	queue := officer.get("/work/publication")
	wantStatus(t, queue, http.StatusOK)
	benchHas(t, queue, "公示确认", `href="`+path+`"`, "联系人王** **** 建设路积水", "待确认")
	benchLacks(t, queue, "王建国", "138 1234")

	benchHas(t, officer.get(caseURL(id)), `href="`+path+`"`)
	pg := officer.get(path)
	wantStatus(t, pg, http.StatusOK)
	benchHas(t, pg, "原文（不公开）", "公示内容（遮盖后）", "联系人王建国 138 1234 5678 建设路积水", "联系人王** **** 建设路积水",
		"已疏通，户主老刘确认", "已疏通，户主老*确认", `value="联系人王** **** 建设路积水"`)
	v := testkit.Must(b.app.Get(t.Context(), b.f.In[zhitong.RoleCommittee], id))(t)
	reply := strconv.FormatInt(v.Replies[len(v.Replies)-1].ID, 10)

	// Text that still holds a name is refused and shown masked again.
	again := officer.post(path, url.Values{"reply_id": {reply}, "title": {"建设路积水（王建国反映）"}, "summary": {"已疏通，户主老*确认"}})
	wantStatus(t, again, http.StatusBadRequest)
	benchHas(t, again, "已再次遮盖", `value="建设路积水（王**反映）"`, `aria-invalid="true"`)
	benchHas(t, public(), "共 0 件")

	done := officer.post(path, url.Values{"reply_id": {reply}, "title": {"建设路积水（王**反映）"}, "summary": {"已疏通，户主老*确认"}})
	wantStatus(t, done, http.StatusOK)
	benchHas(t, done, "已确认，办理结果已在门户公示")
	board := public()
	benchHas(t, board, "共 1 件", "建设路积水（王**反映）", "已疏通，户主老*确认")
	benchLacks(t, board, "王建国", "老刘", "1234")
	benchHas(t, officer.get(path), "已公示", "撤下公示")

	// A unit, and staff of another county, cannot see or confirm it.
	unit := b.login(b.f.In[zhitong.RoleUnit], "gongshi-unit")
	wantStatus(t, unit.get(path), http.StatusForbidden)
	wantStatus(t, unit.get("/work/publication"), http.StatusForbidden)
	other := b.login(b.f.Out[zhitong.RoleCommittee], "gongshi-other")
	wantStatus(t, other.get(path), http.StatusForbidden)
	wantStatus(t, other.post(path, url.Values{"reply_id": {reply}, "title": {"建设路积水"}}), http.StatusForbidden)
	benchLacks(t, other.get("/work/publication"), path)

	wd := officer.post(path+"/withdraw", url.Values{"reason": {"群众要求不公开"}})
	wantStatus(t, wd, http.StatusOK)
	benchHas(t, wd, "已撤下公示", "待确认")
	benchHas(t, public(), "共 0 件")
}
