package server_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/attachments"
	"zhitong/internal/documents"
	"zhitong/internal/server"
	"zhitong/internal/setup"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
	"zhitong/internal/topics"
)

// county is one jurisdiction of the reference walk and the objects a
// request can name in it.
type county struct {
	Code, Town, Town2     string
	Station, Deputy, Unit int64
	Unit2, User, Token    int64
	Submitted, Registered *zhitong.Case
	Assigned              *zhitong.Case
	Proposal, Bulletin    int64
	Record, Appt, Duty    int64
	Opinion, Report       int64 // an analysis opinion on a topic and an analysis report (internal/topics)
	Document              int64 // the 交办函 of Assigned (internal/documents)
	ApptCode, Secret      string
	Photo, Rule           int64    // a photo of a case, a reception rule of Station
	Attachment            int64    // an intake scan of Assigned (internal/attachments)
	Cat, Day, Future      string   // a category code, today, a day of the roster
	Marks                 []string // names only this county's objects carry: seeing one elsewhere is a leak
	Committee             zhitong.Principal
}

// buildCounty writes one county's reference objects: a station, a deputy,
// units, an account, a token, cases in several states, a proposal, a duty
// record, an appointment and a roster duty. tag makes the names unique.
func buildCounty(t *testing.T, a *app.App, res *setup.Result, code, tag, login string) *county {
	t.Helper()
	c := &county{Code: code}
	c.Committee = testkit.Principal(t, a, res, zhitong.RoleCommittee)
	rows := testkit.Must(a.DB().Query(ctx, `SELECT code FROM regions WHERE parent_code = ? ORDER BY code LIMIT 2`, code))(t)
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		if c.Town == "" {
			c.Town = s
		} else {
			c.Town2 = s
		}
	}
	rows.Close()
	st := &zhitong.Station{Name: tag + "测联络站", RegionCode: c.Town, Kind: "fixed"}
	err := a.DB().Write(ctx, func(tx *store.Tx) error {
		if err := tx.InsertStation(ctx, st); err != nil {
			return err
		}
		d := &zhitong.Deputy{Name: tag + "测代表", Levels: []string{"county"}, RegionCode: c.Town, StationID: st.ID}
		if err := tx.InsertDeputy(ctx, d); err != nil {
			return err
		}
		u := &zhitong.Unit{Name: tag + "测交通局", Kind: "department", RegionCode: code}
		u2 := &zhitong.Unit{Name: tag + "测水务局", Kind: "department", RegionCode: code}
		for _, x := range []*zhitong.Unit{u, u2} {
			if err := tx.InsertUnit(ctx, x); err != nil {
				return err
			}
		}
		c.Station, c.Deputy, c.Unit, c.Unit2 = st.ID, d.ID, u.ID, u2.ID
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	user := testkit.Must(a.AddUser(ctx, app.System, app.UserInput{Username: login + "_target", DisplayName: tag + "测账户", Role: zhitong.RoleOfficer,
		RegionCode: code, Password: "Test-Passw0rd-x9"}))(t)
	c.User = user.ID
	var tok *zhitong.Token
	c.Secret, tok = testkit.Must2(a.AddToken(ctx, app.System, tag+"测令牌", zhitong.RoleIntegration, code))(t)
	c.Token = tok.ID
	cat := anyCategory(t, a)
	c.Cat = cat
	submit := func(body string) *zhitong.Case {
		return testkit.Must(a.Submit(ctx, zhitong.Citizen, app.IntakeInput{Body: body, StationID: c.Station, DeputyID: c.Deputy,
			Name: tag + "测公民", Phone: "13979701234"}))(t)
	}
	committee := c.Committee
	c.Submitted = submit(tag + "测诉求：村口水管爆裂，路面积水")
	c.Registered = submit(tag + "测诉求：路灯不亮，夜间出行不便")
	c.Registered = testkit.Must(a.Register(ctx, committee, c.Registered.ID, app.RegisterInput{CategoryCode: cat}))(t)
	c.Assigned = submit(tag + "测诉求：桥面破损，需要维修")
	c.Assigned = testkit.Must(a.Register(ctx, committee, c.Assigned.ID, app.RegisterInput{CategoryCode: cat}))(t)
	c.Assigned = testkit.Must(a.Assign(ctx, committee, c.Assigned.ID, app.AssignInput{LeadUnit: c.Unit}))(t)
	// Its 交办函: issued by the assignment when the server's hooks are in
	// place, else now.
	if err := a.DB().QueryRow(ctx, `SELECT document_id FROM document_cases WHERE case_id = ?`, c.Assigned.ID).Scan(&c.Document); err != nil {
		c.Document = testkit.Must(documents.New(a).IssueAssign(ctx, committee, documents.AssignInput{UnitID: c.Unit, CaseIDs: []int64{c.Assigned.ID}}))(t).ID
	}
	withPhoto := testkit.Must(a.SubmitWithPhotos(ctx, app.IntakeInput{Body: tag + "测诉求：井盖缺失，夜里很危险", StationID: c.Station, Anonymous: true},
		[]app.PhotoInput{{Name: "photo.jpg", Data: tinyJPEG(t)}}, false))(t)
	atts := testkit.Must(a.Attachments(ctx, committee, withPhoto.ID))(t)
	if len(atts) != 1 {
		t.Fatalf("%s: the case has %d photos", tag, len(atts))
	}
	c.Photo = atts[0].ID
	scan := testkit.Must(attachments.New(a).Add(ctx, committee, c.Assigned.ID, []attachments.Input{{Kind: attachments.KindIntakeScan, Name: tag + "测材料.pdf",
		Data: []byte("%PDF-1.4\n%%EOF\n")}}))(t)
	c.Attachment = scan[0].ID
	forProposal := submit(tag + "测诉求：学校门口缺少减速带")
	forProposal = testkit.Must(a.Register(ctx, committee, forProposal.ID, app.RegisterInput{CategoryCode: cat}))(t)
	testkit.Must(a.Propose(ctx, committee, forProposal.ID, app.ProposeInput{Title: tag + "测建议：关于学校周边交通安全", DeputyID: c.Deputy, UnitID: c.Unit}))(t)
	testkit.Must(0, a.DB().QueryRow(ctx, `SELECT id FROM proposals WHERE region_code LIKE ? ORDER BY id DESC LIMIT 1`, code+"%").Scan(&c.Proposal))(t)
	day := a.Now().Format(time.DateOnly)
	future := a.Now().AddDate(0, 0, 9).Format(time.DateOnly)
	c.Day, c.Future = day, a.Now().AddDate(0, 0, 10).Format(time.DateOnly)
	var rules []zhitong.ReceptionRule
	for _, d := range []string{day, future, c.Future} {
		rules = append(rules, zhitong.ReceptionRule{Kind: zhitong.RuleDate, Date: d, Holidays: zhitong.HolidayKeep})
	}
	testkit.Must(a.SetReceptionRules(ctx, committee, c.Station, rules, nil))(t)
	testkit.Must(0, a.DB().QueryRow(ctx, `SELECT MIN(id) FROM reception_rules WHERE station_id = ?`, c.Station).Scan(&c.Rule))(t)
	rec := testkit.Must(a.CreateRecord(ctx, committee, app.RecordInput{Kind: zhitong.RecordReception, Day: day, StationID: c.Station,
		Title: tag + "测接待", Visitors: 1, DeputyIDs: []int64{c.Deputy}}))(t)
	c.Record = rec.ID
	duty := testkit.Must(a.AddDuty(ctx, committee, c.Station, c.Deputy, future))(t)
	c.Duty = duty.ID
	if _, err := a.SetAppointmentSettings(ctx, committee, c.Station, zhitong.AppointmentSettings{Enabled: true, AMStart: "09:00", AMEnd: "12:00",
		PMStart: "14:30", PMEnd: "17:30", Capacity: 5, HorizonDays: 30}); err != nil {
		t.Logf("appointment settings %s: %v", tag, err)
	} else if v, err := a.Book(ctx, app.BookingInput{StationID: c.Station, DeputyID: c.Deputy, Day: future, Period: "am", Topic: tag + "测预约",
		Name: tag + "测预约人", Phone: "13979705678", Consent: true}); err != nil {
		t.Logf("appointment %s: %v", tag, err)
	} else {
		c.Appt, c.ApptCode = v.ID, v.Code
	}
	analyst := zhitong.Principal{UserID: committee.UserID, Role: zhitong.RoleAnalyst, RegionCode: committee.RegionCode}
	c.Opinion = testkit.Must(topics.New(a).Record(ctx, analyst, topics.OpinionInput{Topic: "路灯", Period: "本月", Proposal: "rehandle", Text: tag + "测研判意见"}))(t).ID
	c.Report = testkit.Must(topics.New(a).SaveReport(ctx, committee, 0, topics.ReportInput{Period: "本月", Title: tag + "测研判报告", Body: tag + "测研判报告正文"}))(t).ID
	c.Marks = []string{tag + "测联络站", tag + "测代表", tag + "测交通局", tag + "测水务局", tag + "测账户", login + "_target", tag + "测令牌",
		tag + "测诉求", tag + "测公民", tag + "测建议", tag + "测接待", tag + "测预约", tag + "测研判", c.Assigned.Code, c.Registered.Code, c.Submitted.Code}
	return c
}

// tinyJPEG is a small photo for an attachment.
func tinyJPEG(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 32, 24))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7)
	}
	var buf bytes.Buffer
	testkit.Must(0, jpeg.Encode(&buf, img, nil))(t)
	return buf.Bytes()
}

func anyCategory(t *testing.T, a *app.App) string {
	var code string
	testkit.Must(0, a.DB().QueryRow(ctx, `SELECT code FROM categories WHERE retired_at = '' ORDER BY code LIMIT 1`).Scan(&code))(t)
	return code
}

// refSpec says how the walk exercises one route. A route either carries
// references (in its path, its query or its body) and is called, or is
// listed with why it names nothing of a jurisdiction.
type refSpec struct {
	none string // not called: the reason it carries no reference of a jurisdiction
	// bodies, for a route whose body names references: the valid body
	// (inside A) and, per reference field, county B's value for it. The
	// route is called once per field with A's path object, the body with
	// only that field from B, and once with B's path object.
	base func(a, b *county) map[string]any
	refs func(a, b *county) map[string]any
	// onA names the county A object the body variants act on, when the
	// path has one ("registered", "submitted", "assigned", "proposal"…).
	onA string
	// noPathCall: the path names nothing of B (a deployment-wide category,
	// an Open311 file name); only the body variants are sent.
	noPathCall bool
	// more are further calls: county A's object in the path with one of
	// B's ids in the body, or A's object with B's sub-object in the path
	// (a photo, a reception rule). Each is refused on its field, or
	// answers no 2xx when it names no field.
	more func(a, b *county) []variant
}

// variant is one extra call of a route.
type variant struct {
	path  string
	body  map[string]any
	field string // the reference field it names; "" for a path of mixed objects
}

func none(reason string) refSpec { return refSpec{none: reason} }

// wildcardValues gives county B's (or A's) objects for a path wildcard,
// found by the segment before it.
func wildcardValues(c *county, pattern string) (string, bool) {
	segs := strings.Split(strings.TrimPrefix(pattern, "/"), "/")
	out := make([]string, len(segs))
	for i, s := range segs {
		if !strings.HasPrefix(s, "{") {
			out[i] = s
			continue
		}
		prev := ""
		if i > 0 {
			prev = segs[i-1]
		}
		if i > 1 && strings.HasPrefix(prev, "{") {
			prev = segs[i-2] + "/*"
		}
		id := func(n int64) string { return strconv.FormatInt(n, 10) }
		v, ok := map[string]string{
			"cases": id(c.Assigned.ID), "proposals": id(c.Proposal), "stations": id(c.Station), "deputies": id(c.Deputy),
			"units": id(c.Unit), "regions": c.Town, "users": id(c.User), "accounts": id(c.User), "tokens": id(c.Token),
			"duty-records": id(c.Record), "duty": id(c.Record), "duties": id(c.Duty), "inactive": id(c.Deputy),
			"appointments": id(c.Appt), "bulletins": id(c.Bulletin), "requests": id(c.Assigned.ID) + ".json",
			"opinions": id(c.Opinion), "reports": id(c.Report), "documents": id(c.Document), "attachments": id(c.Attachment),
		}[prev]
		if prev == "appointments" && s == "{code}" {
			v, ok = c.ApptCode, true
		}
		if !ok {
			// The second wildcard of a path: an action, a section, a rule.
			v, ok = map[string]string{"cases/*": "assign", "accounts/*": "disable", "appointments/*": "attended", "duties/*": "remove",
				"stations/*": "basics", "deputies/*": "profile", "rules": "1", "import": "deputies", "v2": "requests.json",
				"categories": c.Cat}[prev]
		}
		if !ok {
			return "", false
		}
		out[i] = v
	}
	return "/" + strings.Join(out, "/"), true
}

// TestEveryRouteChecksReferences walks the whole route table (web UI, JSON
// API, Open311) as every staff role of one county with another county's
// ids in the path and in each reference field of the body and query. No
// such request may change anything or show the other county's names. A
// route that is neither exercised nor listed with a reason fails the test:
// a new route has to say how its references are checked.
func TestEveryRouteChecksReferences(t *testing.T) {
	if testing.Short() {
		t.Skip("walks every route")
	}
	a, clock := testkit.MustApp(t)
	resA := testkit.SetUp(t, a, "360783") // county A: 龙南市
	resB := testkit.Must(setup.New(a).Run(ctx, app.System, setup.Input{Region: "360728", Add: true, Committee: "gongwei_dn", Via: "test"}))(t)
	b := buildCounty(t, a, resB, "360728", "乙", "b")
	// County B's own bulletin, its unit's row named by its mark.
	now := a.Now()
	bul := &store.Bulletin{Period: "monthly", Start: now.AddDate(0, 0, -7).Format(time.DateOnly), End: now.Format(time.DateOnly), RegionCode: b.Code,
		GeneratedAt: now, Rows: []store.BulletinRow{{Scope: "unit", Ref: strconv.FormatInt(b.Unit, 10), Name: "乙测交通局", Assigned: 1}}}
	testkit.Must(0, a.DB().Write(ctx, func(tx *store.Tx) error { _, err := tx.InsertBulletin(ctx, bul); return err }))(t)
	b.Bulletin = bul.ID
	A := buildCounty(t, a, resA, "360783", "甲", "a")
	srv := httptest.NewServer(server.New(server.Config{App: a, PublicLimit: -1}))
	t.Cleanup(srv.Close)
	e := &env{t: t, app: a, clock: clock, srv: srv}

	table := routeTable()
	patterns := server.Patterns(server.New(server.Config{App: a, PublicLimit: -1}))
	if len(patterns) < 250 || !slices.Contains(patterns, "POST /api/v1/cases/{id}/assign") || !slices.Contains(patterns, "POST /work/intake") ||
		!slices.Contains(patterns, "POST /open311/v2/{file}") {
		t.Fatalf("the route table reads %d patterns: server.Patterns no longer understands http.ServeMux", len(patterns))
	}
	for _, p := range patterns {
		if _, ok := table[p]; !ok {
			t.Errorf("route %q is new to this test: exercise its references (path, query, body) in routeTable, or list it with none(reason)", p)
		}
	}
	for p := range table {
		if !slices.Contains(patterns, p) {
			t.Errorf("routeTable lists %q, which is not registered", p)
		}
	}

	// Every staff role of county A, signed in through the harness.
	type actor struct {
		role zhitong.Role
		c    *client
	}
	var actors []actor
	for _, r := range zhitong.Roles {
		p := zhitong.Principal{Role: r.Value, RegionCode: A.Code}
		switch r.Value { // the officer is the county's, not a station's
		case zhitong.RoleStationHead:
			p.StationID = A.Station
		case zhitong.RoleUnit:
			p.UnitID = A.Unit
		case zhitong.RoleDeputy:
			p.DeputyID = A.Deputy
		}
		actors = append(actors, actor{r.Value, e.login(p, "a_"+string(r.Value))})
	}

	before := fingerprint(t, a)
	leaks := func(body string, sent map[string]any) []string {
		var out []string
		echo := fmt.Sprint(sent) // what the caller typed may come back in the form
		for _, m := range b.Marks {
			if strings.Contains(body, m) && !strings.Contains(echo, m) {
				out = append(out, m)
			}
		}
		return out
	}
	aObject := map[string]string{}
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	aObject["registered"], aObject["submitted"], aObject["assigned"] = id(A.Registered.ID), id(A.Submitted.ID), id(A.Assigned.ID)
	aObject["proposal"], aObject["station"], aObject["deputy"], aObject["unit"] = id(A.Proposal), id(A.Station), id(A.Deputy), id(A.Unit)
	aObject["user"], aObject["record"], aObject["duty"], aObject["appt"] = id(A.User), id(A.Record), id(A.Duty), id(A.Appt)
	aObject["category"], aObject["requests.json"] = A.Cat, "requests.json"

	var holes, vacuous []string
	requests, listed := 0, 0
	sorted := slices.Sorted(func(yield func(string) bool) {
		for p := range table {
			if !yield(p) {
				return
			}
		}
	})
	for _, pattern := range sorted {
		spec := table[pattern]
		if spec.none != "" || !slices.Contains(patterns, pattern) {
			listed++
			continue
		}
		method, path, _ := strings.Cut(pattern, " ")
		type call struct {
			what, path string
			body       map[string]any
			field      string
			mixed      bool // A's object with B's sub-object in the path: never 2xx
		}
		var calls []call
		if strings.Contains(path, "{") && !spec.noPathCall {
			bp, ok := wildcardValues(b, path)
			if !ok {
				t.Errorf("%s: a wildcard the walk has no county B object for; add it to wildcardValues", pattern)
				continue
			}
			var body map[string]any
			if spec.base != nil {
				body = spec.base(A, b)
			}
			calls = append(calls, call{"B's object in the path", bp, body, "", false})
		}
		if spec.refs != nil {
			ap := path
			if strings.Contains(path, "{") {
				ap = regexp.MustCompile(`\{[a-z_]+\}`).ReplaceAllString(path, aObject[spec.onA])
			}
			for field, v := range spec.refs(A, b) {
				body := map[string]any{}
				if spec.base != nil {
					body = spec.base(A, b)
				}
				body[field] = v
				calls = append(calls, call{"B's " + field + " in the body", ap, body, field, false})
			}
		}
		if spec.more != nil {
			for _, v := range spec.more(A, b) {
				what := "mixed path"
				if v.field != "" {
					what = "B's " + v.field + " in the body"
				}
				if v.path == "" {
					v.path = path
				}
				calls = append(calls, call{what + " (" + v.path + ")", v.path, v.body, v.field, v.field == ""})
			}
		}
		if len(calls) == 0 {
			// A list or form without ids in its path: the query names B's objects.
			q := url.Values{}
			for k, v := range map[string]string{"unit_id": id(b.Unit), "station_id": id(b.Station), "deputy_id": id(b.Deputy),
				"region": b.Town, "under": b.Code, "object": "case:" + id(b.Assigned.ID), "case": id(b.Assigned.ID), "unit": id(b.Unit),
				"station": id(b.Station), "deputy": id(b.Deputy), "id": id(b.Assigned.ID)} {
				q.Set(k, v)
			}
			calls = append(calls, call{"B's ids in the query", path + "?" + q.Encode(), nil, "", false})
		}
		if method != "GET" {
			before = fingerprint(t, a) // token use and the like since the last write
		}
		for _, cl := range calls {
			refusedOnField := false
			for _, ac := range actors {
				status, body, errField := send(t, ac.c, method, cl.path, cl.body, A.Secret)
				requests++
				if l := leaks(body, cl.body); len(l) > 0 {
					holes = append(holes, fmt.Sprintf("%s as %s, %s: %d and shows %v", pattern, ac.role, cl.what, status, l))
				}
				if testing.Verbose() && cl.field != "" {
					msg := body
					if i := strings.Index(body, `<main`); i >= 0 {
						msg = body[i:]
					}
					t.Logf("%s as %s, %s: %d %s", pattern, ac.role, cl.what, status, msg[:min(len(msg), 300)])
				}
				// The API names the field; a page has no machine field, and
				// its refusal is any 4xx (the API twin of the same call in
				// internal/app is held to the field).
				web := !strings.HasPrefix(cl.path, "/api/") && !strings.HasPrefix(cl.path, "/open311/")
				if cl.field != "" && (errField == cl.field || strings.Contains(body, "范围") || strings.Contains(body, "辖区") ||
					web && status >= 400 && status < 500) {
					refusedOnField = true
				}
				if cl.mixed && status < 300 {
					holes = append(holes, fmt.Sprintf("%s as %s, %s: %d", pattern, ac.role, cl.what, status))
				}
				// An answer below 400 is checked at once, naming the role; a
				// refusal is covered by the check after the route's calls.
				if method != "GET" && status < 400 {
					if after := fingerprint(t, a); after != before {
						holes = append(holes, fmt.Sprintf("%s as %s, %s: %d and changed %s", pattern, ac.role, cl.what, status, diffTables(before, after)))
						before = after
					}
				}
			}
			if method != "GET" {
				if after := fingerprint(t, a); after != before {
					holes = append(holes, fmt.Sprintf("%s, %s: a refusal changed %s", pattern, cl.what, diffTables(before, after)))
					before = after
				}
			}
			if cl.field != "" && !refusedOnField {
				vacuous = append(vacuous, fmt.Sprintf("%s %s: no role of A was refused on the reference (the base body fails first?)", pattern, cl.what))
			}
		}
	}
	t.Logf("%d routes: %d walked with %d requests, %d listed with a reason", len(patterns), len(patterns)-listed, requests, listed)
	for _, h := range holes {
		t.Error("hole: " + h)
	}
	for _, v := range vacuous {
		t.Error("not exercised: " + v)
	}
}

// send calls path as c: JSON for the API, a form for pages, api_key for
// Open311. It returns the status, the body and the API error's field.
func send(t *testing.T, c *client, method, path string, body map[string]any, apiKey string) (int, string, string) {
	t.Helper()
	var rd io.Reader
	ctype := ""
	switch {
	case strings.HasPrefix(path, "/open311/"):
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		path += sep + "api_key=" + url.QueryEscape(apiKey)
		if body != nil {
			rd, ctype = strings.NewReader(form(body).Encode()), "application/x-www-form-urlencoded"
		}
	case strings.HasPrefix(path, "/api/"):
		if body == nil && method != "GET" {
			body = map[string]any{}
		}
		if body != nil {
			raw, _ := json.Marshal(body)
			rd, ctype = strings.NewReader(string(raw)), "application/json"
		}
	default:
		if body != nil || method != "GET" {
			rd, ctype = strings.NewReader(form(body).Encode()), "application/x-www-form-urlencoded"
		}
	}
	req, err := http.NewRequest(method, c.e.srv.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	hc := *c.http
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var ae apiError
	if strings.HasPrefix(path, "/api/") {
		_ = json.Unmarshal(raw, &ae)
	}
	return resp.StatusCode, string(raw), ae.Error.Field
}

func form(body map[string]any) url.Values {
	f := url.Values{}
	for k, v := range body {
		switch v := v.(type) {
		case []int64:
			for _, x := range v {
				f.Add(k, strconv.FormatInt(x, 10))
			}
		case []string:
			for _, x := range v {
				f.Add(k, x)
			}
		default:
			f.Set(k, fmt.Sprint(v))
		}
	}
	return f
}

// skipTable names the tables a refused request may write: the audit log
// (a refusal is audited), sessions and the bookkeeping of jobs, migrations
// and limits. Add a new table of that kind here.
func skipTable(n string) bool {
	return strings.HasPrefix(n, "audit") || n == "sessions" || n == "job_runs" || n == "schema_migrations" || n == "goose_db_version" ||
		strings.Contains(n, "limit") || strings.Contains(n, "attempt")
}

// fingerprint hashes every table but the audit log, sessions and job
// bookkeeping, table by table ("table=hash;…"): a refused request may write
// its audit entry, nothing else.
func fingerprint(t *testing.T, a *app.App) string {
	t.Helper()
	list := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
	if a.DB().Dialect() == store.Postgres {
		list = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
	}
	rows := testkit.Must(a.DB().Query(ctx, list))(t)
	var tables []string
	for rows.Next() {
		var n string
		testkit.Must(0, rows.Scan(&n))(t)
		if skipTable(n) {
			continue
		}
		tables = append(tables, n)
	}
	rows.Close()
	sort.Strings(tables)
	var out strings.Builder
	for _, tb := range tables {
		rows := testkit.Must(a.DB().Query(ctx, `SELECT * FROM `+tb))(t)
		cols := testkit.Must(rows.Columns())(t)
		var lines []string
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			testkit.Must(0, rows.Scan(ptrs...))(t)
			lines = append(lines, fmt.Sprintf("%v", vals))
		}
		rows.Close()
		sort.Strings(lines)
		fmt.Fprintf(&out, "%s=%x;", tb, sha256.Sum256([]byte(strings.Join(lines, "\n"))))
	}
	return out.String()
}

func diffTables(before, after string) []string {
	var out []string
	b := strings.Split(before, ";")
	for _, x := range strings.Split(after, ";") {
		if !slices.Contains(b, x) {
			name, _, _ := strings.Cut(x, "=")
			out = append(out, name)
		}
	}
	return out
}
