package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

func TestListSearchesChinese(t *testing.T) {
	b := newBench(t)
	parking := b.intake("小区门口停车难，晚上车辆乱停占道", 0)
	b.intake("广场舞音响噪音太大影响休息", 0)
	b.submitOnline("菜市场附近乱停车，希望施划车位")
	b.markDemo(parking)
	officer := b.login(b.f.In[zhitong.RoleOfficer], "ganshi")

	pg := officer.get("/work/cases?q=" + url.QueryEscape("停车"))
	wantStatus(t, pg, http.StatusOK)
	if n := total(t, pg); n != 2 {
		t.Fatalf("停车 found %d cases, want 2\n%s", n, pg.body)
	}
	benchHas(t, pg, "小区门口停车难", "菜市场附近乱停车", "演示数据", `value="停车"`, "<title>搜索“停车”")
	benchLacks(t, pg, "广场舞")

	pg = officer.get("/work/cases?q=" + url.QueryEscape("噪音"))
	if n := total(t, pg); n != 1 {
		t.Fatalf("噪音 found %d cases, want 1", n)
	}

	// Filters combine, and sort links keep them.
	pg = officer.get("/work/cases?q=" + url.QueryEscape("停车") + "&status=submitted")
	if n := total(t, pg); n != 1 {
		t.Fatalf("停车 + submitted found %d, want 1", n)
	}
	if !strings.Contains(pg.raw, `&amp;sort=due&amp;status=submitted"`) {
		t.Fatalf("sort link lost the filters:\n%s", pg.raw)
	}
	benchHas(t, pg, `value="submitted" checked`)

	// htmx asks for the results only.
	pg = officer.hx(http.MethodGet, "/work/cases?q="+url.QueryEscape("噪音"), "case-results", nil)
	wantStatus(t, pg, http.StatusOK)
	benchHas(t, pg, `id="case-results"`, "广场舞")
	benchLacks(t, pg, "<html", "全文搜索")

	// Bad filters are explained on the page, not a crash.
	pg = officer.get("/work/cases?from=2026-13-40")
	wantStatus(t, pg, http.StatusBadRequest)
	benchHas(t, pg, "日期格式应为 YYYY-MM-DD")
}

func TestListPagesAndFilters(t *testing.T) {
	b := newBench(t)
	for i := range 23 {
		b.intake(fmt.Sprintf("第 %d 号反映：路面破损需要修补", i+1), 0)
	}
	b.intake("意见箱收到：希望增设公交线路", 0)
	officer := b.login(b.f.In[zhitong.RoleOfficer], "ganshi")

	pg := officer.get("/work/cases?category=roads")
	if n := total(t, pg); n != 24 {
		t.Fatalf("total %d, want 24", n)
	}
	benchHas(t, pg, "第 1 / 2 页", `rel="next"`)
	if !strings.Contains(pg.raw, `href="/work/cases?category=roads&amp;page=2"`) {
		t.Fatalf("next page link lost the filter:\n%s", pg.raw)
	}
	pg = officer.get("/work/cases?category=roads&page=2")
	benchHas(t, pg, "第 2 / 2 页", `rel="prev"`)
	if got := strings.Count(pg.raw, `<tr class="wb-row`); got != 4 {
		t.Fatalf("page 2 has %d rows, want 4", got)
	}

	// Oldest first puts the first case on top.
	pg = officer.get("/work/cases?sort=oldest")
	first := strings.Index(pg.body, "第 1 号反映")
	last := strings.Index(pg.body, "第 20 号反映")
	if first < 0 || last < 0 || first > last {
		t.Fatalf("oldest first: positions %d, %d", first, last)
	}
	benchHas(t, pg, `aria-sort="ascending"`)

	// Channel and station filters.
	if n := total(t, officer.get("/work/cases?channel=online")); n != 0 {
		t.Fatalf("online cases: %d, want 0", n)
	}
	if n := total(t, officer.get(fmt.Sprintf("/work/cases?station=%d", b.f.Station))); n != 24 {
		t.Fatalf("station cases: %d, want 24", n)
	}
	if n := total(t, officer.get(fmt.Sprintf("/work/cases?station=%d", b.f.OtherStation))); n != 0 {
		t.Fatalf("other station: %d, want 0", n)
	}
}

func TestListFindsTrackingCode(t *testing.T) {
	b := newBench(t)
	id := b.intake("小区门口停车难，晚上车辆乱停占道", 0)
	testkit.Must(b.app.Assign(t.Context(), b.f.In[zhitong.RoleOfficer], id, app.AssignInput{LeadUnit: b.f.Lead, Days: 10}))(t)
	code := b.view(id).Code
	officer := b.login(b.f.In[zhitong.RoleOfficer], "ganshi")
	// A lead unit alone: the timeline names no empty co-units.
	pg := officer.get(caseURL(id))
	benchHas(t, pg, "主办：")
	benchLacks(t, pg, "协办：；")

	// Read out over the phone: lower case, spaces instead of dashes.
	typed := strings.ToLower(strings.ReplaceAll(code, "-", " "))
	pg = officer.get("/work/cases?q=" + url.QueryEscape(typed))
	wantStatus(t, pg, http.StatusOK)
	if !strings.HasSuffix(pg.url, caseURL(id)) {
		t.Fatalf("code %q led to %s, want the case %d", typed, pg.url, id)
	}
	pg = officer.get("/work/cases?q=" + strings.ReplaceAll(code, "-", ""))
	if !strings.HasSuffix(pg.url, caseURL(id)) {
		t.Fatalf("code without dashes led to %s", pg.url)
	}
	// htmx is told to load the case page, not to swap it into the list.
	pg = officer.hx(http.MethodGet, "/work/cases?q="+code, "case-results", nil)
	if got := pg.header.Get("HX-Redirect"); got != caseURL(id) {
		t.Fatalf("htmx HX-Redirect %q, want %s", got, caseURL(id))
	}

	// Another county's officer does not find it, and is told why.
	other := b.login(b.f.Out[zhitong.RoleOfficer], "other")
	pg = other.get("/work/cases?q=" + code)
	wantStatus(t, pg, http.StatusOK)
	if strings.Contains(pg.url, "/work/cases/") || total(t, pg) != 0 {
		t.Fatalf("another county found the case: %s", pg.url)
	}
	benchHas(t, pg, "这是一个查询码，但您的管辖范围内没有该案件")

	// One character cannot match the two-character index: say so.
	pg = officer.get("/work/cases?q=" + url.QueryEscape("车"))
	if total(t, pg) != 0 {
		t.Fatalf("车 found cases; the hint test needs an empty result")
	}
	benchHas(t, pg, "请输入至少两个字")
	pg = officer.get("/work/cases?q=" + url.QueryEscape("噪音"))
	benchLacks(t, pg, "请输入至少两个字", "这是一个查询码")
}

// A common word's hits are counted up to store.SearchCountCap: the page says
// "200+" and how to narrow it, and pages stop at the cap.
func TestSearchWithManyHitsShowsTheCap(t *testing.T) {
	b := newBench(t)
	n := store.SearchCountCap + 5
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for w := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += 16 {
				_, err := b.app.Submit(t.Context(), zhitong.Citizen, app.IntakeInput{Body: fmt.Sprintf("第%d号：建设路晚上路灯不亮", i), StationID: b.f.Station})
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	officer := b.login(b.f.In[zhitong.RoleOfficer], "ganshi")
	pg := officer.get("/work/cases?q=" + url.QueryEscape("路灯"))
	c, pages := store.SearchCountCap, store.SearchCountCap/20
	benchHas(t, pg, fmt.Sprintf("共 <strong>%d+</strong> 件", c), fmt.Sprintf("只计数前 %d 件", c), fmt.Sprintf("第 1 / %d 页", pages))
	// The last page by number; the next goes on by cursor, one more is refused.
	last := officer.get(fmt.Sprintf("/work/cases?page=%d&q=", pages) + url.QueryEscape("路灯"))
	benchHas(t, last, fmt.Sprintf("第 %d / %d 页", pages, pages), `rel="next"`, "after=")
	bad := officer.get(fmt.Sprintf("/work/cases?page=%d&q=", pages+1) + url.QueryEscape("路灯"))
	wantStatus(t, bad, http.StatusBadRequest)
	benchHas(t, bad, fmt.Sprintf("页码不能超过 %d", pages))
	// The count stops at the cap plus one, not at the 1005 hits.
	if _, total := testkit.Must2(b.app.List(t.Context(), b.f.In[zhitong.RoleOfficer], app.ListInput{Query: "路灯"}))(t); total != store.SearchCountCap+1 {
		t.Errorf("search total = %d, want %d", total, store.SearchCountCap+1)
	}
	few := officer.get("/work/cases?q=" + url.QueryEscape("路灯") + "&from=2099-01-01")
	benchLacks(t, few, fmt.Sprintf("%d+", c))
	// Sorted by deadline or update, the page orders the newest 200 hits
	// only, and says so; its pages stop there.
	for sort, label := range map[string]string{"due": "办理期限", "updated": "最近更新"} {
		sorted := officer.get("/work/cases?sort=" + sort + "&q=" + url.QueryEscape("路灯"))
		benchHas(t, sorted, fmt.Sprintf("按%s排列的只是其中最新登记的 %d 件", label, c))
		benchLacks(t, sorted, "只计数前")
		last := officer.get(fmt.Sprintf("/work/cases?sort=%s&page=%d&q=", sort, pages) + url.QueryEscape("路灯"))
		benchLacks(t, last, `rel="next"`)
		pg := testkit.Must(b.app.ListPage(t.Context(), b.f.In[zhitong.RoleOfficer], app.ListInput{Query: "路灯", Sort: sort}))(t)
		if pg.SortedNewest != c || !pg.More {
			t.Errorf("sort %s: SortedNewest %d (more %v), want %d", sort, pg.SortedNewest, pg.More, c)
		}
	}
	benchLacks(t, officer.get("/work/cases?sort=due&q="+url.QueryEscape("路灯")+"&from=2099-01-01"), "排列的只是")
}

// TestListRefusesOutOfRange: a page past the counted rows, an unknown sort
// and a broken cursor are a 400 with a Chinese message on the page, and
// the cursor links walk on past the numbered pages.
func TestListRefusesOutOfRange(t *testing.T) {
	b := newBench(t)
	for i := range 3 {
		b.intake(fmt.Sprintf("第 %d 号反映：路面破损需要修补", i+1), 0)
	}
	officer := b.login(b.f.In[zhitong.RoleOfficer], "ganshi")
	for path, want := range map[string]string{
		"/work/cases?page=501":      "页码不能超过 500",
		"/work/cases?page=0":        "页码应为正整数",
		"/work/cases?sort=title":    "排序方式应为",
		"/work/cases?after=%21%21":  "翻页位置（after）无效",
		"/work/cases?before=YzEAeA": "翻页位置（before）无效",
	} {
		pg := officer.get(path)
		wantStatus(t, pg, http.StatusBadRequest)
		benchHas(t, pg, want)
	}
	wantStatus(t, officer.get("/work/cases?page=500"), http.StatusOK)
}
