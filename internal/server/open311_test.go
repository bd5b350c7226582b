package server_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/server"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// open311Env is a real server over a fresh database holding one county
// (定南县 360728 with a township), a neighbouring county, two categories, a
// handling unit and API tokens.
type open311Env struct {
	t       *testing.T
	app     *app.App
	clock   *testkit.Clock
	srv     *httptest.Server
	schemas *jsonSchemas
	unit    int64

	key         string // integration token scoped to 360728
	nationalKey string // integration token without a region
	otherKey    string // integration token scoped to 360727
	readKey     string // committee token scoped to 360728: may read, may not submit

	committee zhitong.Principal // staff of 360728, for checks through the app
}

func newOpen311Env(t *testing.T) *open311Env {
	t.Helper()
	a, clock := testkit.MustApp(t)
	e := &open311Env{t: t, app: a, clock: clock, schemas: loadSchemas(t),
		committee: zhitong.Principal{UserID: 1, Name: "代表工委", Role: zhitong.RoleCommittee, RegionCode: "360728"}}
	err := a.DB().Write(ctx, func(tx *store.Tx) error {
		for _, r := range []zhitong.Region{
			{Code: "36", Name: "江西省", Level: 1}, {Code: "3607", Name: "赣州市", ParentCode: "36", Level: 2},
			{Code: "360728", Name: "定南县", ParentCode: "3607", Level: 3},
			{Code: "360728100", Name: "历市镇", ParentCode: "360728", Level: 4},
			{Code: "360727", Name: "龙南市", ParentCode: "3607", Level: 3},
		} {
			if err := tx.UpsertRegion(ctx, r); err != nil {
				return err
			}
		}
		for _, c := range []zhitong.Category{{Code: "roads", Name: "道路交通", DueDays: 15, Group: "城乡建设"}, {Code: "consult", Name: "政策咨询", DueDays: 3}} {
			if err := tx.UpsertCategory(ctx, c); err != nil {
				return err
			}
		}
		u := &zhitong.Unit{Name: "县交通运输局", Kind: "department", RegionCode: "360728"}
		if err := tx.InsertUnit(ctx, u); err != nil {
			return err
		}
		e.unit = u.ID
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tok := range []struct {
		dst    *string
		role   zhitong.Role
		region string
	}{{&e.key, zhitong.RoleIntegration, "360728"}, {&e.nationalKey, zhitong.RoleIntegration, ""},
		{&e.otherKey, zhitong.RoleIntegration, "360727"}, {&e.readKey, zhitong.RoleCommittee, "360728"}} {
		secret, _, err := a.AddToken(ctx, app.System, "Open311 "+string(tok.role)+" "+tok.region, tok.role, tok.region)
		if err != nil {
			t.Fatal(err)
		}
		*tok.dst = secret
	}
	e.srv = httptest.NewServer(server.New(server.Config{App: a}))
	t.Cleanup(e.srv.Close)
	return e
}

// response is one HTTP answer.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (e *open311Env) do(req *http.Request) response {
	e.t.Helper()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return response{res.StatusCode, res.Header, b}
}

func (e *open311Env) get(path string) response {
	e.t.Helper()
	req, err := http.NewRequest("GET", e.srv.URL+path, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	return e.do(req)
}

func (e *open311Env) post(path string, form url.Values) response {
	e.t.Helper()
	return e.postRaw(path, "application/x-www-form-urlencoded", form.Encode())
}

func (e *open311Env) postRaw(path, contentType, body string) response {
	e.t.Helper()
	req, err := http.NewRequest("POST", e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	return e.do(req)
}

// ok fails the test unless the answer has the status and format expected.
func (e *open311Env) ok(r response, status int, format string) {
	e.t.Helper()
	if r.status != status {
		e.t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	ct := r.header.Get("Content-Type")
	if (format == "json" && !strings.HasPrefix(ct, "application/json")) || (format == "xml" && !strings.HasPrefix(ct, "text/xml")) {
		e.t.Fatalf("Content-Type %q for %s", ct, format)
	}
}

// valid checks a JSON body against a schema file of /work/shared/open311.
func (e *open311Env) valid(file string, body []byte) {
	e.t.Helper()
	if e.schemas == nil {
		return
	}
	if errs := e.schemas.Validate(file, body); len(errs) != 0 {
		e.t.Fatalf("answer does not match %s:\n%s\n%s", file, strings.Join(errs, "\n"), body)
	}
}

func jsonList(t *testing.T, b []byte) []map[string]any {
	t.Helper()
	var out []map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("not a JSON array of objects: %v: %s", err, b)
	}
	return out
}

// xmlNode is any XML element, for reading answers generically.
type xmlNode struct {
	XMLName xml.Name
	Text    string    `xml:",chardata"`
	Nodes   []xmlNode `xml:",any"`
}

func parseXML(t *testing.T, b []byte, root string) xmlNode {
	t.Helper()
	if !bytes.HasPrefix(b, []byte("<?xml")) {
		t.Fatalf("no XML declaration: %s", b)
	}
	var n xmlNode
	if err := xml.Unmarshal(b, &n); err != nil {
		t.Fatalf("not XML: %v: %s", err, b)
	}
	if n.XMLName.Local != root {
		t.Fatalf("root element <%s>, want <%s>", n.XMLName.Local, root)
	}
	return n
}

// records reads <root><item><field>text</field>…</item>…</root> into maps.
func xmlRecords(t *testing.T, b []byte, root, item string) []map[string]string {
	t.Helper()
	var out []map[string]string
	for _, it := range parseXML(t, b, root).Nodes {
		if it.XMLName.Local != item {
			t.Fatalf("<%s> inside <%s>, want <%s>", it.XMLName.Local, root, item)
		}
		rec := map[string]string{}
		for _, f := range it.Nodes {
			rec[f.XMLName.Local] = f.Text
		}
		out = append(out, rec)
	}
	return out
}

// sameData checks that an XML record carries what the JSON object does.
func sameData(t *testing.T, j map[string]any, x map[string]string) {
	t.Helper()
	for k, v := range j {
		got, ok := x[k]
		switch v := v.(type) {
		case nil:
			if ok && got != "" {
				t.Errorf("%s: JSON null, XML %q", k, got)
			}
		case string:
			if got != v {
				t.Errorf("%s: JSON %q, XML %q", k, v, got)
			}
		case bool:
			if got != strconv.FormatBool(v) {
				t.Errorf("%s: JSON %v, XML %q", k, v, got)
			}
		case float64:
			if f, err := strconv.ParseFloat(got, 64); err != nil || f != v {
				t.Errorf("%s: JSON %v, XML %q", k, v, got)
			}
		default:
			t.Errorf("%s: unexpected JSON value %v", k, v)
		}
	}
	for k := range x {
		if _, ok := j[k]; !ok {
			t.Errorf("%s: in XML but not in JSON", k)
		}
	}
}

// specError checks the specification's error format in either encoding.
func (e *open311Env) specError(r response, status int, format string) string {
	e.t.Helper()
	e.ok(r, status, format)
	if format == "json" {
		var errs []struct {
			Code        int    `json:"code"`
			Description string `json:"description"`
		}
		if err := json.Unmarshal(r.body, &errs); err != nil || len(errs) != 1 {
			e.t.Fatalf("not a JSON error list: %v: %s", err, r.body)
		}
		if errs[0].Code != status || errs[0].Description == "" {
			e.t.Fatalf("error %+v, want code %d with a description", errs[0], status)
		}
		return errs[0].Description
	}
	recs := xmlRecords(e.t, r.body, "errors", "error")
	if len(recs) != 1 || recs[0]["code"] != strconv.Itoa(status) || recs[0]["description"] == "" {
		e.t.Fatalf("XML errors %v, want one with code %d", recs, status)
	}
	return recs[0]["description"]
}

// count is how many cases the whole database holds.
func (e *open311Env) count() int {
	e.t.Helper()
	_, total, err := e.app.List(ctx, zhitong.Principal{UserID: 2, Role: zhitong.RoleCommittee}, app.ListInput{PerPage: 1})
	if err != nil {
		e.t.Fatal(err)
	}
	return total
}

// submit posts a valid request and returns its service_request_id.
func (e *open311Env) submit(form url.Values) string {
	e.t.Helper()
	if form.Get("api_key") == "" {
		form.Set("api_key", e.key)
	}
	r := e.post("/open311/v2/requests.json", form)
	e.ok(r, http.StatusOK, "json")
	list := jsonList(e.t, r.body)
	if len(list) != 1 {
		e.t.Fatalf("POST answered %d objects: %s", len(list), r.body)
	}
	id, _ := list[0]["service_request_id"].(string)
	if _, ok := app.NormalizeCode(id); !ok {
		e.t.Fatalf("service_request_id %q is not a tracking code", id)
	}
	return id
}

func roadForm() url.Values {
	return url.Values{"service_code": {"roads"}, "description": {"历市镇胜利路路灯坏了一个月，晚上很黑"},
		"lat": {"24.7839"}, "long": {"115.0312"}, "address_string": {"历市镇胜利路 12 号旁"}}
}

func TestOpen311Discovery(t *testing.T) {
	e := newOpen311Env(t)
	r := e.get("/open311/v2/discovery.json")
	e.ok(r, http.StatusOK, "json")
	var d struct {
		Changeset  string `json:"changeset"`
		Contact    string `json:"contact"`
		KeyService string `json:"key_service"`
		Endpoints  []struct {
			Specification string   `json:"specification"`
			URL           string   `json:"url"`
			Changeset     string   `json:"changeset"`
			Type          string   `json:"type"`
			Formats       []string `json:"formats"`
		} `json:"endpoints"`
	}
	if err := json.Unmarshal(r.body, &d); err != nil {
		t.Fatal(err)
	}
	if _, err := time.Parse(time.RFC3339, d.Changeset); err != nil || d.Contact == "" || d.KeyService == "" || len(d.Endpoints) != 1 {
		t.Fatalf("discovery %s", r.body)
	}
	ep := d.Endpoints[0]
	if ep.Specification != "http://wiki.open311.org/GeoReport_v2" || ep.URL != e.srv.URL+"/open311/v2" || ep.Type != "production" ||
		strings.Join(ep.Formats, ",") != "text/xml,application/json" {
		t.Fatalf("endpoint %+v", ep)
	}

	r = e.get("/open311/v2/discovery.xml")
	e.ok(r, http.StatusOK, "xml")
	var x struct {
		XMLName   xml.Name `xml:"discovery"`
		Changeset string   `xml:"changeset"`
		Contact   string   `xml:"contact"`
		Endpoints []struct {
			Specification string   `xml:"specification"`
			URL           string   `xml:"url"`
			Type          string   `xml:"type"`
			Formats       []string `xml:"formats>format"`
		} `xml:"endpoints>endpoint"`
	}
	if err := xml.Unmarshal(r.body, &x); err != nil {
		t.Fatal(err)
	}
	if x.Changeset != d.Changeset || x.Contact != d.Contact || len(x.Endpoints) != 1 || x.Endpoints[0].URL != ep.URL ||
		x.Endpoints[0].Specification != ep.Specification || strings.Join(x.Endpoints[0].Formats, ",") != "text/xml,application/json" {
		t.Fatalf("XML discovery differs: %s", r.body)
	}
}

func TestOpen311Services(t *testing.T) {
	e := newOpen311Env(t)
	r := e.get("/open311/v2/services.json")
	e.ok(r, http.StatusOK, "json")
	e.valid("services.json", r.body)
	services := jsonList(t, r.body)
	if len(services) != 2 {
		t.Fatalf("services %s", r.body)
	}
	byCode := map[string]map[string]any{}
	for _, s := range services {
		byCode[s["service_code"].(string)] = s
	}
	roads := byCode["roads"]
	if roads["service_name"] != "道路交通" || roads["group"] != "城乡建设" || roads["metadata"] != false || roads["type"] != "realtime" ||
		!strings.Contains(roads["description"].(string), "15 个工作日") {
		t.Fatalf("roads service %v", roads)
	}
	if byCode["consult"]["group"] != nil || !strings.Contains(byCode["consult"]["description"].(string), "3 个工作日") {
		t.Fatalf("consult service %v", byCode["consult"])
	}

	x := e.get("/open311/v2/services.xml")
	e.ok(x, http.StatusOK, "xml")
	recs := xmlRecords(t, x.body, "services", "service")
	if len(recs) != len(services) {
		t.Fatalf("%d XML services, %d JSON", len(recs), len(services))
	}
	for i := range recs {
		sameData(t, services[i], recs[i])
	}

	// A service definition: no extra attributes.
	r = e.get("/open311/v2/services/roads.json")
	e.ok(r, http.StatusOK, "json")
	e.valid("service-definition.json", r.body)
	if string(bytes.TrimSpace(r.body)) != `{"service_code":"roads","attributes":[]}` {
		t.Fatalf("definition %s", r.body)
	}
	x = e.get("/open311/v2/services/roads.xml")
	e.ok(x, http.StatusOK, "xml")
	def := parseXML(t, x.body, "service_definition")
	if len(def.Nodes) != 2 || def.Nodes[0].XMLName.Local != "service_code" || def.Nodes[0].Text != "roads" ||
		def.Nodes[1].XMLName.Local != "attributes" || len(def.Nodes[1].Nodes) != 0 {
		t.Fatalf("XML definition %s", x.body)
	}

	// Unknown service, resource and format: the specification's errors.
	e.specError(e.get("/open311/v2/services/potholes.json"), http.StatusNotFound, "json")
	e.specError(e.get("/open311/v2/services/potholes.xml"), http.StatusNotFound, "xml")
	e.specError(e.get("/open311/v2/nothing.json"), http.StatusNotFound, "json")
	e.specError(e.get("/open311/v2/a/b/c.json"), http.StatusNotFound, "json")
	e.specError(e.get("/open311/v2/services.yaml"), http.StatusBadRequest, "xml")
	e.specError(e.get("/open311/v2/services"), http.StatusBadRequest, "xml")
	e.specError(e.get("/open311/v2/services/%FF.json"), http.StatusBadRequest, "json")
}

func TestOpen311RoundTrip(t *testing.T) {
	e := newOpen311Env(t)
	form := roadForm()
	form.Set("first_name", "三")
	form.Set("last_name", "张")
	form.Set("phone", "13800138000")
	form.Set("email", "zhang@example.com")
	form.Set("device_id", "dev-1")
	form.Set("address_id", "A-77")
	form.Set("zipcode", "341900")
	form.Set("media_url", "https://example.com/lamp.jpg")
	form.Set("attribute[WHISHETN]", "x")
	form.Set("api_key", e.key)
	r := e.post("/open311/v2/requests.json", form)
	e.ok(r, http.StatusOK, "json")
	created := jsonList(t, r.body)
	if len(created) != 1 {
		t.Fatalf("POST answer %s", r.body)
	}
	id, _ := created[0]["service_request_id"].(string)
	notice, _ := created[0]["service_notice"].(string)
	if v, ok := created[0]["account_id"]; !ok || v != nil || !strings.Contains(notice, id) || !strings.Contains(notice, "15 个工作日") {
		t.Fatalf("POST answer %s", r.body)
	}

	// The case is there for staff of the county, from the open311 channel.
	items, _, err := e.app.List(ctx, e.committee, app.ListInput{Channel: zhitong.ChannelOpen311})
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 1 || items[0].Code != id || items[0].Region != "360728" || items[0].Status != zhitong.StatusSubmitted {
		t.Fatalf("committee list %+v", items)
	}
	v, err := e.app.Get(ctx, e.committee, items[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if v.Body != form.Get("description") || v.Place != form.Get("address_string") || v.Category != "roads" || v.Lat != 24.7839 ||
		v.Lng != 115.0312 || v.Anonymous || v.Channel != string(zhitong.ChannelOpen311) {
		t.Fatalf("case %+v", v)
	}
	sub, err := e.app.Reveal(ctx, e.committee, items[0].ID, "核实诉求")
	if err != nil {
		t.Fatal(err)
	}
	if sub.Name != "张三" || sub.Phone != "13800138000" || sub.Address != "" {
		t.Fatalf("submitter %+v", sub)
	}

	// GET requests/{id}: one request, schema-valid, no personal data.
	r = e.get("/open311/v2/requests/" + id + ".json?api_key=" + e.key)
	e.ok(r, http.StatusOK, "json")
	e.valid("requests.json", r.body)
	one := jsonList(t, r.body)
	if len(one) != 1 {
		t.Fatalf("GET request %s", r.body)
	}
	if e.schemas != nil {
		if errs := e.schemas.ValidateValue("request.json", map[string]any(one[0])); len(errs) != 0 {
			t.Fatal(errs)
		}
	}
	req := one[0]
	want := map[string]any{"service_request_id": id, "status": "open", "status_notes": "已受理，待登记", "service_code": "roads",
		"service_name": "道路交通", "description": form.Get("description"), "address": form.Get("address_string"),
		"lat": 24.7839, "long": 115.0312, "agency_responsible": nil, "expected_datetime": nil, "media_url": nil, "address_id": nil, "zipcode": nil}
	for k, w := range want {
		if req[k] != w {
			t.Errorf("%s = %v, want %v", k, req[k], w)
		}
	}
	if at, err := time.Parse(time.RFC3339, req["requested_datetime"].(string)); err != nil || !at.Equal(testkit.Start) {
		t.Errorf("requested_datetime %v", req["requested_datetime"])
	}
	for _, secret := range []string{"张", "13800138000", "8000", "zhang@", "dev-1", "A-77", "341900", "lamp.jpg"} {
		if bytes.Contains(r.body, []byte(secret)) {
			t.Errorf("answer carries %q: %s", secret, r.body)
		}
	}
	x := e.get("/open311/v2/requests/" + id + ".xml?api_key=" + e.key)
	e.ok(x, http.StatusOK, "xml")
	recs := xmlRecords(t, x.body, "service_requests", "request")
	if len(recs) != 1 {
		t.Fatalf("XML request %s", x.body)
	}
	sameData(t, req, recs[0])

	// GET requests: the list holds it too, in both formats.
	r = e.get("/open311/v2/requests.json?api_key=" + e.key)
	e.ok(r, http.StatusOK, "json")
	e.valid("requests.json", r.body)
	list := jsonList(t, r.body)
	if len(list) != 1 || list[0]["service_request_id"] != id {
		t.Fatalf("GET requests %s", r.body)
	}
	x = e.get("/open311/v2/requests.xml?api_key=" + e.key)
	e.ok(x, http.StatusOK, "xml")
	recs = xmlRecords(t, x.body, "service_requests", "request")
	if len(recs) != 1 {
		t.Fatalf("XML requests %s", x.body)
	}
	sameData(t, list[0], recs[0])

	// tokens/{token}: the token is the tracking code itself.
	r = e.get("/open311/v2/tokens/" + id + ".json")
	e.ok(r, http.StatusOK, "json")
	tok := jsonList(t, r.body)
	if len(tok) != 1 || tok[0]["service_request_id"] != id || tok[0]["token"] != id {
		t.Fatalf("token answer %s", r.body)
	}
	x = e.get("/open311/v2/tokens/" + strings.ToLower(id) + ".xml")
	e.ok(x, http.StatusOK, "xml")
	if recs := xmlRecords(t, x.body, "service_requests", "request"); len(recs) != 1 {
		t.Fatalf("XML token %s", x.body)
	} else {
		sameData(t, tok[0], recs[0])
	}
	e.specError(e.get("/open311/v2/tokens/ZZZZ-ZZZZ-ZZZZ.json"), http.StatusNotFound, "json")

	// POST in XML, anonymous: no name, no phone.
	form = roadForm()
	form.Set("api_key", e.key)
	form.Set("service_code", "consult")
	x = e.post("/open311/v2/requests.xml", form)
	e.ok(x, http.StatusOK, "xml")
	recs = xmlRecords(t, x.body, "service_requests", "request")
	if len(recs) != 1 || recs[0]["service_notice"] == "" {
		t.Fatalf("XML POST answer %s", x.body)
	}
	code, ok := app.NormalizeCode(recs[0]["service_request_id"])
	if !ok {
		t.Fatalf("XML POST answer %s", x.body)
	}
	items, _, err = e.app.List(ctx, e.committee, app.ListInput{Channel: zhitong.ChannelOpen311, Category: "consult"})
	if err != nil || len(items) != 1 || items[0].Code != code || items[0].Submitter != "匿名" {
		t.Fatalf("anonymous case %+v %v", items, err)
	}
}

func TestOpen311PostRefusals(t *testing.T) {
	e := newOpen311Env(t)
	before := e.count()
	with := func(key string, set map[string]string) url.Values {
		f := roadForm()
		if key != "" {
			f.Set("api_key", key)
		}
		for k, v := range set {
			if v == "" {
				f.Del(k)
			} else {
				f.Set(k, v)
			}
		}
		return f
	}
	cases := []struct {
		name   string
		form   url.Values
		status int
		says   string
	}{
		{"no api_key", with("", nil), http.StatusUnauthorized, "api_key"},
		{"bad api_key", with("zt_notarealtoken", nil), http.StatusForbidden, "api_key"},
		{"not an integration token", with(e.readKey, nil), http.StatusForbidden, "integration"},
		{"token without region, no jurisdiction_id", with(e.nationalKey, nil), http.StatusBadRequest, "jurisdiction_id"},
		{"jurisdiction_id malformed", with(e.nationalKey, map[string]string{"jurisdiction_id": "36x728"}), http.StatusBadRequest, "jurisdiction_id"},
		{"jurisdiction_id a province", with(e.nationalKey, map[string]string{"jurisdiction_id": "360000"}), http.StatusBadRequest, "jurisdiction_id"},
		{"jurisdiction_id unknown", with(e.nationalKey, map[string]string{"jurisdiction_id": "110101"}), http.StatusBadRequest, "jurisdiction_id"},
		{"jurisdiction_id outside the token", with(e.key, map[string]string{"jurisdiction_id": "360727"}), http.StatusForbidden, "jurisdiction_id"},
		{"unknown service_code", with(e.key, map[string]string{"service_code": "potholes"}), http.StatusBadRequest, "service_code"},
		{"no service_code", with(e.key, map[string]string{"service_code": ""}), http.StatusBadRequest, "service_code"},
		{"no description", with(e.key, map[string]string{"description": ""}), http.StatusBadRequest, "description"},
		{"blank description", with(e.key, map[string]string{"description": " \t\u3000\u200b "}), http.StatusBadRequest, "description"},
		{"description too long", with(e.key, map[string]string{"description": strings.Repeat("路", 4001)}), http.StatusBadRequest, "description"},
		{"lat without long", with(e.key, map[string]string{"long": ""}), http.StatusBadRequest, "long"},
		{"lat not a number", with(e.key, map[string]string{"lat": "NaN"}), http.StatusBadRequest, "lat"},
		{"lat out of range", with(e.key, map[string]string{"lat": "91"}), http.StatusBadRequest, "lat"},
		{"bad phone", with(e.key, map[string]string{"phone": "12345"}), http.StatusBadRequest, "phone"},
		{"control character", with(e.key, map[string]string{"address_string": "a\x00b"}), http.StatusBadRequest, "address_string"},
		{"invalid UTF-8", with(e.key, map[string]string{"first_name": "\xff\xfe"}), http.StatusBadRequest, "first_name"},
		// GeoReport v2: lat & long, address_string or address_id is required.
		{"no location", with(e.key, map[string]string{"lat": "", "long": "", "address_string": ""}), http.StatusBadRequest, "address_id"},
		{"blank location", with(e.key, map[string]string{"lat": "", "long": "", "address_string": " \t", "address_id": " "}), http.StatusBadRequest, "address_id"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e.t = t
			msg := e.specError(e.post("/open311/v2/requests.json", c.form), c.status, "json")
			if !strings.Contains(msg, c.says) {
				t.Errorf("description %q does not mention %q", msg, c.says)
			}
		})
	}
	e.t = t
	big := with(e.key, map[string]string{"description": strings.Repeat("a", 1<<20)})
	e.specError(e.post("/open311/v2/requests.json", big), http.StatusBadRequest, "json")
	e.specError(e.postRaw("/open311/v2/requests.json", "application/json", `{"service_code":"roads"}`), http.StatusBadRequest, "json")
	e.specError(e.postRaw("/open311/v2/requests.xml", "application/x-www-form-urlencoded", "description=%zz"), http.StatusBadRequest, "xml")
	e.specError(e.post("/open311/v2/requests.yaml", with(e.key, nil)), http.StatusBadRequest, "xml")
	e.specError(e.post("/open311/v2/services.json", with(e.key, nil)), http.StatusNotFound, "json")
	if after := e.count(); after != before {
		t.Fatalf("refused requests wrote %d cases", after-before)
	}

	// The same token with a jurisdiction_id is accepted, in that region.
	id := e.submit(with(e.nationalKey, map[string]string{"jurisdiction_id": "360728100000"}))
	items, _, err := e.app.List(ctx, e.committee, app.ListInput{Channel: zhitong.ChannelOpen311})
	if err != nil || len(items) != 1 || items[0].Code != id || items[0].Region != "360728100" {
		t.Fatalf("case %+v %v", items, err)
	}
	// api_key may also come as a Bearer header.
	req, _ := http.NewRequest("POST", e.srv.URL+"/open311/v2/requests.json", strings.NewReader(roadForm().Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer "+e.key)
	e.ok(e.do(req), http.StatusOK, "json")
	// Any one of the three locations is enough.
	for _, loc := range []map[string]string{
		{"lat": "", "long": ""}, // address_string only
		{"address_string": ""},  // lat & long only
		{"lat": "", "long": "", "address_string": "", "address_id": "HZ-0012"}, // address_id only
	} {
		e.submit(with(e.key, loc))
	}
	if after := e.count(); after != before+5 {
		t.Fatalf("%d cases after five accepted requests, want %d", after, before+5)
	}
}

func TestOpen311ReadNeedsKeyAndScope(t *testing.T) {
	e := newOpen311Env(t)
	id := e.submit(roadForm())

	for _, path := range []string{"/open311/v2/requests.json", "/open311/v2/requests/" + id + ".json"} {
		e.specError(e.get(path), http.StatusUnauthorized, "json")
		e.specError(e.get(path+"?api_key=zt_wrong"), http.StatusForbidden, "json")
	}
	e.specError(e.get("/open311/v2/requests.xml"), http.StatusUnauthorized, "xml")

	// Another county's token sees neither the case nor that it exists.
	e.specError(e.get("/open311/v2/requests/"+id+".json?api_key="+e.otherKey), http.StatusNotFound, "json")
	r := e.get("/open311/v2/requests.json?api_key=" + e.otherKey)
	e.ok(r, http.StatusOK, "json")
	if string(bytes.TrimSpace(r.body)) != "[]" {
		t.Fatalf("other county sees %s", r.body)
	}
	// A national token, a committee token and a Bearer header all see it.
	for _, key := range []string{e.nationalKey, e.readKey} {
		if list := jsonList(t, e.get("/open311/v2/requests.json?api_key="+key).body); len(list) != 1 {
			t.Fatalf("token sees %v", list)
		}
	}
	req, _ := http.NewRequest("GET", e.srv.URL+"/open311/v2/requests/"+id+".json", nil)
	req.Header.Set("Authorization", "Bearer "+e.key)
	e.ok(e.do(req), http.StatusOK, "json")
}

func TestOpen311RequestFilters(t *testing.T) {
	e := newOpen311Env(t)
	a := e.submit(roadForm())
	e.clock.Advance(2 * time.Hour)
	form := roadForm()
	form.Set("service_code", "consult")
	b := e.submit(form)

	list := func(query string) []string {
		t.Helper()
		r := e.get("/open311/v2/requests.json?api_key=" + e.key + "&" + query)
		e.ok(r, http.StatusOK, "json")
		e.valid("requests.json", r.body)
		var ids []string
		for _, x := range jsonList(t, r.body) {
			ids = append(ids, x["service_request_id"].(string))
		}
		return ids
	}
	is := func(got []string, want ...string) {
		t.Helper()
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
	is(list(""), b, a) // newest first
	is(list("service_code=roads"), a)
	is(list("service_code=nothing"))
	is(list("status=open"), b, a)
	is(list("status=closed"))
	is(list("status=open,closed"), b, a)
	is(list("jurisdiction_id=360728"), b, a)
	is(list("jurisdiction_id=360727"))
	start := testkit.Start.Add(time.Hour)
	is(list("start_date="+url.QueryEscape(start.Format(time.RFC3339))), b)
	is(list("end_date="+url.QueryEscape(start.Format(time.RFC3339))), a)
	is(list("start_date=2026-11-25T10:00:00+08:00&end_date=2026-11-25T11:00:00+08:00"), b) // unescaped "+" still works
	is(list("start_date=2026-11-25&end_date=2026-11-26"), b, a)
	is(list("start_date=2026-11-25T01:00:00Z&end_date=2026-11-25T01:00:00Z"), a) // both ends inclusive
	is(list("service_request_id="+b+","+strings.ToLower(a)+",ZZZZ-ZZZZ-ZZZZ,not-a-code&service_code=nothing"), b, a)

	for _, q := range []string{"status=pending", "start_date=yesterday", "end_date=2026-13-01",
		"start_date=2026-01-01&end_date=2026-11-25", "start_date=2026-11-25&end_date=2026-11-01",
		"service_request_id=" + strings.Repeat("x,", 101), "jurisdiction_id=abc"} {
		e.specError(e.get("/open311/v2/requests.json?api_key="+e.key+"&"+q), http.StatusBadRequest, "json")
	}

	// By default only the last 90 days are searched.
	e.clock.Advance(91 * 24 * time.Hour)
	is(list(""))
	is(list("start_date=2026-11-20"), b, a)
	is(list("service_request_id="+a), a)
}

func TestOpen311Lifecycle(t *testing.T) {
	e := newOpen311Env(t)
	assigned := e.submit(roadForm())
	answered := e.submit(roadForm())
	caseID := func(code string) int64 {
		items, _, err := e.app.List(ctx, e.committee, app.ListInput{})
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			if it.Code == code {
				return it.ID
			}
		}
		t.Fatalf("case %s not listed", code)
		return 0
	}
	id := caseID(assigned)
	if _, err := e.app.Register(ctx, e.committee, id, app.RegisterInput{CategoryCode: "roads"}); err != nil {
		t.Fatal(err)
	}
	c, err := e.app.Assign(ctx, e.committee, id, app.AssignInput{LeadUnit: e.unit})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.app.Answer(ctx, e.committee, caseID(answered), app.TextInput{Text: "已联系供电所，今晚修复"}); err != nil {
		t.Fatal(err)
	}

	r := e.get("/open311/v2/requests.json?api_key=" + e.key + "&service_request_id=" + assigned + "," + answered)
	e.ok(r, http.StatusOK, "json")
	e.valid("requests.json", r.body)
	list := jsonList(t, r.body)
	if len(list) != 2 {
		t.Fatalf("requests %s", r.body)
	}
	run, done := list[0], list[1]
	due, err := time.Parse(time.RFC3339, run["expected_datetime"].(string))
	if err != nil || due.In(zhitong.China).Format(time.DateOnly) != c.DueDate {
		t.Fatalf("expected_datetime %v for due date %s", run["expected_datetime"], c.DueDate)
	}
	if run["status"] != "open" || run["status_notes"] != "已交办" || run["agency_responsible"] != "县交通运输局" {
		t.Fatalf("assigned case %v", run)
	}
	if done["status"] != "closed" || done["status_notes"] != "已当场解答" || done["expected_datetime"] != nil || done["agency_responsible"] != nil {
		t.Fatalf("answered case %v", done)
	}
	if upd, err := time.Parse(time.RFC3339, done["updated_datetime"].(string)); err != nil || upd.Before(testkit.Start) {
		t.Fatalf("updated_datetime %v", done["updated_datetime"])
	}
	x := e.get("/open311/v2/requests.xml?api_key=" + e.key + "&service_request_id=" + assigned + "," + answered)
	e.ok(x, http.StatusOK, "xml")
	recs := xmlRecords(t, x.body, "service_requests", "request")
	if len(recs) != 2 {
		t.Fatalf("XML %s", x.body)
	}
	sameData(t, run, recs[0])
	sameData(t, done, recs[1])

	ids := func(query string) int {
		return len(jsonList(t, e.get("/open311/v2/requests.json?api_key="+e.key+"&"+query).body))
	}
	if ids("status=open") != 1 || ids("status=closed") != 1 || ids("status=closed,open") != 2 {
		t.Fatal("status filter")
	}
}

// Cases from other channels show up too: unclassified ones with an empty
// service_code and a null service_name, and long texts cut to the
// specification's 4,000 characters.
func TestOpen311OtherChannels(t *testing.T) {
	e := newOpen311Env(t)
	body := strings.Repeat("村口道路坑洼不平，", 500) // 4,500 characters
	c, err := e.app.Submit(ctx, zhitong.Citizen, app.IntakeInput{Body: body, RegionCode: "360728100", Name: "李四", Phone: "13900139000"})
	if err != nil {
		t.Fatal(err)
	}
	r := e.get("/open311/v2/requests/" + c.Code + ".json?api_key=" + e.key)
	e.ok(r, http.StatusOK, "json")
	e.valid("requests.json", r.body)
	req := jsonList(t, r.body)[0]
	desc, _ := req["description"].(string)
	if req["service_code"] != "" || req["service_name"] != nil || req["lat"] != nil || req["address"] != nil ||
		len([]rune(desc)) != 4000 || !strings.HasSuffix(desc, "…") || !strings.HasPrefix(body, strings.TrimSuffix(desc, "…")) {
		t.Fatalf("request %v", req)
	}
	if bytes.Contains(r.body, []byte("李")) || bytes.Contains(r.body, []byte("9000")) {
		t.Fatalf("personal data in %s", r.body)
	}
	x := e.get("/open311/v2/requests/" + c.Code + ".xml?api_key=" + e.key)
	e.ok(x, http.StatusOK, "xml")
	sameData(t, req, xmlRecords(t, x.body, "service_requests", "request")[0])
}
