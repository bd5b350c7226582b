package server

// Open311 POST requests: parsing the form, mapping it to a case.

import (
	"encoding/xml"
	"errors"
	"fmt"
	"math"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/regions"
)

// open311Submission is a POST requests form mapped onto the platform's intake.
type open311Submission struct {
	APIKey       string
	Jurisdiction string
	In           app.IntakeInput
}

// parseOpen311Post reads and maps a POST requests form. It checks the form
// alone; the application checks the rest (category, region, lengths, phone).
func parseOpen311Post(w http.ResponseWriter, r *http.Request) (open311Submission, error) {
	var sub open311Submission
	ct, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || ct != "application/x-www-form-urlencoded" {
		return sub, zhitong.Errorf(zhitong.EINVALID, "请求体须为表单（Content-Type: application/x-www-form-urlencoded）")
	}
	r.Body = http.MaxBytesReader(w, r.Body, open311MaxForm)
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return sub, zhitong.Errorf(zhitong.EINVALID, "请求体超过 1 MB")
		}
		return sub, &zhitong.Error{Code: zhitong.EINVALID, Message: "表单格式不正确", Err: err}
	}
	if err := checkValues(r.Form); err != nil {
		return sub, err
	}
	get := func(k string) string { return strings.TrimSpace(r.Form.Get(k)) }
	for _, k := range []string{"service_code", "jurisdiction_id", "api_key", "first_name", "last_name", "phone", "address_string", "address_id", "lat", "long"} {
		if utf8.RuneCountInString(get(k)) > open311MaxValue {
			return sub, zhitong.Invalid(k, "%s 不能超过 %d 个字", k, open311MaxValue)
		}
	}
	sub.APIKey, sub.Jurisdiction = get("api_key"), get("jurisdiction_id")
	in := &sub.In
	in.Channel = zhitong.ChannelOpen311
	if in.CategoryCode = get("service_code"); in.CategoryCode == "" {
		return sub, zhitong.Invalid("service_code", "请提供 service_code（见 services 列表）")
	}
	in.Body = get("description")
	if !visible(in.Body) {
		return sub, zhitong.Invalid("description", "请提供 description（诉求内容）")
	}
	if n := utf8.RuneCountInString(in.Body); n > open311MaxDescription {
		return sub, zhitong.Invalid("description", "description 不能超过 %d 个字（现有 %d 个）", open311MaxDescription, n)
	}
	lat, long := get("lat"), get("long")
	if (lat == "") != (long == "") {
		return sub, zhitong.Invalid("lat", "lat 与 long 须同时提供")
	}
	if lat != "" {
		if in.Lat, err = parseCoordinate("lat", lat, 90); err != nil {
			return sub, err
		}
		if in.Lng, err = parseCoordinate("long", long, 180); err != nil {
			return sub, err
		}
	}
	in.Place = get("address_string")
	// GeoReport v2: "lat & long, address_string or address_id is required".
	if lat == "" && in.Place == "" {
		id := get("address_id")
		if id == "" {
			return sub, zhitong.Invalid("location", "请提供位置：lat 和 long、address_string 或 address_id 至少一项（GeoReport v2 要求）")
		}
		in.Place = "地址编号 " + id
	}
	in.Name = personName(get("first_name"), get("last_name"))
	in.Phone = get("phone")
	in.Anonymous = in.Name == "" && in.Phone == ""
	return sub, nil
}

func parseCoordinate(field, v string, limit float64) (float64, error) {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < -limit || f > limit {
		return 0, zhitong.Invalid(field, "%s 应为 -%g 到 %g 之间的 WGS-84 坐标", field, limit, limit)
	}
	return f, nil
}

// personName joins first and last name: family name first, without a space,
// for Chinese names; "first last" otherwise.
func personName(first, last string) string {
	for _, s := range []string{first, last} {
		for _, r := range s {
			if unicode.Is(unicode.Han, r) {
				return strings.TrimSpace(last + first)
			}
		}
	}
	return strings.TrimSpace(first + " " + last)
}

// visible reports whether s has at least one character one can see.
func visible(s string) bool {
	for _, r := range s {
		if unicode.IsGraphic(r) && !unicode.IsSpace(r) {
			return true
		}
	}
	return false
}

// cleanValue reports whether s is valid UTF-8 without control characters
// other than tab and line breaks. Form and query values reach the database
// as they are, and no text column takes invalid UTF-8 or NUL.
func cleanValue(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0x7f {
			return false
		}
	}
	return true
}

func checkValues(v url.Values) error {
	for k, vs := range v {
		if !cleanValue(k) {
			return zhitong.Errorf(zhitong.EINVALID, "参数名含有不允许的字符")
		}
		for _, s := range vs {
			if !cleanValue(s) {
				return zhitong.Invalid(k, "%s 含有不允许的字符", k)
			}
		}
	}
	return nil
}

// open311Region decides the region of a submitted case from the token's
// region and the jurisdiction_id the client gave.
func open311Region(tokenRegion, jurisdiction string) (string, error) {
	if jurisdiction == "" {
		if len(tokenRegion) >= 6 {
			return tokenRegion, nil
		}
		return "", zhitong.Invalid("jurisdiction_id", "该令牌未限定到县（市、区），请提供 jurisdiction_id（行政区划代码，如 360728）")
	}
	code, err := regions.Normalize(jurisdiction)
	if err != nil {
		return "", zhitong.Invalid("jurisdiction_id", "%s", err.Error())
	}
	if len(code) < 6 {
		return "", zhitong.Invalid("jurisdiction_id", "jurisdiction_id 须为县级或乡镇级行政区划代码")
	}
	if !regions.Contains(tokenRegion, code) {
		return "", zhitong.Errorf(zhitong.EFORBIDDEN, "jurisdiction_id %s 不在该令牌的管辖范围内", jurisdiction)
	}
	return code, nil
}

// open311Created is the answer to POST requests. account_id is always null:
// submitters have no account with the platform.
type open311Created struct {
	XMLName       xml.Name `json:"-" xml:"request"`
	ID            string   `json:"service_request_id" xml:"service_request_id"`
	ServiceNotice string   `json:"service_notice" xml:"service_notice"`
	AccountID     *string  `json:"account_id" xml:"account_id"`
}

// open311Token is the answer to GET tokens/{token}.
type open311Token struct {
	XMLName xml.Name `json:"-" xml:"request"`
	ID      string   `json:"service_request_id" xml:"service_request_id"`
	Token   string   `json:"token" xml:"token"`
}

func (s *Server) open311Post(w http.ResponseWriter, r *http.Request, name, format string) error {
	if name != "requests" {
		return zhitong.Errorf(zhitong.ENOTFOUND, "接口不存在：%s %s", r.Method, r.URL.Path)
	}
	sub, err := parseOpen311Post(w, r)
	if err != nil {
		return err
	}
	p, err := s.open311Principal(r, sub.APIKey)
	if err != nil {
		return err
	}
	if p.Role != zhitong.RoleIntegration {
		return zhitong.Errorf(zhitong.EFORBIDDEN, "只有接口对接（integration）令牌可以提交 Open311 请求")
	}
	if sub.In.RegionCode, err = open311Region(p.RegionCode, sub.Jurisdiction); err != nil {
		return err
	}
	c, err := s.app.Submit(r.Context(), p, sub.In)
	if err != nil {
		return err
	}
	notice := fmt.Sprintf("您的诉求已受理，查询码 %s。联络员登记分类后将交办承办单位办理。", c.Code)
	if cat, err := s.open311Category(r, c.CategoryCode); err == nil && cat.DueDays > 0 {
		notice += fmt.Sprintf("“%s”类事项交办后默认 %d 个工作日内办结。", cat.Name, cat.DueDays)
	}
	writeOpen311List(w, format, http.StatusOK, "service_requests", []open311Created{{ID: c.Code, ServiceNotice: notice}})
	return nil
}
