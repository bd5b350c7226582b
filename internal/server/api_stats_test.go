package server_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"zhitong"
	"zhitong/internal/testkit"
)

// TestStatsAPI: the dashboard, the cases behind a figure, the export and
// the public figures answer as documented; bad periods and slices are 400
// with a Chinese message; roles without the dashboard get 403.
func TestStatsAPI(t *testing.T) {
	d := servedOpenAPI(t)
	e := newEnv(t)
	committee := e.login(e.f.In[zhitong.RoleCommittee], "weiyuanhui")
	for _, q := range []string{"", "?slice=unit", "?period=year&year=2026&slice=town", "?period=quarter&quarter=2026-Q4&slice=channel",
		"?period=custom&start=2026-01-01&end=2026-12-31&slice=category", "?slice=deputy", "?slice=station", "?slice=level"} {
		oaCheck(t, d, committee, http.MethodGet, "/api/v1/stats", "/api/v1/stats"+q, nil, http.StatusOK)
	}
	for _, q := range []string{"?period=week", "?slice=weather", "?period=custom&start=2020-01-01&end=2026-01-01", "?period=month&month=2026-13"} {
		got := oaCheck(t, d, committee, http.MethodGet, "/api/v1/stats", "/api/v1/stats"+q, nil, http.StatusBadRequest)
		ev, _ := got["error"].(map[string]any)
		if msg, _ := ev["message"].(string); msg == "" || msg[0] < 0x80 {
			t.Errorf("%s: message %q", q, msg)
		}
	}
	// The same bad periods and slices are 400 everywhere a period is read:
	// the cases behind a figure, the workbook and the hot topics.
	for _, q := range []string{"period=week", "slice=weather", "period=custom&start=2020-01-01&end=2026-01-01", "period=year&year=20x6"} {
		for _, path := range []string{"/api/v1/stats/cases?stat=received&", "/api/v1/stats/export?", "/api/v1/topics?"} {
			req, _ := http.NewRequest("GET", e.srv.URL+path+q, nil)
			resp := testkit.Must(committee.http.Do(req))(t)
			var body struct {
				Error struct{ Code, Message string }
			}
			json.NewDecoder(resp.Body).Decode(&body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusBadRequest || body.Error.Code != "invalid" || body.Error.Message == "" || body.Error.Message[0] < 0x80 {
				t.Errorf("%s%s: %d %+v", path, q, resp.StatusCode, body.Error)
			}
		}
	}
	oaCheck(t, d, committee, http.MethodGet, "/api/v1/stats/cases", "/api/v1/stats/cases?stat=received", nil, http.StatusOK)
	oaCheck(t, d, committee, http.MethodGet, "/api/v1/stats/cases", "/api/v1/stats/cases?stat=nope", nil, http.StatusBadRequest)
	oaCheck(t, d, e.anonymous(), http.MethodGet, "/api/v1/stats/public", "/api/v1/stats/public", nil, http.StatusOK)
	unit := e.login(e.f.In[zhitong.RoleUnit], "danwei")
	oaCheck(t, d, unit, http.MethodGet, "/api/v1/stats", "/api/v1/stats", nil, http.StatusForbidden)
	analyst := e.login(e.f.In[zhitong.RoleAnalyst], "yanpan")
	oaCheck(t, d, analyst, http.MethodGet, "/api/v1/stats", "/api/v1/stats", nil, http.StatusOK)

	req, _ := http.NewRequest("GET", e.srv.URL+"/api/v1/stats/export?slice=unit", nil)
	resp := testkit.Must(committee.http.Do(req))(t)
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Disposition"), "filename*=UTF-8''") {
		t.Fatalf("export: %d %q", resp.StatusCode, resp.Header.Get("Content-Disposition"))
	}
	x := testkit.Must(excelize.OpenReader(resp.Body))(t)
	rows := testkit.Must(x.GetRows("汇总"))(t)
	if len(rows) < 3 || !strings.Contains(rows[0][0], "统计") || rows[1][0] != "指标" {
		t.Errorf("export rows = %v", rows)
	}
}
