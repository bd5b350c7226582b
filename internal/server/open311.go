package server

// The Open311 GeoReport v2 API (http://wiki.open311.org/GeoReport_v2), at
// /open311/v2/. Every resource answers in XML (the format the specification
// requires) or JSON, chosen by the .xml or .json suffix of its last path
// segment:
//
//	GET  discovery.{fmt}                  where and how to use the API
//	GET  services.{fmt}                   the case categories
//	GET  services/{service_code}.{fmt}    a category's definition (no extra attributes)
//	POST requests.{fmt}                   submit a case (form-encoded, api_key)
//	GET  requests.{fmt}                   cases in the token's jurisdiction (api_key)
//	GET  requests/{service_request_id}.{fmt}
//	GET  tokens/{token}.{fmt}             the token is the tracking code itself
//
// service_request_id is the case's tracking code (查询码). Cases are created
// synchronously, so POST answers with the id at once; tokens/{token} still
// works and maps a tracking code to itself.
//
// Departures from the specification, on purpose:
//
//   - GET requests and GET requests/{id} require an api_key and answer only
//     with cases inside the token's jurisdiction. In the specification
//     reading is public, but here requests carry citizens' own words about
//     their neighbourhood, which a People's Congress office does not publish
//     to anyone who asks. A case outside the jurisdiction is "not found".
//   - The answers carry no personal data at all: no name, phone, e-mail,
//     account or device id. address is where the problem is, never the
//     submitter's address.
//   - POST needs a token with the integration role. The case's region is the
//     token's region when the token is scoped to a county or township;
//     otherwise jurisdiction_id must name one (a GB/T 2260 or 12-digit
//     statistical code inside the token's region, e.g. 360728).
//   - A location (lat/long, address_string or address_id) is not required:
//     cases are routed by region, not by coordinates.
//   - email, device_id, account_id, address_id, zipcode, media_url and
//     attribute[…] are accepted and ignored; first_name/last_name and phone
//     are stored encrypted like every submitter's data, and never shown here.
//   - service_code is always a string as request.json requires; a case not yet
//     classified has "" there and a null service_name.
//   - description is cut to the specification's 4,000 characters on the way
//     out (the platform accepts 5,000 from other channels); POST refuses more
//     than 4,000.
//   - GET requests: service_request_id takes at most 100 ids; start_date and
//     end_date may not span more than 90 days, and when neither is given the
//     last 90 days are searched; at most 1,000 requests, newest first.

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"
	"unicode/utf8"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/regions"
)

const (
	// open311Changeset is when the API below last changed, for discovery.
	open311Changeset = "2026-11-25T00:00:00+08:00"
	// open311MaxForm caps the POST body.
	open311MaxForm = 1 << 20
	// open311MaxDescription is the specification's limit on description.
	open311MaxDescription = 4000
	// open311MaxIDs caps the service_request_id list of GET requests.
	open311MaxIDs = 100
	// open311Span is the default and the longest span of GET requests.
	open311Span = 90 * 24 * time.Hour
	// open311MaxValue caps short form and query values (service_code, names…).
	open311MaxValue = 200
)

// open311Handler answers one Open311 resource. name is the last path
// segment without its format suffix; format is "json" or "xml".
type open311Handler func(w http.ResponseWriter, r *http.Request, name, format string) error

// open311Routes is the route table of the Open311 GeoReport v2 API.
func (s *Server) open311Routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /open311/v2/{file}", s.open311(s.open311Get))
	mux.HandleFunc("POST /open311/v2/{file}", s.open311(s.open311Post))
	mux.HandleFunc("GET /open311/v2/services/{file}", s.open311(s.open311Service))
	mux.HandleFunc("GET /open311/v2/requests/{file}", s.open311(s.open311Request))
	mux.HandleFunc("GET /open311/v2/tokens/{file}", s.open311(s.open311Token))
	mux.HandleFunc("/open311/", func(w http.ResponseWriter, r *http.Request) {
		_, format := splitFormat(path.Base(r.URL.Path))
		if format == "" {
			format = "xml"
		}
		s.open311Fail(w, r, format, zhitong.Errorf(zhitong.ENOTFOUND, "接口不存在：%s %s", r.Method, r.URL.Path))
	})
}

// open311 adapts a handler: it splits the format suffix off the last path
// segment and writes errors in the specification's error format.
func (s *Server) open311(h open311Handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		name, format := splitFormat(r.PathValue("file"))
		if format == "" {
			s.open311Fail(w, r, "xml", zhitong.Errorf(zhitong.EINVALID, "不支持的响应格式：请以 .xml 或 .json 结尾"))
			return
		}
		if !cleanValue(name) {
			s.open311Fail(w, r, format, zhitong.Errorf(zhitong.EINVALID, "地址含有不允许的字符"))
			return
		}
		if err := h(w, r, name, format); err != nil {
			s.open311Fail(w, r, format, err)
		}
	}
}

// splitFormat splits "requests.json" into "requests" and "json". The format
// is "" when the suffix is missing or not one the API speaks.
func splitFormat(file string) (name, format string) {
	i := strings.LastIndexByte(file, '.')
	if i < 0 {
		return file, ""
	}
	switch ext := strings.ToLower(file[i+1:]); ext {
	case "json", "xml":
		return file[:i], ext
	}
	return file[:i], ""
}

// open311Error is one entry of the specification's error answer.
type open311Error struct {
	XMLName     xml.Name `json:"-" xml:"error"`
	Code        int      `json:"code" xml:"code"`
	Description string   `json:"description" xml:"description"`
}

func (s *Server) open311Fail(w http.ResponseWriter, r *http.Request, format string, err error) {
	code := zhitong.ErrorCode(err)
	if code == zhitong.EINTERNAL {
		s.log.Error("open311 request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	status := statusOf(code)
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="open311"`)
	}
	msg := zhitong.ErrorMessage(err)
	if field := zhitong.ErrorField(err); field != "" {
		if f := open311Field(field); f != "" && !strings.Contains(msg, f) && !strings.Contains(msg, field) {
			msg = f + "：" + msg
		}
	}
	writeOpen311List(w, format, status, "errors", []open311Error{{Code: status, Description: msg}})
}

// open311Field names the Open311 form field behind an application field.
func open311Field(field string) string {
	switch field {
	case "category":
		return "service_code"
	case "body":
		return "description"
	case "place":
		return "address_string"
	case "name":
		return "first_name/last_name"
	case "lat", "lng":
		return "lat/long"
	case "region":
		return "jurisdiction_id"
	case "phone", "service_code", "description", "address_string", "jurisdiction_id", "api_key",
		"start_date", "end_date", "status", "service_request_id", "first_name", "last_name", "long":
		return field
	}
	return ""
}

// writeOpen311 writes v, which marshals to the same data in both formats.
func writeOpen311(w http.ResponseWriter, format string, status int, v any) {
	w.Header().Set("Cache-Control", "no-store")
	if format == "json" {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(status)
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		enc.Encode(v)
		return
	}
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.WriteHeader(status)
	w.Write([]byte(xml.Header))
	xml.NewEncoder(w).Encode(v)
	w.Write([]byte("\n"))
}

// xmlList is a list in XML: a root element around the items, each of which
// names its own element through its XMLName tag.
type xmlList[T any] struct {
	XMLName xml.Name
	Items   []T
}

// writeOpen311List writes a list: a JSON array, or the items inside root in XML.
func writeOpen311List[T any](w http.ResponseWriter, format string, status int, root string, items []T) {
	if items == nil {
		items = []T{}
	}
	if format == "json" {
		writeOpen311(w, format, status, items)
		return
	}
	writeOpen311(w, format, status, xmlList[T]{XMLName: xml.Name{Local: root}, Items: items})
}

// open311Get serves the top-level GET resources.
func (s *Server) open311Get(w http.ResponseWriter, r *http.Request, name, format string) error {
	switch name {
	case "discovery":
		return s.open311Discovery(w, r, format)
	case "services":
		return s.open311Services(w, r, format)
	case "requests":
		return s.open311Requests(w, r, format)
	}
	return zhitong.Errorf(zhitong.ENOTFOUND, "接口不存在：%s %s", r.Method, r.URL.Path)
}

type open311Discovery struct {
	XMLName    xml.Name          `json:"-" xml:"discovery"`
	Changeset  string            `json:"changeset" xml:"changeset"`
	Contact    string            `json:"contact" xml:"contact"`
	KeyService string            `json:"key_service" xml:"key_service"`
	Endpoints  []open311Endpoint `json:"endpoints" xml:"endpoints>endpoint"`
}

type open311Endpoint struct {
	Specification string   `json:"specification" xml:"specification"`
	URL           string   `json:"url" xml:"url"`
	Changeset     string   `json:"changeset" xml:"changeset"`
	Type          string   `json:"type" xml:"type"`
	Formats       []string `json:"formats" xml:"formats>format"`
}

func (s *Server) open311Discovery(w http.ResponseWriter, r *http.Request, format string) error {
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	base := (&url.URL{Scheme: scheme, Host: r.Host, Path: "/open311/v2"}).String()
	writeOpen311(w, format, http.StatusOK, open311Discovery{
		Changeset:  open311Changeset,
		Contact:    "民意直通平台接口对接：请联系所在县（市、区）人大常委会代表工作委员会。",
		KeyService: "api_key 为平台签发的接口令牌（角色 integration），由安全管理员签发（zhitong token add 或 POST /api/v1/tokens）。提交与查询请求均须提供。",
		Endpoints: []open311Endpoint{{Specification: "http://wiki.open311.org/GeoReport_v2", URL: base, Changeset: open311Changeset,
			Type: "production", Formats: []string{"text/xml", "application/json"}}},
	})
	return nil
}

type open311Service struct {
	XMLName     xml.Name `json:"-" xml:"service"`
	Code        string   `json:"service_code" xml:"service_code"`
	Name        string   `json:"service_name" xml:"service_name"`
	Description string   `json:"description" xml:"description"`
	Metadata    bool     `json:"metadata" xml:"metadata"`
	Type        string   `json:"type" xml:"type"`
	Keywords    *string  `json:"keywords" xml:"keywords"`
	Group       *string  `json:"group" xml:"group"`
}

func open311ServiceOf(c zhitong.Category) open311Service {
	desc := c.Name
	if c.DueDays > 0 {
		desc = fmt.Sprintf("%s：交办后默认 %d 个工作日内办结", c.Name, c.DueDays)
	}
	return open311Service{Code: c.Code, Name: c.Name, Description: desc, Type: "realtime", Group: nullable(c.Group)}
}

func (s *Server) open311Services(w http.ResponseWriter, r *http.Request, format string) error {
	cats, err := s.app.ActiveCategories(r.Context())
	if err != nil {
		return err
	}
	out := make([]open311Service, len(cats))
	for i, c := range cats {
		out[i] = open311ServiceOf(c)
	}
	writeOpen311List(w, format, http.StatusOK, "services", out)
	return nil
}

type open311ServiceDefinition struct {
	XMLName    xml.Name          `json:"-" xml:"service_definition"`
	Code       string            `json:"service_code" xml:"service_code"`
	Attributes open311Attributes `json:"attributes" xml:"attributes"`
}

// open311Attribute is one extra form field of a service. The platform has
// none: every category is described by its description text alone.
type open311Attribute struct {
	Variable bool   `json:"variable" xml:"variable"`
	Code     string `json:"code" xml:"code"`
	Datatype string `json:"datatype" xml:"datatype"`
	Required bool   `json:"required" xml:"required"`
}

// open311Attributes is an array in JSON and <attributes><attribute>… in XML,
// present (and empty) even when there are none.
type open311Attributes struct {
	Items []open311Attribute `xml:"attribute"`
}

func (a open311Attributes) MarshalJSON() ([]byte, error) {
	if a.Items == nil {
		return []byte("[]"), nil
	}
	return json.Marshal(a.Items)
}

func (s *Server) open311Service(w http.ResponseWriter, r *http.Request, name, format string) error {
	cat, err := s.open311Category(r, name)
	if err != nil {
		return err
	}
	writeOpen311(w, format, http.StatusOK, open311ServiceDefinition{Code: cat.Code})
	return nil
}

func (s *Server) open311Category(r *http.Request, code string) (zhitong.Category, error) {
	cats, err := s.app.Categories(r.Context())
	if err != nil {
		return zhitong.Category{}, err
	}
	for _, c := range cats {
		if c.Code == code {
			return c, nil
		}
	}
	return zhitong.Category{}, zhitong.Errorf(zhitong.ENOTFOUND, "service_code“%s”不存在", code)
}

// open311Principal authenticates the api_key (or, for convenience, an
// Authorization: Bearer header carrying the same token).
func (s *Server) open311Principal(r *http.Request, key string) (zhitong.Principal, error) {
	if key == "" {
		if secret, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
			key = strings.TrimSpace(secret)
		}
	}
	if key == "" {
		return zhitong.Principal{}, zhitong.Errorf(zhitong.EUNAUTHORIZED, "缺少 api_key（平台签发的接口令牌）")
	}
	p, err := s.authenticate(r, key)
	if zhitong.ErrorCode(err) == zhitong.EUNAUTHORIZED {
		return p, zhitong.Errorf(zhitong.EFORBIDDEN, "api_key 无效或已吊销")
	}
	return p, err
}

func (s *Server) open311Token(w http.ResponseWriter, r *http.Request, name, format string) error {
	code, err := s.app.ResolveTrackingCode(r.Context(), name)
	if err != nil {
		return err
	}
	writeOpen311List(w, format, http.StatusOK, "service_requests", []open311Token{{ID: code, Token: code}})
	return nil
}

// open311Request is a case as a service request. It carries no personal data.
type open311Request struct {
	XMLName           xml.Name `json:"-" xml:"request"`
	ID                string   `json:"service_request_id" xml:"service_request_id"`
	Status            string   `json:"status" xml:"status"`
	StatusNotes       *string  `json:"status_notes" xml:"status_notes"`
	ServiceName       *string  `json:"service_name" xml:"service_name"`
	ServiceCode       string   `json:"service_code" xml:"service_code"`
	Description       *string  `json:"description" xml:"description"`
	AgencyResponsible *string  `json:"agency_responsible" xml:"agency_responsible"`
	ServiceNotice     *string  `json:"service_notice" xml:"service_notice"`
	RequestedDatetime string   `json:"requested_datetime" xml:"requested_datetime"`
	UpdatedDatetime   *string  `json:"updated_datetime" xml:"updated_datetime"`
	ExpectedDatetime  *string  `json:"expected_datetime" xml:"expected_datetime"`
	Address           *string  `json:"address" xml:"address"`
	AddressID         *string  `json:"address_id" xml:"address_id"`
	Zipcode           *string  `json:"zipcode" xml:"zipcode"`
	Lat               *float64 `json:"lat" xml:"lat"`
	Long              *float64 `json:"long" xml:"long"`
	MediaURL          *string  `json:"media_url" xml:"media_url"`
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// w3c formats a time as the specification asks (W3C, i.e. RFC 3339), in
// China's time zone.
func w3c(t time.Time) string { return t.In(zhitong.China).Format(time.RFC3339) }

func open311RequestOf(c app.Open311Case) open311Request {
	status := "closed"
	if c.Status.Open() {
		status = "open"
	}
	body := c.Body
	if n := utf8.RuneCountInString(body); n > open311MaxDescription {
		body = string([]rune(body)[:open311MaxDescription-1]) + "…"
	}
	out := open311Request{ID: c.Code, Status: status, StatusNotes: nullable(zhitong.Label(zhitong.Statuses, c.Status)),
		ServiceName: nullable(c.CategoryName), ServiceCode: c.CategoryCode, Description: nullable(body),
		AgencyResponsible: nullable(c.LeadUnit), RequestedDatetime: w3c(c.SubmittedAt), Address: nullable(c.Place)}
	if !c.UpdatedAt.IsZero() {
		u := w3c(c.UpdatedAt)
		out.UpdatedDatetime = &u
	}
	if c.DueDate != "" {
		// The deadline is a civil date: the end of that working day in China.
		if d, err := time.ParseInLocation(time.DateOnly, c.DueDate, zhitong.China); err == nil {
			e := w3c(d.Add(24*time.Hour - time.Second))
			out.ExpectedDatetime = &e
		}
	}
	if c.Lat != 0 || c.Lng != 0 {
		lat, lng := c.Lat, c.Lng
		out.Lat, out.Long = &lat, &lng
	}
	return out
}

func (s *Server) open311Request(w http.ResponseWriter, r *http.Request, name, format string) error {
	q := r.URL.Query()
	if err := checkValues(q); err != nil {
		return err
	}
	p, err := s.open311Principal(r, q.Get("api_key"))
	if err != nil {
		return err
	}
	c, err := s.app.Open311Request(r.Context(), p, name)
	if err != nil {
		return err
	}
	writeOpen311List(w, format, http.StatusOK, "service_requests", []open311Request{open311RequestOf(*c)})
	return nil
}

func (s *Server) open311Requests(w http.ResponseWriter, r *http.Request, format string) error {
	q := r.URL.Query()
	if err := checkValues(q); err != nil {
		return err
	}
	p, err := s.open311Principal(r, q.Get("api_key"))
	if err != nil {
		return err
	}
	in, err := open311Query(q, s.app.Now())
	if err != nil {
		return err
	}
	cases, err := s.app.Open311Requests(r.Context(), p, in)
	if err != nil {
		return err
	}
	out := make([]open311Request, len(cases))
	for i, c := range cases {
		out[i] = open311RequestOf(c)
	}
	writeOpen311List(w, format, http.StatusOK, "service_requests", out)
	return nil
}

// open311Query reads the filters of GET requests.
func open311Query(q url.Values, now time.Time) (app.Open311Query, error) {
	var in app.Open311Query
	if ids := q.Get("service_request_id"); ids != "" {
		// A list of ids overrides every other filter.
		for _, id := range strings.Split(ids, ",") {
			if id = strings.TrimSpace(id); id != "" {
				in.Codes = append(in.Codes, id)
			}
		}
		if len(in.Codes) > open311MaxIDs {
			return in, zhitong.Invalid("service_request_id", "service_request_id 一次最多 %d 个", open311MaxIDs)
		}
		if len(in.Codes) > 0 {
			return in, nil
		}
	}
	in.Category = strings.TrimSpace(q.Get("service_code"))
	if utf8.RuneCountInString(in.Category) > open311MaxValue {
		return in, zhitong.Invalid("service_code", "service_code 过长")
	}
	if j := strings.TrimSpace(q.Get("jurisdiction_id")); j != "" {
		code, err := regions.Normalize(j)
		if err != nil {
			return in, zhitong.Invalid("jurisdiction_id", "%s", err.Error())
		}
		in.Region = code
	}
	for _, v := range q["status"] {
		for _, st := range strings.Split(v, ",") {
			switch strings.TrimSpace(st) {
			case "open":
				in.Statuses = append(in.Statuses, statusesWhere(true)...)
			case "closed":
				in.Statuses = append(in.Statuses, statusesWhere(false)...)
			case "":
			default:
				return in, zhitong.Invalid("status", "status 应为 open 或 closed")
			}
		}
	}
	start, err := parseW3C("start_date", q.Get("start_date"))
	if err != nil {
		return in, err
	}
	end, err := parseW3C("end_date", q.Get("end_date"))
	if err != nil {
		return in, err
	}
	switch {
	case start.IsZero() && end.IsZero():
		end = now
		start = end.Add(-open311Span)
	case end.IsZero():
		end = start.Add(open311Span)
	case start.IsZero():
		start = end.Add(-open311Span)
	}
	if end.Before(start) {
		return in, zhitong.Invalid("end_date", "end_date 不能早于 start_date")
	}
	if end.Sub(start) > open311Span {
		return in, zhitong.Invalid("end_date", "start_date 与 end_date 的跨度不能超过 90 天")
	}
	in.Start, in.End, in.Limit = start, end, app.Open311MaxRequests
	return in, nil
}

// statusesWhere lists the statuses that are open (or closed) in Open311 terms.
func statusesWhere(open bool) []zhitong.Status {
	var out []zhitong.Status
	for _, n := range zhitong.Statuses {
		if n.Value.Open() == open {
			out = append(out, n.Value)
		}
	}
	return out
}

// parseW3C reads a date-time in the W3C profile of ISO 8601. A date or a
// time without zone is China's civil time; a "+" turned into a space by a
// client that did not escape the query is put back.
func parseW3C(field, v string) (time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, nil
	}
	if len(v) > 10 && strings.Contains(v[10:], " ") {
		v = v[:10] + strings.Replace(v[10:], " ", "+", 1)
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04Z07:00"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, nil
		}
	}
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02T15:04", time.DateOnly} {
		if t, err := time.ParseInLocation(layout, v, zhitong.China); err == nil {
			return t, nil
		}
	}
	return time.Time{}, zhitong.Invalid(field, "%s 应为 W3C 日期时间，如 2026-11-25T09:00:00+08:00", field)
}
