package server_test

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/export/exporttest"
	"zhitong/internal/testkit"
)

// TestExportAPI fetches every export route: each answers a workbook in the
// shared format with a Chinese file name, the case list holds the caller's
// jurisdiction only and escapes formulas, bad filters answer the JSON error.
func TestExportAPI(t *testing.T) {
	e := newEnv(t)
	f := e.f
	officer := e.login(f.In[zhitong.RoleOfficer], "x-officer")
	committee := e.login(f.In[zhitong.RoleCommittee], "x-committee")
	outsider := e.login(f.Out[zhitong.RoleCommittee], "x-outsider")
	c := testkit.Must(e.app.Intake(t.Context(), f.In[zhitong.RoleOfficer], app.IntakeInput{Channel: zhitong.ChannelWalkIn,
		Title: `=HYPERLINK("http://evil.example","看这里")`, Body: "小区路灯不亮已经一周", CategoryCode: "roads", StationID: f.Station, Name: "王小明", Phone: "13712345678"}))(t)

	get := func(cl *client, path string) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest("GET", e.srv.URL+path, nil)
		res := testkit.Must(cl.http.Do(req))(t)
		defer res.Body.Close()
		return res, testkit.Must(io.ReadAll(res.Body))(t)
	}
	res, body := get(officer, "/api/v1/cases/export?status=submitted,registered")
	if res.StatusCode != 200 {
		t.Fatalf("cases export = %d %s", res.StatusCode, body)
	}
	if cd := res.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, `attachment; filename="cases-`) || !strings.Contains(cd, "filename*=UTF-8''") {
		t.Errorf("Content-Disposition %q", cd)
	}
	s := exporttest.Open(t, body)[0]
	i := slices.Index(s.Column(t, "查询码"), c.Code)
	if i < 0 {
		t.Fatalf("export lacks %s: %q", c.Code, s.Rows)
	}
	if got := s.Column(t, "标题")[i]; got != "'"+c.Title {
		t.Errorf("title %q not escaped", got)
	}
	if got := s.Column(t, "反映人")[i]; got != "王**" || strings.Contains(string(body), "13712345678") {
		t.Errorf("submitter %q", got)
	}
	_, body = get(outsider, "/api/v1/cases/export")
	if slices.Contains(exporttest.Open(t, body)[0].Column(t, "查询码"), c.Code) {
		t.Errorf("another county's committee exported %s", c.Code)
	}
	res, body = get(officer, "/api/v1/cases/export?sort=evil")
	var apiErr struct{ Error struct{ Code, Field string } }
	if res.StatusCode != 400 || json.Unmarshal(body, &apiErr) != nil || apiErr.Error.Code != "invalid" || apiErr.Error.Field != "sort" {
		t.Errorf("bad sort = %d %s", res.StatusCode, body)
	}
	res, _ = get(&client{http: &http.Client{}}, "/api/v1/cases/export")
	if res.StatusCode != 401 {
		t.Errorf("anonymous export = %d", res.StatusCode)
	}

	station := strconv.FormatInt(f.Station, 10)
	for _, path := range []string{"/api/v1/supervision/export", "/api/v1/bulletins/export", "/api/v1/points/rankings/export",
		"/api/v1/stations/" + station + "/roster/export?month=2026-12", "/api/v1/appointments/export", "/api/v1/deliveries/export", "/api/v1/callbacks/export",
		"/api/v1/topics/export?period=year&year=2026", "/api/v1/analysis/opinions/export", "/api/v1/analysis/opinions/export?state=pending"} {
		res, body := get(committee, path)
		if res.StatusCode != 200 {
			t.Errorf("%s = %d %s", path, res.StatusCode, body)
			continue
		}
		if !strings.Contains(res.Header.Get("Content-Disposition"), "filename*=UTF-8''") {
			t.Errorf("%s: Content-Disposition %q", path, res.Header.Get("Content-Disposition"))
		}
		exporttest.Open(t, body)
	}
	for path, want := range map[string]int{"/api/v1/bulletins/999/export": 404, "/api/v1/stations/" + station + "/roster/export?month=13": 400} {
		if res, body := get(committee, path); res.StatusCode != want {
			t.Errorf("%s = %d %s, want %d", path, res.StatusCode, body, want)
		}
	}
	if res, _ := get(outsider, "/api/v1/stations/"+station+"/roster/export"); res.StatusCode/100 == 2 {
		t.Errorf("another county's roster exported: %d", res.StatusCode)
	}
}
