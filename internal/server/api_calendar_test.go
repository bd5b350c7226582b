package server_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/testkit"
)

// TestProvisionalDeadlineOverAPI: the track answer says a 2028 deadline is
// provisional; the system administrator loads 2028 in the line format; the
// answer then has the new date, no provisional mark, and the move on its
// timeline.
func TestProvisionalDeadlineOverAPI(t *testing.T) {
	e := newEnv(t)
	e.clock.Set(time.Date(2027, 12, 28, 9, 0, 0, 0, zhitong.China))
	officer := e.f.In[zhitong.RoleOfficer]
	c := testkit.Must(e.app.Intake(ctx, officer, app.IntakeInput{Channel: zhitong.ChannelWalkIn, Body: "年底反映：村道路面破损",
		CategoryCode: "roads", StationID: e.f.Station, Anonymous: true}))(t)
	testkit.Must(e.app.Assign(ctx, officer, c.ID, app.AssignInput{LeadUnit: e.f.Lead, Days: 5}))(t)

	citizen := e.anonymous()
	var tv app.TrackView
	if code := citizen.do("GET", "/api/v1/track/"+c.Code, nil, &tv); code != 200 {
		t.Fatalf("track: %d", code)
	}
	if tv.DueDate != "2028-01-04" || !tv.DueProvisional || tv.DueNote != "暂定，待国务院公布 2028 年节假日安排后确定" {
		t.Fatalf("track before: %s %v %q", tv.DueDate, tv.DueProvisional, tv.DueNote)
	}

	admin := e.login(e.f.In[zhitong.RoleSysAdmin], "sysadmin")
	post := func(body string) (int, map[string]any) {
		req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/calendar/schedules", strings.NewReader(body))
		req.Header.Set("Content-Type", "text/plain; charset=utf-8")
		res, err := admin.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		raw, _ := io.ReadAll(res.Body)
		var out map[string]any
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatalf("answer %s", raw)
		}
		return res.StatusCode, out
	}
	if code, out := post("2028-01-01 休 元旦\n2028-01-04 班 元旦调休"); code != 400 || !strings.Contains(out["error"].(map[string]any)["message"].(string), "第2行") {
		t.Fatalf("a make-up Tuesday: %d %v", code, out)
	}
	if code, out := post("2028-01-01 休 元旦\n2028-01-03 休 元旦\n"); code != 200 || out["year"] != float64(2028) || out["recomputed"] != float64(1) {
		t.Fatalf("load: %d %v", code, out)
	}

	tv = app.TrackView{}
	citizen.do("GET", "/api/v1/track/"+c.Code, nil, &tv)
	last := tv.Timeline[len(tv.Timeline)-1].Text
	if tv.DueDate != "2028-01-05" || tv.DueProvisional || tv.DueNote != "" || !strings.Contains(last, "由 2028-01-04 调整为 2028-01-05") {
		t.Fatalf("track after: %s %v %q, last step %q", tv.DueDate, tv.DueProvisional, tv.DueNote, last)
	}
}
