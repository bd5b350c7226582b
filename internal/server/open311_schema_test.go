package server_test

import (
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// The Open311 JSON Schemas (draft 4) live outside the repository, in the
// project's shared folder (copied from open311/schema-validation, which
// carries no licence, so they are read, not vendored).
// ZHITONG_OPEN311_SCHEMAS names another folder holding them.
func open311SchemaDir() string {
	for _, dir := range []string{os.Getenv("ZHITONG_OPEN311_SCHEMAS"), "../../../shared/open311", "/work/shared/open311"} {
		if dir == "" {
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, "request.json")); err == nil {
			return dir
		}
	}
	return ""
}

// jsonSchemas is a small draft-4 JSON Schema validator: type (one or a list,
// null included), required, properties, enum, anyOf, items, minItems,
// maxLength, format date-time (RFC 3339) and uri, and $ref to sibling files
// (with an optional #/json/pointer).
type jsonSchemas struct {
	dir   string
	files map[string]any
}

// loadSchemas returns the validator, or nil (after logging why) when the
// schema folder is not there.
func loadSchemas(t testing.TB) *jsonSchemas {
	t.Helper()
	dir := open311SchemaDir()
	if dir == "" {
		t.Log("Open311 schemas not found (set ZHITONG_OPEN311_SCHEMAS); skipping schema validation")
		return nil
	}
	return &jsonSchemas{dir: dir, files: map[string]any{}}
}

func (s *jsonSchemas) file(name string) (any, error) {
	if doc, ok := s.files[name]; ok {
		return doc, nil
	}
	if strings.ContainsAny(name, `/\`) {
		return nil, fmt.Errorf("$ref %q leaves the schema folder", name)
	}
	b, err := os.ReadFile(filepath.Join(s.dir, name))
	if err != nil {
		return nil, err
	}
	var doc any
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	s.files[name] = doc
	return doc, nil
}

// Validate checks the JSON document b against the schema file and returns
// every violation found (none when it is valid).
func (s *jsonSchemas) Validate(file string, b []byte) []string {
	var doc any
	if err := json.Unmarshal(b, &doc); err != nil {
		return []string{"not JSON: " + err.Error()}
	}
	return s.ValidateValue(file, doc)
}

// ValidateValue checks a decoded JSON value against the schema file.
func (s *jsonSchemas) ValidateValue(file string, doc any) []string {
	schema, err := s.file(file)
	if err != nil {
		return []string{err.Error()}
	}
	var errs []string
	s.check(schema, file, doc, "$", &errs)
	return errs
}

func (s *jsonSchemas) check(schema any, base string, v any, at string, errs *[]string) {
	fail := func(format string, args ...any) { *errs = append(*errs, at+": "+fmt.Sprintf(format, args...)) }
	m, ok := schema.(map[string]any)
	if !ok {
		fail("schema is not an object")
		return
	}
	if ref, ok := m["$ref"].(string); ok {
		// Draft 4: a $ref replaces the rest of its schema object.
		file, frag, _ := strings.Cut(ref, "#")
		if file == "" {
			file = base
		}
		target, err := s.file(file)
		if err != nil {
			fail("%v", err)
			return
		}
		if frag != "" {
			for _, tok := range strings.Split(strings.TrimPrefix(frag, "/"), "/") {
				obj, ok := target.(map[string]any)
				if !ok {
					fail("bad $ref %q", ref)
					return
				}
				target = obj[strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")]
			}
		}
		s.check(target, file, v, at, errs)
		return
	}
	if t, ok := m["type"]; ok {
		var types []string
		switch t := t.(type) {
		case string:
			types = []string{t}
		case []any:
			for _, x := range t {
				if s, ok := x.(string); ok {
					types = append(types, s)
				}
			}
		}
		matched := false
		for _, name := range types {
			if hasType(name, v) {
				matched = true
			}
		}
		if !matched {
			fail("type %s, want %s", typeName(v), strings.Join(types, " or "))
			return
		}
	}
	if enum, ok := m["enum"].([]any); ok {
		found := false
		for _, e := range enum {
			if reflect.DeepEqual(e, v) {
				found = true
			}
		}
		if !found {
			fail("%v is not one of %v", v, enum)
		}
	}
	if anyOf, ok := m["anyOf"].([]any); ok {
		var why []string
		passed := false
		for _, sub := range anyOf {
			var subErrs []string
			s.check(sub, base, v, at, &subErrs)
			if len(subErrs) == 0 {
				passed = true
				break
			}
			why = append(why, subErrs...)
		}
		if !passed {
			fail("matches none of anyOf (%s)", strings.Join(why, "; "))
		}
	}
	switch x := v.(type) {
	case map[string]any:
		if req, ok := m["required"].([]any); ok {
			for _, name := range req {
				if _, ok := x[name.(string)]; !ok {
					fail("required property %q missing", name)
				}
			}
		}
		if props, ok := m["properties"].(map[string]any); ok {
			for name, sub := range props {
				if val, ok := x[name]; ok {
					s.check(sub, base, val, at+"."+name, errs)
				}
			}
		}
	case []any:
		if n, ok := m["minItems"].(float64); ok && float64(len(x)) < n {
			fail("%d items, want at least %g", len(x), n)
		}
		if items, ok := m["items"].(map[string]any); ok {
			for i, item := range x {
				s.check(items, base, item, fmt.Sprintf("%s[%d]", at, i), errs)
			}
		}
	case string:
		if n, ok := m["maxLength"].(float64); ok && float64(utf8.RuneCountInString(x)) > n {
			fail("%d characters, want at most %g", utf8.RuneCountInString(x), n)
		}
		switch m["format"] {
		case "date-time":
			if _, err := time.Parse(time.RFC3339, x); err != nil {
				fail("%q is not an RFC 3339 date-time", x)
			}
		case "uri":
			if u, err := url.Parse(x); err != nil || !u.IsAbs() {
				fail("%q is not an absolute URI", x)
			}
		}
	}
}

func hasType(name string, v any) bool {
	switch name {
	case "null":
		return v == nil
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "string":
		_, ok := v.(string)
		return ok
	case "number":
		_, ok := v.(float64)
		return ok
	case "integer":
		f, ok := v.(float64)
		return ok && f == math.Trunc(f)
	case "array":
		_, ok := v.([]any)
		return ok
	case "object":
		_, ok := v.(map[string]any)
		return ok
	}
	return false
}

func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case float64:
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

// TestOpen311SchemaValidator proves the validator can fail: every broken
// document below must be rejected, and the good ones accepted.
func TestOpen311SchemaValidator(t *testing.T) {
	s := loadSchemas(t)
	if s == nil {
		t.Skip("no schemas")
	}
	goodRequest := `{"service_request_id":"ABCD-EFGH-JKMN","status":"open","service_code":"roads",
		"requested_datetime":"2026-11-25T09:00:00+08:00","updated_datetime":null,"lat":25.1,"long":null,"description":"路灯坏了"}`
	good := []struct{ file, doc string }{
		{"services.json", `[{"service_code":"roads","service_name":"道路交通","metadata":false,"type":"realtime","group":null}]`},
		{"service-definition.json", `{"service_code":"roads","attributes":[]}`},
		{"request.json", goodRequest},
		{"requests.json", `[` + goodRequest + `]`},
	}
	for _, g := range good {
		if errs := s.Validate(g.file, []byte(g.doc)); len(errs) != 0 {
			t.Errorf("%s: valid document rejected: %v", g.file, errs)
		}
	}
	long := strings.Repeat("路", 4001)
	bad := []struct{ name, file, doc string }{
		{"not an array", "services.json", `{"service_code":"roads"}`},
		{"missing type", "services.json", `[{"service_code":"roads","service_name":"x","metadata":false}]`},
		{"metadata not boolean", "services.json", `[{"service_code":"roads","service_name":"x","metadata":"no","type":"realtime"}]`},
		{"type not in enum", "services.json", `[{"service_code":"roads","service_name":"x","metadata":false,"type":"sometimes"}]`},
		{"group a number", "services.json", `[{"service_code":"roads","service_name":"x","metadata":false,"type":"realtime","group":3}]`},
		{"attributes missing", "service-definition.json", `{"service_code":"roads"}`},
		{"attribute incomplete", "service-definition.json", `{"service_code":"roads","attributes":[{"code":"x"}]}`},
		{"bad datatype", "service-definition.json", `{"service_code":"r","attributes":[{"variable":true,"code":"x","datatype":"blob","required":false}]}`},
		{"status pending", "request.json", strings.Replace(goodRequest, `"open"`, `"pending"`, 1)},
		{"date not RFC 3339", "request.json", strings.Replace(goodRequest, `"2026-11-25T09:00:00+08:00"`, `"2026-11-25 09:00"`, 1)},
		{"service_code null", "request.json", strings.Replace(goodRequest, `"roads"`, `null`, 1)},
		{"lat a string", "request.json", strings.Replace(goodRequest, `25.1`, `"25.1"`, 1)},
		{"description too long", "request.json", strings.Replace(goodRequest, `路灯坏了`, long, 1)},
		{"required id missing", "requests.json", `[{"status":"open","service_code":"r","requested_datetime":"2026-11-25T09:00:00Z"}]`},
		{"bad item in list", "requests.json", `[` + goodRequest + `,{"service_request_id":7}]`},
		{"media_url not a uri", "request.json", strings.Replace(goodRequest, `"lat"`, `"media_url":"not a url","lat"`, 1)},
	}
	for _, b := range bad {
		if errs := s.Validate(b.file, []byte(b.doc)); len(errs) == 0 {
			t.Errorf("%s: broken document accepted by %s", b.name, b.file)
		}
	}
}
