package web_test

import (
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
	"zhitong/internal/testkit/testserver"
)

// bench is a real server over a real database with the testkit fixture, for
// the staff workbench.
type bench struct {
	t     *testing.T
	app   *app.App
	clock *testkit.Clock
	f     *testkit.Fixture
	srv   *httptest.Server
}

func newBench(t *testing.T) *bench {
	t.Helper()
	s := testserver.Start(t)
	return &bench{t: t, app: s.App, clock: s.Clock, f: s.Fixture, srv: s.Server}
}

// staffer is one signed-in browser: it keeps cookies and follows redirects.
type staffer struct {
	b    *bench
	http *http.Client
}

// benchPage is a response read in full.
type benchPage struct {
	status int
	header http.Header
	body   string // HTML-unescaped, so tests can look for typed text
	raw    string
	url    string
}

// login creates an account shaped like p and signs it in through the login form.
func (b *bench) login(p zhitong.Principal, username string) *staffer {
	b.t.Helper()
	testkit.Must(b.app.AddUser(b.t.Context(), app.System, app.UserInput{Username: username, DisplayName: p.Name, Role: p.Role,
		RegionCode: p.RegionCode, StationID: p.StationID, UnitID: p.UnitID, DeputyID: p.DeputyID, Password: "Test-Passw0rd"}))(b.t)
	jar, _ := cookiejar.New(nil)
	s := &staffer{b: b, http: &http.Client{Jar: jar}}
	pg := s.post("/login", url.Values{"username": {username}, "password": {"Test-Passw0rd"}, "next": {"/work"}, "code": {testkit.TwoFactorCode(b.t, b.app, username)}})
	if pg.status != http.StatusOK || !strings.HasSuffix(pg.url, "/work") {
		b.t.Fatalf("login %s: %d at %s", username, pg.status, pg.url)
	}
	return s
}

func (s *staffer) do(req *http.Request) benchPage {
	s.b.t.Helper()
	res, err := s.http.Do(req)
	if err != nil {
		s.b.t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		s.b.t.Fatal(err)
	}
	return benchPage{status: res.StatusCode, header: res.Header, raw: string(body), body: html.UnescapeString(string(body)), url: res.Request.URL.String()}
}

func (s *staffer) get(path string) benchPage {
	s.b.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.b.srv.URL+path, nil)
	return s.do(req)
}

func (s *staffer) post(path string, form url.Values) benchPage {
	s.b.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.b.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return s.do(req)
}

// hx sends a request the way htmx does, aimed at the element with id target.
func (s *staffer) hx(method, path, target string, form url.Values) benchPage {
	s.b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, s.b.srv.URL+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("HX-Request", "true")
	req.Header.Set("HX-Target", target)
	return s.do(req)
}

// act posts one action's form on a case, with the case's current version.
func (s *staffer) act(id int64, action string, form url.Values) benchPage {
	s.b.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if form.Get("version") == "" {
		v := s.b.view(id)
		form.Set("version", strconv.Itoa(v.Version))
	}
	return s.post("/work/cases/"+strconv.FormatInt(id, 10)+"/"+action, form)
}

// view reads a case through the application, as the committee sees it.
func (b *bench) view(id int64) *app.CaseView {
	b.t.Helper()
	return testkit.Must(b.app.Get(b.t.Context(), b.f.In[zhitong.RoleCommittee], id))(b.t)
}

func caseURL(id int64) string { return "/work/cases/" + strconv.FormatInt(id, 10) }

func benchHas(t *testing.T, pg benchPage, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(pg.body, w) {
			t.Errorf("page %s (%d) lacks %q", pg.url, pg.status, w)
		}
	}
	if t.Failed() {
		t.Logf("body:\n%s", pg.body)
		t.FailNow()
	}
}

func benchLacks(t *testing.T, pg benchPage, bad ...string) {
	t.Helper()
	for _, b := range bad {
		if strings.Contains(pg.body, b) {
			t.Fatalf("page %s (%d) has %q", pg.url, pg.status, b)
		}
	}
}

func wantStatus(t *testing.T, pg benchPage, status int) {
	t.Helper()
	if pg.status != status {
		t.Fatalf("%s: status %d, want %d\n%s", pg.url, pg.status, status, pg.body)
	}
}

// Seeding cases straight through the application.

func (b *bench) submitOnline(body string) int64 {
	b.t.Helper()
	c := testkit.Must(b.app.Submit(b.t.Context(), zhitong.Citizen, app.IntakeInput{Body: body, StationID: b.f.Station,
		Name: "张三", Phone: "13912345678"}))(b.t)
	return c.ID
}

func (b *bench) intake(body string, deputy int64) int64 {
	b.t.Helper()
	c := testkit.Must(b.app.Intake(b.t.Context(), b.f.In[zhitong.RoleOfficer], app.IntakeInput{Body: body, CategoryCode: "roads",
		StationID: b.f.Station, DeputyID: deputy, Name: "李四", Phone: "13800001111"}))(b.t)
	return c.ID
}

func (b *bench) assign(id int64, days int) {
	b.t.Helper()
	testkit.Must(b.app.Assign(b.t.Context(), b.f.In[zhitong.RoleOfficer], id, app.AssignInput{LeadUnit: b.f.Lead, CoUnits: []int64{b.f.Co}, Days: days}))(b.t)
}

func (b *bench) accept(id int64) {
	b.t.Helper()
	testkit.Must(b.app.Accept(b.t.Context(), b.f.In[zhitong.RoleUnit], id, app.TextInput{}))(b.t)
}

func (b *bench) reply(id int64) {
	b.t.Helper()
	testkit.Must(b.app.Reply(b.t.Context(), b.f.In[zhitong.RoleUnit], id, app.ReplyInput{Outcome: zhitong.OutcomeSolved, Text: "已修复路面坑洼。",
		Deliveries: []app.DeliveryInput{{Recipient: zhitong.RecipientCongress, Channel: zhitong.FeedbackWritten}}}))(b.t)
}

// markDemo flags a case as demo data, as the demo loader does.
func (b *bench) markDemo(id int64) {
	b.t.Helper()
	err := b.app.DB().Write(b.t.Context(), func(tx *store.Tx) error {
		_, err := tx.Exec(b.t.Context(), `UPDATE cases SET demo = ? WHERE id = ?`, true, id)
		return err
	})
	if err != nil {
		b.t.Fatal(err)
	}
}

var queuePattern = regexp.MustCompile(`<span class="n">(\d+)</span>\s*<span class="wb-qlabel">([^<]+)</span>`)

// queues reads the counts of the landing page's queues, by label.
func queues(pg benchPage) map[string]int {
	out := map[string]int{}
	for _, m := range queuePattern.FindAllStringSubmatch(pg.raw, -1) {
		n, _ := strconv.Atoi(m[1])
		out[m[2]] = n
	}
	return out
}

var totalPattern = regexp.MustCompile(`共 <strong>(\d+)</strong> 件`)

// total reads the case list's total.
func total(t *testing.T, pg benchPage) int {
	t.Helper()
	m := totalPattern.FindStringSubmatch(pg.raw)
	if m == nil {
		t.Fatalf("no total on %s:\n%s", pg.url, pg.body)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// week is how far tests move the clock to make a short deadline overdue.
const week = 7 * 24 * time.Hour
