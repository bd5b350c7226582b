package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"zhitong"
	"zhitong/internal/store"
)

func TestWorkReceptionEditor(t *testing.T) {
	b := newBench(t)
	f := b.f
	officer := b.login(f.In[zhitong.RoleOfficer], "rc-officer")
	base := "/work/stations/" + strconv.FormatInt(f.Station, 10) + "/reception"
	page := officer.get(base)
	wantStatus(t, page, http.StatusOK)
	benchHas(t, page, "历市镇人大代表联络站接待日", "尚未设置接待日规则", "逢一、四、七", "未来 60 天没有接待日")

	// Every first Monday; then 逢农历一、四、七 from the preset.
	ok := officer.post(base+"/rules/weekday", url.Values{"nth": {"1"}, "weekday": {"1"}, "holidays": {"skip"}})
	wantStatus(t, ok, http.StatusOK)
	benchHas(t, ok, "已添加接待日规则：每月第一个星期一", "每月第一个星期一，遇法定节假日暂停", "2026-12-07")
	ok = officer.post(base+"/rules/lunar", url.Values{"preset": {"147"}, "holidays": {"keep"}, "note": {"赶圩日"}})
	wantStatus(t, ok, http.StatusOK)
	// 2026-11-25 (today) is 十月十七.
	benchHas(t, ok, "逢农历一、四、七，节假日照常", "赶圩日", "十月十七", "2026-11-25")

	// A refused rule keeps what was typed, marks the field and stores nothing.
	rules := b.count("reception_rules")
	bad := officer.post(base+"/rules/monthday", url.Values{"days": {"5,40"}, "holidays": {"skip"}, "note": {"月中接待"}})
	wantStatus(t, bad, http.StatusBadRequest)
	benchHas(t, bad, "未保存：", "应在 1 到 31 之间", `value="5,40"`, `value="月中接待"`)
	if !strings.Contains(bad.raw, `id="rc-m-days" name="days" inputmode="numeric" placeholder="5,15,25" value="5,40" required aria-invalid="true"`) {
		t.Error("the days field is not marked invalid")
	}
	if b.count("reception_rules") != rules {
		t.Fatal("a refused rule was stored")
	}
	bad = officer.post(base+"/rules/monthday", url.Values{"days": {"五号"}})
	wantStatus(t, bad, http.StatusBadRequest)
	benchHas(t, bad, "日子应为用逗号分隔的数字", `value="五号"`)

	// An exception must name a reception day; a move shows in the preview.
	bad = officer.post(base+"/exceptions", url.Values{"day": {"2026-12-08"}, "action": {"cancel"}, "note": {"培训"}})
	wantStatus(t, bad, http.StatusBadRequest)
	benchHas(t, bad, "2026年12月8日按现行规则不是接待日", `value="2026-12-08"`, `value="培训"`)
	bad = officer.post(base+"/exceptions", url.Values{"day": {"2026-12-07"}, "action": {"move"}})
	wantStatus(t, bad, http.StatusBadRequest)
	benchHas(t, bad, "请填写调整到的日期")
	ok = officer.post(base+"/exceptions", url.Values{"day": {"2026-12-07"}, "action": {"move"}, "moved_to": {"2026-12-08"}, "note": {"县人代会"}})
	wantStatus(t, ok, http.StatusOK)
	benchHas(t, ok, "已将 2026-12-07 的接待调整到 2026-12-08", "调整到 2026-12-08", "由12月7日调整", "县人代会")

	// Deputies on duty show in the preview.
	if err := b.app.DB().Write(t.Context(), func(tx *store.Tx) error {
		return tx.PutDuty(t.Context(), &store.Duty{StationID: f.Station, DeputyID: f.Deputy, Day: "2026-12-08", Status: "planned"})
	}); err != nil {
		t.Fatal(err)
	}
	benchHas(t, officer.get(base), "刘代表")

	// Holiday mode per rule, then removing the weekday rule takes its exception with it.
	set := storedRules(t, b, f.Station)
	wantStatus(t, officer.post(base+"/rules/"+strconv.FormatInt(set[0].ID, 10)+"/holidays", url.Values{"holidays": {"keep"}, "was": {"逢农历一、四、七"}}), http.StatusNotFound)
	ok = officer.post(base+"/rules/"+strconv.FormatInt(set[0].ID, 10)+"/holidays", url.Values{"holidays": {"keep"}, "was": {"每月第一个星期一"}})
	wantStatus(t, ok, http.StatusOK)
	benchHas(t, ok, "已修改节假日安排：每月第一个星期一，节假日照常")
	set = storedRules(t, b, f.Station)
	ok = officer.post(base+"/rules/"+strconv.FormatInt(set[0].ID, 10)+"/delete", url.Values{"was": {"每月第一个星期一"}})
	wantStatus(t, ok, http.StatusOK)
	benchHas(t, ok, "已删除接待日规则，并删除了 1 条不再适用的调整")
	benchLacks(t, ok, "每月第一个星期一，", "由12月7日调整")
	wantStatus(t, officer.post(base+"/rules/999999/delete", nil), http.StatusNotFound)

	// Others may not edit: a deputy, an officer of another county.
	deputy := b.login(f.In[zhitong.RoleDeputy], "rc-deputy")
	wantStatus(t, deputy.get(base), http.StatusForbidden)
	outsider := b.login(f.Out[zhitong.RoleOfficer], "rc-outsider")
	wantStatus(t, outsider.get(base), http.StatusForbidden)
	wantStatus(t, outsider.post(base+"/rules/date", url.Values{"date": {"2026-12-10"}}), http.StatusForbidden)
	if n := b.count("reception_rules"); n != 1 {
		t.Errorf("%d rules, want 1", n)
	}
}

func storedRules(t *testing.T, b *bench, station int64) []zhitong.ReceptionRule {
	t.Helper()
	rules, err := store.ListReceptionRules(t.Context(), b.app.DB(), station)
	if err != nil {
		t.Fatal(err)
	}
	return rules
}
