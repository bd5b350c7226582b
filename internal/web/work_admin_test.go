package web_test

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"zhitong"
)

func TestAdminPagesForCommittee(t *testing.T) {
	b := newBench(t)
	com := b.login(b.f.In[zhitong.RoleCommittee], "adm-committee")

	// Regions: browse, add a park, see it offered on the citizens' form, retire it.
	pg := com.get("/work/regions?under=" + b.f.County)
	wantStatus(t, pg, http.StatusOK)
	benchHas(t, pg, "历市镇", `class="rtable"`, `data-label="区划代码"`, "新增区域")
	pg = com.post("/work/regions", url.Values{"parent_code": {b.f.County}, "name": {"定南县工业园区"}, "kind": {"industrial_park"}})
	wantStatus(t, pg, http.StatusOK)
	benchHas(t, pg, "已新增“定南县工业园区”，区划代码 360728801")
	pg = com.post("/work/regions", url.Values{"parent_code": {b.f.County}, "name": {"某村"}, "kind": {"village"}})
	wantStatus(t, pg, http.StatusBadRequest)
	benchHas(t, pg, "县级区划下只能新增工业园区或开发区", `aria-invalid="true"`, `value="某村"`)
	if !strings.Contains(b.anonymousGet(t, "/submit"), "定南县工业园区") {
		t.Error("a new park is not offered on the submit form")
	}
	pg = com.post("/work/regions/360728801/retire", nil)
	wantStatus(t, pg, http.StatusOK)
	benchHas(t, pg, "已停用“定南县工业园区”")
	if strings.Contains(b.anonymousGet(t, "/submit"), "定南县工业园区") {
		t.Error("a retired park is still offered on the submit form")
	}
	pg = com.post("/work/regions/"+b.f.Town+"/retire", nil)
	wantStatus(t, pg, http.StatusConflict)
	benchHas(t, pg, "联络站")

	// Units: create with a phone, shown masked.
	pg = com.post("/work/units/new", url.Values{"name": {"定南县水利局"}, "kind": {"department"}, "region_code": {b.f.County},
		"contact": {"王科长"}, "phone": {"13907971234"}})
	wantStatus(t, pg, http.StatusOK)
	benchHas(t, pg, "已新增承办单位“定南县水利局”", "139****1234", `data-label="联系电话"`)
	benchLacks(t, pg, "13907971234")
	pg = com.post("/work/units/new", url.Values{"name": {"越界单位"}, "kind": {"department"}, "region_code": {b.f.County},
		"parent_id": {strconv.FormatInt(b.f.OtherUnit, 10)}})
	wantStatus(t, pg, http.StatusBadRequest)
	benchHas(t, pg, "不在您的辖区内", `value="越界单位"`)

	// Categories: the county sets its default lead unit for roads; a case
	// of that category has the unit preselected on the assign form.
	pg = com.get("/work/categories")
	benchHas(t, pg, "道路交通", "本辖区默认主办单位")
	benchLacks(t, pg, "/work/categories/new") // a county of a two-county deployment: not the global list
	pg = com.post("/work/categories/roads", url.Values{"default_unit_id": {strconv.FormatInt(b.f.Lead, 10)}})
	wantStatus(t, pg, http.StatusOK)
	benchHas(t, pg, "已保存分类“道路交通”", "县交通运输局")
	pg = com.post("/work/categories/consult", url.Values{"default_unit_id": {strconv.FormatInt(b.f.OtherUnit, 10)}})
	wantStatus(t, pg, http.StatusBadRequest)

	id := b.intake("道路坑洼需要修补，车辆经过很颠簸", 0)
	officer := b.login(b.f.In[zhitong.RoleOfficer], "adm-officer")
	pg = officer.get(caseURL(id))
	lead := regexp.MustCompile(`(?s)name="lead_unit_id".*?</select>`).FindString(pg.raw)
	if !strings.Contains(lead, `value="`+strconv.FormatInt(b.f.Lead, 10)+`" selected`) {
		t.Errorf("the category's default lead unit is not preselected:\n%s", lead)
	}

	// The nav offers the pages to committee staff only.
	benchHas(t, com.get("/work"), `href="/work/units"`, `href="/work/regions"`, `href="/work/categories"`)
	benchLacks(t, officer.get("/work"), `href="/work/units"`)
	wantStatus(t, officer.get("/work/units"), http.StatusForbidden)
}

func TestCategoryPreselectionOnlyInJurisdiction(t *testing.T) {
	b := newBench(t)
	out := b.login(b.f.Out[zhitong.RoleCommittee], "adm-out")
	// Another county's committee sets its own default; a case of 定南 is not affected.
	pg := out.post("/work/categories/roads", url.Values{"default_unit_id": {strconv.FormatInt(b.f.OtherUnit, 10)}})
	wantStatus(t, pg, http.StatusOK)
	id := b.intake("路灯不亮，夜间出行不便", 0)
	officer := b.login(b.f.In[zhitong.RoleOfficer], "adm-officer2")
	lead := regexp.MustCompile(`(?s)name="lead_unit_id".*?</select>`).FindString(officer.get(caseURL(id)).raw)
	if strings.Contains(lead, " selected") {
		t.Errorf("a default of another county is preselected:\n%s", lead)
	}
	// The other county's committee may not open 定南's unit.
	wantStatus(t, out.get("/work/units/"+strconv.FormatInt(b.f.Lead, 10)), http.StatusForbidden)
}

// anonymousGet fetches a page without signing in.
func (b *bench) anonymousGet(t *testing.T, path string) string {
	t.Helper()
	res, err := http.Get(b.srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}
