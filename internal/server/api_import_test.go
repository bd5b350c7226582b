package server_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"zhitong"
	"zhitong/internal/sheets"
	"zhitong/internal/testkit"
)

// unitsWorkbook writes a units sheet with the template's headers.
func unitsWorkbook(t *testing.T, rows ...[]string) []byte {
	t.Helper()
	spec, _ := sheets.Kind("units")
	return testkit.Workbook(t, spec.Headers(), rows...)
}

// TestImportAPI imports through /api/v1/import: JSON, raw body, problems,
// bad files, roles; every answer against the OpenAPI document.
func TestImportAPI(t *testing.T) {
	d := servedOpenAPI(t)
	e := newEnv(t)
	committee := e.login(e.f.In[zhitong.RoleCommittee], "imp-committee")
	check := func(route string, code int, got any) {
		t.Helper()
		method, path, _ := strings.Cut(route, " ")
		r, _ := d.resolve(d.operation(method, path)["responses"].(map[string]any)[fmt.Sprint(code)]).(map[string]any)
		if r == nil {
			t.Fatalf("%s: %d not documented", route, code)
		}
		for _, msg := range d.validate("", oaJSONSchema(r), got) {
			t.Errorf("%s → %d: %s", route, code, msg)
		}
	}
	const route = "POST /api/v1/import/{kind}"
	var rep map[string]any
	code := committee.do("POST", "/api/v1/import/units?dry_run=true", map[string]any{"file": unitsWorkbook(t, []string{"县水利局", "部门", "360728"})}, &rep)
	if code != 200 || rep["added"] != 1.0 || rep["written"] != false || rep["dry_run"] != true {
		t.Fatalf("dry run: %d %v", code, rep)
	}
	check(route, code, rep)

	rep = nil
	code = committee.do("POST", "/api/v1/import/units", map[string]any{"file": unitsWorkbook(t, []string{"县水利局", "部门", "360728"},
		[]string{"县住建局", "部门", "360727"})}, &rep)
	problems, _ := rep["problems"].([]any)
	if code != 200 || rep["written"] != false || len(problems) != 1 || !strings.Contains(fmt.Sprint(problems[0]), "不在您的") {
		t.Fatalf("problems: %d %v", code, rep)
	}
	check(route, code, rep)

	// The raw workbook as the body.
	req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/import/units", bytes.NewReader(unitsWorkbook(t, []string{"县水利局", "部门", "360728"})))
	req.Header.Set("Content-Type", sheets.ContentType)
	res, err := committee.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(body), `"written":true`) || !strings.Contains(string(body), `"outcome":"added"`) {
		t.Fatalf("raw upload: %d %s", res.StatusCode, body)
	}

	var apiErr map[string]any
	code = committee.do("POST", "/api/v1/import/units", map[string]any{"file": []byte("not a workbook")}, &apiErr)
	if code != 400 || !strings.Contains(fmt.Sprint(apiErr), "不是 Excel") {
		t.Fatalf("bad file: %d %v", code, apiErr)
	}
	check(route, code, apiErr)
	code = committee.do("POST", "/api/v1/import/users", map[string]any{"file": unitsWorkbook(t)}, &apiErr)
	check(route, code, apiErr)
	if code != 403 {
		t.Fatalf("the committee imported accounts: %d", code)
	}
	if code = committee.do("POST", "/api/v1/import/things", map[string]any{"file": unitsWorkbook(t)}, &apiErr); code != 404 {
		t.Fatalf("unknown kind: %d", code)
	}
	for _, path := range []string{"/api/v1/import/stations/template", "/api/v1/import/units/export"} {
		req, _ := http.NewRequest("GET", e.srv.URL+path, nil)
		res, err := committee.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != sheets.ContentType || !bytes.HasPrefix(b, []byte("PK")) {
			t.Fatalf("%s: %d %s", path, res.StatusCode, res.Header.Get("Content-Type"))
		}
	}
	if code := e.anonymous().do("GET", "/api/v1/import/units/export", nil, &apiErr); code != 401 {
		t.Fatalf("anonymous export: %d", code)
	}
}
