package server_test

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/accounts"
	"zhitong/internal/admin"
	"zhitong/internal/app"
	"zhitong/internal/audit"
	"zhitong/internal/server"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// The tests below keep /api/v1/openapi.json honest: every route of the
// source is documented and nothing else is, the schemas carry the json
// names of the Go types they describe, the enums are the domain's, the
// operations marked as needing staff auth really refuse citizens, and the
// answers of a real server validate against the documented schemas.

// oaDoc is the served OpenAPI document, parsed.
type oaDoc struct {
	t    testing.TB
	root map[string]any
}

// servedOpenAPI fetches and parses the document from a real server.
func servedOpenAPI(t *testing.T) *oaDoc {
	t.Helper()
	a, _ := testkit.MustApp(t)
	srv := httptest.NewServer(server.New(server.Config{App: a}))
	t.Cleanup(srv.Close)
	resp := testkit.Must(http.Get(srv.URL + "/api/v1/openapi.json"))(t)
	defer resp.Body.Close()
	raw := testkit.Must(io.ReadAll(resp.Body))(t)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/v1/openapi.json = %d", resp.StatusCode)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("Content-Type = %q, want application/json", ct)
	}
	var root map[string]any
	if err := json.Unmarshal(raw, &root); err != nil {
		t.Fatalf("openapi.json is not valid JSON: %v", err)
	}
	return &oaDoc{t: t, root: root}
}

// pointer follows a local JSON pointer such as #/components/schemas/Error.
func (d *oaDoc) pointer(ref string) (any, error) {
	if !strings.HasPrefix(ref, "#/") {
		return nil, fmt.Errorf("%q is not a local reference", ref)
	}
	var cur any = d.root
	for _, tok := range strings.Split(ref[2:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch c := cur.(type) {
		case map[string]any:
			v, ok := c[tok]
			if !ok {
				return nil, fmt.Errorf("%q: no %q", ref, tok)
			}
			cur = v
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(c) {
				return nil, fmt.Errorf("%q: bad index %q", ref, tok)
			}
			cur = c[i]
		default:
			return nil, fmt.Errorf("%q: cannot descend into %T", ref, cur)
		}
	}
	return cur, nil
}

// resolve follows $ref until it reaches something that is not a reference.
func (d *oaDoc) resolve(v any) any {
	d.t.Helper()
	for range 32 {
		m, ok := v.(map[string]any)
		if !ok {
			return v
		}
		ref, ok := m["$ref"].(string)
		if !ok {
			return v
		}
		target, err := d.pointer(ref)
		if err != nil {
			d.t.Fatal(err)
		}
		v = target
	}
	d.t.Fatalf("$ref chain too long at %v", v)
	return nil
}

func (d *oaDoc) get(ref string) map[string]any {
	d.t.Helper()
	v, err := d.pointer(ref)
	if err != nil {
		d.t.Fatal(err)
	}
	m, ok := v.(map[string]any)
	if !ok {
		d.t.Fatalf("%s is %T, want an object", ref, v)
	}
	return m
}

func (d *oaDoc) schema(name string) map[string]any {
	d.t.Helper()
	return d.get("#/components/schemas/" + name)
}

var oaMethods = []string{"get", "put", "post", "delete", "patch", "head", "options", "trace"}

// oaOp is one operation of the document.
type oaOp struct {
	method, path string
	op           map[string]any
}

func (d *oaDoc) operations() []oaOp {
	var out []oaOp
	paths, _ := d.root["paths"].(map[string]any)
	for p, item := range paths {
		item, _ := item.(map[string]any)
		for _, m := range oaMethods {
			if op, ok := item[m].(map[string]any); ok {
				out = append(out, oaOp{strings.ToUpper(m), p, op})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path+out[i].method < out[j].path+out[j].method })
	return out
}

func (d *oaDoc) operation(method, path string) map[string]any {
	d.t.Helper()
	item, ok := d.root["paths"].(map[string]any)[path].(map[string]any)
	if !ok {
		d.t.Fatalf("path %s not documented", path)
	}
	op, ok := item[strings.ToLower(method)].(map[string]any)
	if !ok {
		d.t.Fatalf("%s %s not documented", method, path)
	}
	return op
}

// public reports whether the operation may be called without credentials:
// security is [] or holds an empty requirement.
func oaPublic(op map[string]any) bool {
	sec, _ := op["security"].([]any)
	if len(sec) == 0 {
		return true
	}
	for _, r := range sec {
		if m, ok := r.(map[string]any); ok && len(m) == 0 {
			return true
		}
	}
	return false
}

var oaPathParam = regexp.MustCompile(`\{[^}]*\}`)

// oaRouteKey normalises "POST /api/v1/cases/{id}/reply" so that path
// parameter names do not matter.
func oaRouteKey(method, path string) string {
	return strings.ToUpper(method) + " " + oaPathParam.ReplaceAllString(path, "{}")
}

func TestOpenAPIDocument(t *testing.T) {
	d := servedOpenAPI(t)
	if v := d.root["openapi"]; v != "3.0.3" {
		t.Fatalf("openapi = %v, want 3.0.3", v)
	}
	info, _ := d.root["info"].(map[string]any)
	if info["title"] == "" || info["title"] == nil || info["version"] == "" || info["version"] == nil {
		t.Errorf("info needs title and version: %v", info)
	}
	desc, _ := info["description"].(string)
	for _, want := range []string{"/healthz", "Open311"} {
		if !strings.Contains(desc, want) {
			t.Errorf("info.description does not mention %s", want)
		}
	}

	// Every $ref resolves.
	refs := 0
	var walk func(where string, v any)
	walk = func(where string, v any) {
		switch v := v.(type) {
		case map[string]any:
			if r, ok := v["$ref"]; ok {
				refs++
				s, ok := r.(string)
				if !ok {
					t.Errorf("%s: $ref is %T", where, r)
				} else if _, err := d.pointer(s); err != nil {
					t.Errorf("%s: %v", where, err)
				}
			}
			for k, x := range v {
				walk(where+"/"+k, x)
			}
		case []any:
			for i, x := range v {
				walk(where+"/"+strconv.Itoa(i), x)
			}
		}
	}
	walk("#", d.root)
	if refs < 50 {
		t.Errorf("only %d $refs: the walk is broken or the document shrank", refs)
	}

	// Security schemes.
	schemes := d.get("#/components/securitySchemes")
	if b, _ := schemes["bearerAuth"].(map[string]any); b["type"] != "http" || b["scheme"] != "bearer" {
		t.Errorf("bearerAuth = %v, want http bearer", b)
	}
	if c, _ := schemes["cookieAuth"].(map[string]any); c["type"] != "apiKey" || c["in"] != "cookie" || c["name"] != "zhitong_session" {
		t.Errorf("cookieAuth = %v, want apiKey in cookie zhitong_session", c)
	}

	// The one error shape, with the domain's codes.
	errProps := d.schema("Error")["properties"].(map[string]any)["error"].(map[string]any)["properties"].(map[string]any)
	gotCodes := oaStrings(errProps["code"].(map[string]any)["enum"])
	wantCodes := []string{zhitong.EINVALID, zhitong.ENOTFOUND, zhitong.ECONFLICT, zhitong.EFORBIDDEN, zhitong.EUNAUTHORIZED, zhitong.ETOOMANY, zhitong.EINTERNAL, zhitong.EMUSTCHANGE, zhitong.ETWOFACTOR, zhitong.EENROL}
	oaSameSet(t, "Error.error.code enum", gotCodes, wantCodes)
	for _, f := range []string{"code", "message", "field"} {
		if _, ok := errProps[f]; !ok {
			t.Errorf("Error.error lacks %s", f)
		}
	}

	seenIDs := map[string]string{}
	for _, o := range d.operations() {
		name := o.method + " " + o.path
		if strings.HasPrefix(o.path, "/healthz") || strings.HasPrefix(o.path, "/open311") {
			t.Errorf("%s: /healthz and Open311 belong in the description only", name)
		}
		if s, _ := o.op["summary"].(string); s == "" {
			t.Errorf("%s: no summary", name)
		}
		id, _ := o.op["operationId"].(string)
		if id == "" {
			t.Errorf("%s: no operationId", name)
		} else if prev, dup := seenIDs[id]; dup {
			t.Errorf("%s: operationId %q also used by %s", name, id, prev)
		}
		seenIDs[id] = name

		// Explicit security with known schemes only.
		sec, ok := o.op["security"].([]any)
		if !ok {
			t.Errorf("%s: no explicit security", name)
		}
		for _, r := range sec {
			for scheme := range r.(map[string]any) {
				if _, ok := schemes[scheme]; !ok {
					t.Errorf("%s: unknown security scheme %q", name, scheme)
				}
			}
		}

		// Responses: a success, and every error through the shared Error schema.
		responses, _ := o.op["responses"].(map[string]any)
		success := false
		for code, r := range responses {
			if strings.HasPrefix(code, "2") {
				success = true
				continue
			}
			if !strings.HasPrefix(code, "4") && !strings.HasPrefix(code, "5") && code != "default" {
				continue
			}
			resp, _ := d.resolve(r).(map[string]any)
			if oaJSONSchema(resp)["$ref"] != "#/components/schemas/Error" {
				t.Errorf("%s: response %s does not use the shared Error schema", name, code)
			}
		}
		if !success {
			t.Errorf("%s: no 2xx response", name)
		}
		if _, ok := responses["500"]; !ok {
			t.Errorf("%s: no 500 response", name)
		}
		if !oaPublic(o.op) {
			if _, ok := responses["401"]; !ok {
				t.Errorf("%s needs staff auth but documents no 401", name)
			}
		}

		// Path parameters match the template.
		want := map[string]bool{}
		for _, m := range oaPathParam.FindAllString(o.path, -1) {
			want[strings.Trim(m, "{}")] = true
		}
		got := map[string]bool{}
		params, _ := o.op["parameters"].([]any)
		for _, p := range params {
			p := d.resolve(p).(map[string]any)
			if p["in"] != "path" {
				continue
			}
			pn := p["name"].(string)
			got[pn] = true
			if p["required"] != true {
				t.Errorf("%s: path parameter %s not required", name, pn)
			}
			if !want[pn] {
				t.Errorf("%s: path parameter %s not in the path", name, pn)
			}
		}
		for pn := range want {
			if !got[pn] {
				t.Errorf("%s: path parameter {%s} not declared", name, pn)
			}
		}

		// Request bodies are strict JSON: every object in them refuses
		// unknown fields, as the server does.
		if rb, ok := o.op["requestBody"]; ok {
			rb, _ := d.resolve(rb).(map[string]any)
			schema := oaJSONSchema(rb)
			if schema == nil || rb["required"] != true {
				t.Errorf("%s: request body not required or without an application/json schema", name)
				continue
			}
			d.checkStrict(t, name, schema, map[string]bool{})
		}
	}
}

// checkStrict fails for any object schema reachable from s that admits
// unknown properties.
func (d *oaDoc) checkStrict(t *testing.T, where string, s any, seen map[string]bool) {
	t.Helper()
	if m, ok := s.(map[string]any); ok {
		if ref, ok := m["$ref"].(string); ok {
			if seen[ref] {
				return
			}
			seen[ref] = true
			where += " " + ref
		}
	}
	m := d.resolve(s).(map[string]any)
	if m["type"] == "object" || m["properties"] != nil {
		if m["additionalProperties"] != false {
			t.Errorf("%s: request object schema lacks additionalProperties: false", where)
		}
		for _, p := range m["properties"].(map[string]any) {
			d.checkStrict(t, where, p, seen)
		}
	}
	if items, ok := m["items"]; ok {
		d.checkStrict(t, where, items, seen)
	}
}

// sourceRoutes reads the package's Go source and returns every
// "METHOD /api/v1/…" pattern registered with HandleFunc, expanding the
// routes registered in a loop over a map literal (the case steps).
func sourceRoutes(t *testing.T) map[string]bool {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	routes := map[string]bool{}
	loops := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		rangeKeys := map[string][]string{} // loop variable → keys of the map literal ranged over
		add := func(pattern string) {
			method, path, ok := strings.Cut(pattern, " ")
			if ok && strings.HasPrefix(path, "/api/v1/") {
				routes[oaRouteKey(method, path)] = true
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.RangeStmt:
				lit, ok := n.X.(*ast.CompositeLit)
				key, ok2 := n.Key.(*ast.Ident)
				if !ok || !ok2 {
					return true
				}
				for _, elt := range lit.Elts {
					if kv, ok := elt.(*ast.KeyValueExpr); ok {
						if bl, ok := kv.Key.(*ast.BasicLit); ok && bl.Kind == token.STRING {
							rangeKeys[key.Name] = append(rangeKeys[key.Name], testkit.Must(strconv.Unquote(bl.Value))(t))
						}
					}
				}
			case *ast.CallExpr:
				sel, ok := n.Fun.(*ast.SelectorExpr)
				if !ok || sel.Sel.Name != "HandleFunc" || len(n.Args) == 0 {
					return true
				}
				switch arg := n.Args[0].(type) {
				case *ast.BasicLit:
					if arg.Kind == token.STRING {
						add(testkit.Must(strconv.Unquote(arg.Value))(t))
					}
				case *ast.BinaryExpr:
					prefix, ok := arg.X.(*ast.BasicLit)
					ident, ok2 := arg.Y.(*ast.Ident)
					if !ok || !ok2 || arg.Op != token.ADD {
						t.Errorf("%s: HandleFunc pattern is not understood by this test", fset.Position(arg.Pos()))
						return true
					}
					keys := rangeKeys[ident.Name]
					if len(keys) == 0 {
						t.Errorf("%s: HandleFunc pattern built from %s, which is no map literal ranged over", fset.Position(arg.Pos()), ident.Name)
					}
					loops++
					p := testkit.Must(strconv.Unquote(prefix.Value))(t)
					for _, k := range keys {
						add(p + k)
					}
				}
			}
			return true
		})
	}
	if loops == 0 || len(routes) < 40 || !routes["POST /api/v1/cases/{}/reply"] {
		t.Fatalf("route extraction found %d routes (%d loops): the source changed shape; fix sourceRoutes", len(routes), loops)
	}
	return routes
}

func TestOpenAPIRoutesMatchSource(t *testing.T) {
	d := servedOpenAPI(t)
	code := sourceRoutes(t)
	documented := map[string]bool{}
	for _, o := range d.operations() {
		documented[oaRouteKey(o.method, o.path)] = true
	}
	var missing, extra []string
	for r := range code {
		if !documented[r] {
			missing = append(missing, r)
		}
	}
	for r := range documented {
		if !code[r] {
			extra = append(extra, r)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	for _, r := range missing {
		t.Errorf("route %s is registered in the source but not documented in openapi.json", r)
	}
	for _, r := range extra {
		t.Errorf("openapi.json documents %s, which the source does not register", r)
	}
}

// jsonNames returns the JSON member names encoding/json uses for struct type typ.
func jsonNames(typ reflect.Type) []string {
	var out []string
	for i := 0; i < typ.NumField(); i++ {
		f := typ.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			out = append(out, jsonNames(f.Type)...)
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, name)
	}
	return out
}

// sourceStructNames returns the json names of the fields of the named struct
// types declared in the package's source (the unexported request types).
func sourceStructNames(t *testing.T, types ...string) map[string][]string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for _, n := range types {
		want[n] = true
	}
	out := map[string][]string{}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			ts, ok := n.(*ast.TypeSpec)
			if !ok || !want[ts.Name.Name] {
				return true
			}
			st, ok := ts.Type.(*ast.StructType)
			if !ok {
				t.Fatalf("%s is not a struct", ts.Name.Name)
			}
			names := []string{}
			for _, fld := range st.Fields.List {
				tag := ""
				if fld.Tag != nil {
					tag = reflect.StructTag(testkit.Must(strconv.Unquote(fld.Tag.Value))(t)).Get("json")
				}
				jn, _, _ := strings.Cut(tag, ",")
				for _, id := range fld.Names {
					switch {
					case tag == "-" || !id.IsExported():
					case jn != "":
						names = append(names, jn)
					default:
						names = append(names, id.Name)
					}
				}
			}
			out[ts.Name.Name] = names
			return false
		})
	}
	for _, n := range types {
		if _, ok := out[n]; !ok {
			t.Fatalf("type %s not found in the package source", n)
		}
	}
	return out
}

// properties returns the property names of a schema, allOf included.
func (d *oaDoc) properties(s any) []string {
	f := d.flatten(s)
	out := make([]string, 0, len(f.props))
	for k := range f.props {
		out = append(out, k)
	}
	return out
}

func TestOpenAPISchemasMatchGoTypes(t *testing.T) {
	d := servedOpenAPI(t)
	types := map[string]reflect.Type{
		// request bodies
		"IntakeInput":    reflect.TypeFor[app.IntakeInput](),
		"RegisterInput":  reflect.TypeFor[app.RegisterInput](),
		"TextInput":      reflect.TypeFor[app.TextInput](),
		"AssignInput":    reflect.TypeFor[app.AssignInput](),
		"ProposeInput":   reflect.TypeFor[app.ProposeInput](),
		"ReferInput":     reflect.TypeFor[app.ReferInput](),
		"MergeInput":     reflect.TypeFor[app.MergeInput](),
		"ExtensionInput": reflect.TypeFor[app.ExtensionInput](),
		"DecisionInput":  reflect.TypeFor[app.DecisionInput](),
		"DeliveryInput":  reflect.TypeFor[app.DeliveryInput](),
		"ReplyInput":     reflect.TypeFor[app.ReplyInput](),
		"EvaluateInput":  reflect.TypeFor[app.EvaluateInput](),
		"RehandleInput":  reflect.TypeFor[app.RehandleInput](),
		"SuperviseInput": reflect.TypeFor[app.SuperviseInput](),
		"UserInput":      reflect.TypeFor[app.UserInput](),
		// answers
		"CaseSummary":  reflect.TypeFor[app.CaseSummary](),
		"CaseView":     reflect.TypeFor[app.CaseView](),
		"CasePage":     reflect.TypeFor[server.Page[app.CaseSummary]](),
		"TrackView":    reflect.TypeFor[app.TrackView](),
		"TrackStep":    reflect.TypeFor[app.TrackStep](),
		"TrackReply":   reflect.TypeFor[app.TrackReply](),
		"Assignment":   reflect.TypeFor[zhitong.Assignment](),
		"Extension":    reflect.TypeFor[zhitong.Extension](),
		"Reply":        reflect.TypeFor[zhitong.Reply](),
		"Delivery":     reflect.TypeFor[zhitong.Delivery](),
		"Evaluation":   reflect.TypeFor[zhitong.Evaluation](),
		"Event":        reflect.TypeFor[zhitong.Event](),
		"Proposal":     reflect.TypeFor[zhitong.Proposal](),
		"CategoryView": reflect.TypeFor[admin.CategoryView](),
		"Region":       reflect.TypeFor[zhitong.Region](),
		"Station":      reflect.TypeFor[app.StationItem](),
		"Deputy":       reflect.TypeFor[app.DeputyItem](),
		"Unit":         reflect.TypeFor[admin.UnitView](),
		// administration (internal/admin)
		"RegionInput":   reflect.TypeFor[admin.RegionInput](),
		"RegionPatch":   reflect.TypeFor[admin.RegionPatch](),
		"UnitInput":     reflect.TypeFor[admin.UnitInput](),
		"UnitPatch":     reflect.TypeFor[admin.UnitPatch](),
		"CategoryInput": reflect.TypeFor[admin.CategoryInput](),
		"CategoryPatch": reflect.TypeFor[admin.CategoryPatch](),
		"AuditEntry":    reflect.TypeFor[audit.Entry](),
		// accounts and tokens (internal/accounts)
		"Account":       reflect.TypeFor[accounts.Account](),
		"AccountChange": reflect.TypeFor[accounts.Change](),
		"ApiToken":      reflect.TypeFor[accounts.Token](),
	}
	for name, typ := range types {
		oaSameSet(t, "schema "+name+" vs "+typ.String(), d.properties(d.schema(name)), jsonNames(typ))
	}
	// The citizen's evaluation is EvaluateInput less "reached", which the
	// handler refuses.
	var citizen []string
	for _, n := range jsonNames(reflect.TypeFor[app.EvaluateInput]()) {
		if n != "reached" {
			citizen = append(citizen, n)
		}
	}
	oaSameSet(t, "schema CitizenEvaluationInput", d.properties(d.schema("CitizenEvaluationInput")), citizen)

	// The request types private to the server package, read from its source.
	src := sourceStructNames(t, "loginRequest", "passwordRequest", "tokenRequest", "revealRequest")
	for schema, typ := range map[string]string{"LoginInput": "loginRequest", "PasswordChangeInput": "passwordRequest",
		"TokenInput": "tokenRequest", "RevealInput": "revealRequest"} {
		oaSameSet(t, "schema "+schema+" vs "+typ, d.properties(d.schema(schema)), src[typ])
	}

	// Each documented request body is the schema of the Go type its handler decodes.
	bodies := map[string]string{
		"POST /api/v1/session":                       "LoginInput",
		"POST /api/v1/me/password":                   "PasswordChangeInput",
		"POST /api/v1/submissions":                   "IntakeInput",
		"POST /api/v1/cases":                         "IntakeInput",
		"POST /api/v1/cases/{id}/reveal":             "RevealInput",
		"POST /api/v1/track/{code}/evaluation":       "CitizenEvaluationInput",
		"POST /api/v1/cases/{id}/assign":             "AssignInput",
		"POST /api/v1/cases/{id}/reply":              "ReplyInput",
		"POST /api/v1/cases/{id}/callback":           "EvaluateInput",
		"POST /api/v1/cases/{id}/deliveries":         "DeliveryInput",
		"POST /api/v1/cases/{id}/register":           "RegisterInput",
		"POST /api/v1/cases/{id}/propose":            "ProposeInput",
		"POST /api/v1/cases/{id}/refer":              "ReferInput",
		"POST /api/v1/cases/{id}/merge":              "MergeInput",
		"POST /api/v1/cases/{id}/extension-request":  "ExtensionInput",
		"POST /api/v1/cases/{id}/extension-decision": "DecisionInput",
		"POST /api/v1/cases/{id}/rehandle":           "RehandleInput",
		"POST /api/v1/cases/{id}/supervise":          "SuperviseInput",
		"POST /api/v1/proposals/{id}/reply":          "ReplyInput",
		"POST /api/v1/users":                         "UserInput",
		"POST /api/v1/tokens":                        "TokenInput",
		"POST /api/v1/regions":                       "RegionInput",
		"PATCH /api/v1/regions/{code}":               "RegionPatch",
		"POST /api/v1/units":                         "UnitInput",
		"PATCH /api/v1/units/{id}":                   "UnitPatch",
		"POST /api/v1/categories":                    "CategoryInput",
		"PATCH /api/v1/categories/{code}":            "CategoryPatch",
	}
	for _, step := range []string{"answer", "referral-result", "decline", "accept", "return", "explain", "close", "archive"} {
		bodies["POST /api/v1/cases/{id}/"+step] = "TextInput"
	}
	for route, schema := range bodies {
		method, path, _ := strings.Cut(route, " ")
		rb, _ := d.resolve(d.operation(method, path)["requestBody"]).(map[string]any)
		if want, got := "#/components/schemas/"+schema, oaJSONSchema(rb)["$ref"]; got != want {
			t.Errorf("%s: request body %v, want %s", route, got, want)
		}
	}
}

func TestOpenAPIEnumsMatchDomain(t *testing.T) {
	d := servedOpenAPI(t)
	check := func(schema string, want []string) {
		t.Helper()
		oaSameSet(t, "enum "+schema, oaStrings(d.schema(schema)["enum"]), want)
	}
	check("Channel", oaValues(zhitong.Channels))
	check("Status", oaValues(zhitong.Statuses))
	check("Outcome", oaValues(zhitong.Outcomes))
	check("Rating", oaValues(zhitong.Ratings))
	check("Recipient", oaValues(zhitong.Recipients))
	check("FeedbackChannel", oaValues(zhitong.FeedbackChannels))
	check("Role", oaValues(zhitong.Roles))
	check("Action", oaValues(zhitong.ActionLabels))
	check("SupervisionKind", oaValues(app.SupervisionKinds))
	// Tokens may take every role but unit and deputy.
	var tokenRoles []string
	for _, r := range oaValues(zhitong.Roles) {
		if r != string(zhitong.RoleUnit) && r != string(zhitong.RoleDeputy) {
			tokenRoles = append(tokenRoles, r)
		}
	}
	oaSameSet(t, "enum TokenInput.role", oaStrings(d.schema("TokenInput")["properties"].(map[string]any)["role"].(map[string]any)["enum"]), tokenRoles)
}

// TestOpenAPIStaffOperationsNeedAuth checks the security of every
// operation against the server: those that need staff auth answer a
// citizen 401, and the public GETs do not.
func TestOpenAPIStaffOperationsNeedAuth(t *testing.T) {
	d := servedOpenAPI(t)
	e := newEnv(t)
	citizen := e.anonymous()
	staff := 0
	for _, o := range d.operations() {
		path := strings.NewReplacer("{id}", "1", "{code}", "AAAA-BBBB-CCCC").Replace(o.path)
		var body any
		if o.method != "GET" {
			body = map[string]any{}
		}
		var got apiError
		code := citizen.do(o.method, path, body, &got)
		switch {
		case !oaPublic(o.op):
			staff++
			if code != http.StatusUnauthorized || got.Error.Code != zhitong.EUNAUTHORIZED {
				t.Errorf("%s %s needs staff auth per openapi.json, but a citizen got %d %+v", o.method, o.path, code, got)
			}
		case o.method == "GET" && code == http.StatusUnauthorized:
			t.Errorf("%s %s is public per openapi.json, but a citizen got 401", o.method, o.path)
		}
	}
	if staff < 30 {
		t.Errorf("only %d operations need staff auth", staff)
	}
}

// TestOpenAPIResponsesMatchServer drives the API through a case's loop and
// the other resources, and validates every answer against the schema the
// document gives for its status code.
func TestOpenAPIResponsesMatchServer(t *testing.T) {
	d := servedOpenAPI(t)
	e := newEnv(t)
	f := e.f
	call := func(c *client, method, tmpl, path string, body any, want int) map[string]any {
		t.Helper()
		return oaCall(t, d, c, method, tmpl, path, body, want)
	}
	id := func(m map[string]any, key string) string {
		t.Helper()
		v, ok := m[key].(float64)
		if !ok {
			t.Fatalf("no %s in %v", key, m)
		}
		return strconv.FormatInt(int64(v), 10)
	}

	citizen := e.anonymous()
	officer := e.login(f.In[zhitong.RoleOfficer], "oa-officer")
	unit := e.login(f.In[zhitong.RoleUnit], "oa-unit")
	committee := e.login(f.In[zhitong.RoleCommittee], "oa-committee")

	call(citizen, "GET", "/api/v1/openapi.json", "/api/v1/openapi.json", nil, 200)
	call(citizen, "GET", "/api/v1/categories", "/api/v1/categories", nil, 200)
	call(citizen, "GET", "/api/v1/regions", "/api/v1/regions?under="+f.County, nil, 200)
	call(citizen, "GET", "/api/v1/stations", "/api/v1/stations", nil, 200)
	call(citizen, "GET", "/api/v1/deputies", "/api/v1/deputies?region="+f.County, nil, 200)
	call(citizen, "GET", "/api/v1/units", "/api/v1/units", nil, 401)
	call(officer, "GET", "/api/v1/units", "/api/v1/units", nil, 200)
	call(citizen, "GET", "/api/v1/calendar/add-workdays", "/api/v1/calendar/add-workdays?from=2026-09-30&days=5", nil, 200)
	call(citizen, "GET", "/api/v1/calendar/add-workdays", "/api/v1/calendar/add-workdays?from=2026-09-30&days=x", nil, 400)
	call(officer, "GET", "/api/v1/me", "/api/v1/me", nil, 200)
	call(citizen, "GET", "/api/v1/me", "/api/v1/me", nil, 401)

	// A citizen's case through the loop.
	call(citizen, "POST", "/api/v1/submissions", "/api/v1/submissions", map[string]any{"body": "路", "region": f.Town}, 400)
	sub := call(citizen, "POST", "/api/v1/submissions", "/api/v1/submissions", map[string]any{"body": "历市镇中心小学门口没有斑马线，孩子过马路危险",
		"region": f.Town, "name": "周一", "phone": "13907970001", "place": "中心小学", "lat": 24.78, "lng": 115.03}, 201)
	code, _ := sub["code"].(string)
	C := "/api/v1/cases/{id}"
	base := "/api/v1/cases/" + id(sub, "id")
	v := call(officer, "POST", C+"/register", base+"/register", map[string]any{"category": "roads"}, 200)
	call(officer, "POST", C+"/assign", base+"/assign", map[string]any{"lead_unit_id": f.Lead, "version": 1}, 409)
	call(officer, "POST", C+"/assign", base+"/assign", map[string]any{"lead_unit_id": f.Lead, "co_unit_ids": []int64{f.Co}, "days": 10, "version": v["version"]}, 200)
	call(unit, "POST", C+"/accept", base+"/accept", map[string]any{}, 200)
	call(unit, "POST", C+"/extension-request", base+"/extension-request", map[string]any{"days": 3, "reason": "需要协调施工队"}, 200)
	call(committee, "POST", C+"/extension-decision", base+"/extension-decision", map[string]any{"approve": true}, 200)
	call(officer, "POST", C+"/supervise", base+"/supervise", map[string]any{"kind": "phone", "note": "电话催办"}, 200)
	call(unit, "POST", C+"/reply", base+"/reply", map[string]any{"outcome": "A", "text": "已施划斑马线并设置减速带",
		"deliveries": []map[string]any{{"recipient": "congress", "channel": "written"}}}, 200)
	call(unit, "POST", C+"/deliveries", base+"/deliveries", map[string]any{"recipient": "citizen", "channel": "sms"}, 200)
	T := "/api/v1/track/{code}"
	tv := call(citizen, "GET", T, "/api/v1/track/"+code, nil, 200)
	call(citizen, "GET", T, "/api/v1/track/AAAA-BBBB-CCCC", nil, 404)
	call(citizen, "POST", T+"/evaluation", "/api/v1/track/"+code+"/evaluation", map[string]any{"rating": "satisfied", "reached": true}, 400)
	call(citizen, "POST", T+"/evaluation", "/api/v1/track/"+code+"/evaluation", map[string]any{"rating": "satisfied", "version": tv["version"]}, 200)
	call(officer, "GET", C, base, nil, 200)
	call(officer, "GET", C, "/api/v1/cases/x", nil, 404)
	call(officer, "GET", "/api/v1/cases", "/api/v1/cases?status=evaluated,closed&sort=due&per_page=5&overdue=false", nil, 200)
	call(officer, "GET", "/api/v1/cases", "/api/v1/cases?per_page=101", nil, 400)
	call(officer, "POST", C+"/reveal", base+"/reveal", map[string]any{"reason": "回访核实"}, 200)
	call(officer, "POST", C+"/close", base+"/close", map[string]any{}, 200)
	call(officer, "POST", C+"/archive", base+"/archive", map[string]any{}, 200)

	// Staff intake, a returned case turned into a proposal, its reply.
	in := call(officer, "POST", "/api/v1/cases", "/api/v1/cases", map[string]any{"body": "道路坑洼需要修补", "category": "roads", "region": f.Town, "anonymous": true}, 201)
	b2 := "/api/v1/cases/" + id(in, "id")
	call(officer, "POST", C+"/assign", b2+"/assign", map[string]any{"lead_unit_id": f.Lead}, 200)
	call(unit, "POST", C+"/return", b2+"/return", map[string]any{"text": "不属于本单位职责"}, 200)
	p := call(officer, "POST", C+"/propose", b2+"/propose", map[string]any{"title": "修缮乡村道路", "deputy_id": f.Deputy}, 200)
	P := "/api/v1/proposals/{id}"
	pid := "/api/v1/proposals/" + id(p, "proposal_id")
	call(officer, "GET", P, pid, nil, 200)
	call(officer, "POST", P+"/reply", pid+"/reply", map[string]any{"outcome": "C", "text": "已列入明年道路计划", "planned_date": "2027-06-30"}, 403)
	call(committee, "POST", P+"/reply", pid+"/reply", map[string]any{"outcome": "C", "text": "已列入明年道路计划", "planned_date": "2027-06-30"}, 200)
	call(officer, "POST", C+"/callback", b2+"/callback", map[string]any{"reached": false, "comment": "无人接听"}, 200)

	// Accounts, tokens, audit, calendar, session.
	sec := e.login(zhitong.Principal{Role: zhitong.RoleSecAdmin}, "oa-secadmin")
	created := call(sec, "POST", "/api/v1/users", "/api/v1/users", map[string]any{"username": "oa.unit", "role": "unit", "unit_id": f.Lead,
		"region": f.County, "password": "Test-Passw0rd"}, 201)
	U, uid := "/api/v1/users/{id}", "/api/v1/users/"+id(created, "id")
	call(sec, "GET", "/api/v1/users", "/api/v1/users", nil, 200)
	call(officer, "GET", "/api/v1/users", "/api/v1/users", nil, 403)
	call(sec, "GET", U, uid, nil, 200)
	call(sec, "GET", U, "/api/v1/users/99999", nil, 404)
	call(sec, "PATCH", U, uid, map[string]any{"display_name": "交通局账号"}, 200)
	call(sec, "PATCH", U, uid, map[string]any{"role": "king"}, 400)
	call(sec, "POST", U+"/disable", uid+"/disable", nil, 200)
	call(sec, "POST", U+"/enable", uid+"/enable", nil, 200)
	call(sec, "POST", U+"/unlock", uid+"/unlock", nil, 200)
	call(sec, "POST", U+"/reset-password", uid+"/reset-password", nil, 200)
	spare := call(sec, "POST", "/api/v1/tokens", "/api/v1/tokens", map[string]any{"name": "备用", "role": "integration", "region": f.County}, 201)
	call(sec, "POST", "/api/v1/tokens/{id}/revoke", "/api/v1/tokens/"+id(spare, "id")+"/revoke", nil, 200)
	call(sec, "POST", "/api/v1/tokens/{id}/revoke", "/api/v1/tokens/99999/revoke", nil, 404)
	call(sec, "POST", "/api/v1/users", "/api/v1/users", map[string]any{"username": "oa.unit", "role": "officer", "password": "Test-Passw0rd"}, 409)
	tok := call(sec, "POST", "/api/v1/tokens", "/api/v1/tokens", map[string]any{"name": "12345热线", "role": "integration", "region": f.County}, 201)
	integration := e.anonymous()
	integration.auth, _ = tok["token"].(string)
	call(integration, "GET", "/api/v1/me", "/api/v1/me", nil, 200)
	call(sec, "GET", "/api/v1/tokens", "/api/v1/tokens", nil, 200)
	call(integration, "POST", "/api/v1/submissions", "/api/v1/submissions", map[string]any{"body": "12345转来：路灯不亮", "region": f.Town, "external_id": "12345-1"}, 201)
	call(integration, "POST", "/api/v1/me/password", "/api/v1/me/password", map[string]any{"old_password": "x", "new_password": "y"}, 403)
	aud := e.login(zhitong.Principal{Role: zhitong.RoleAuditor}, "oa-auditor")
	// A two-person request answers the stored row (status pending, within the schema's enum).
	AR := "/api/v1/account-requests"
	filed := call(sec, "POST", AR, AR, map[string]any{"kind": "create", "username": "oa.sec2", "display_name": "第二安全员", "region": f.County}, 201)
	if filed["status"] != "pending" || filed["status_label"] != "待审批" {
		t.Errorf("filed request: status %v (%v), want pending", filed["status"], filed["status_label"])
	}
	call(aud, "GET", AR, AR, nil, 200)
	call(aud, "POST", AR+"/{id}/approve", AR+"/"+id(filed, "id")+"/approve", nil, 200)
	if again := call(aud, "POST", AR+"/{id}/approve", AR+"/"+id(filed, "id")+"/approve", nil, 409); again["error"].(map[string]any)["message"] != "该申请已批准" {
		t.Errorf("approving twice: %v", again["error"])
	}
	call(aud, "GET", "/api/v1/audit", "/api/v1/audit?object=case:"+id(sub, "id")+"", nil, 200)
	call(aud, "GET", "/api/v1/audit/verify", "/api/v1/audit/verify", nil, 200)
	call(officer, "GET", "/api/v1/audit/verify", "/api/v1/audit/verify", nil, 403)
	sys := e.login(zhitong.Principal{Role: zhitong.RoleSysAdmin}, "oa-sysadmin")
	call(sys, "POST", "/api/v1/calendar/schedules", "/api/v1/calendar/schedules", map[string]any{"year": 2031,
		"days": []map[string]any{{"date": "2031-01-01", "off": true, "name": "元旦"}}}, 200)
	call(officer, "POST", "/api/v1/me/password", "/api/v1/me/password", map[string]any{"old_password": "Test-Passw0rd", "new_password": "Other-Passw0rd"}, 204)
	call(officer, "DELETE", "/api/v1/session", "/api/v1/session", nil, 204)
	call(citizen, "POST", "/api/v1/session", "/api/v1/session", map[string]any{"username": "oa-auditor", "password": "wrong"}, 401)
	call(citizen, "POST", "/api/v1/session", "/api/v1/session", map[string]any{"username": "oa-auditor", "password": "Test-Passw0rd"}, 401) // two_factor_required
	call(citizen, "POST", "/api/v1/session", "/api/v1/session", map[string]any{"username": "oa-auditor", "password": "Test-Passw0rd", "code": testkit.TwoFactorCode(t, e.app, "oa-auditor")}, 200)
	// Two-factor and the sign-in policy.
	call(aud, "GET", "/api/v1/me/two-factor", "/api/v1/me/two-factor", nil, 200)
	call(aud, "POST", "/api/v1/me/two-factor", "/api/v1/me/two-factor", nil, 409)
	oaOfficer := e.login(f.In[zhitong.RoleOfficer], "oa-2fa")
	call(oaOfficer, "POST", "/api/v1/me/two-factor", "/api/v1/me/two-factor", nil, 200)
	call(oaOfficer, "POST", "/api/v1/me/two-factor/confirm", "/api/v1/me/two-factor/confirm", map[string]any{"code": "000000"}, 400)
	call(integration, "GET", "/api/v1/me/two-factor", "/api/v1/me/two-factor", nil, 403)
	pol := call(sec, "GET", "/api/v1/signin-policy", "/api/v1/signin-policy", nil, 200)
	call(sec, "PUT", "/api/v1/signin-policy", "/api/v1/signin-policy", pol, 200)
	call(sec, "PUT", "/api/v1/signin-policy", "/api/v1/signin-policy", map[string]any{"two_factor_roles": []string{}, "password_max_age_days": -1, "idle_minutes": 30, "absolute_hours": 12, "warn_minutes": 2}, 400)
	call(officer, "GET", "/api/v1/signin-policy", "/api/v1/signin-policy", nil, 401)
	call(sec, "POST", "/api/v1/users/{id}/two-factor/reset", "/api/v1/users/"+strconv.FormatInt(testkit.Must(store.GetUserByName(ctx, e.app.DB(), "oa-auditor"))(t).ID, 10)+"/two-factor/reset", nil, 204)
	call(sec, "POST", "/api/v1/users/{id}/two-factor/reset", "/api/v1/users/99999/two-factor/reset", nil, 404)

	// An unknown path under /api/ answers in the shared error shape too.
	var unknown any
	if got := citizen.do("GET", "/api/v1/no-such-thing", nil, &unknown); got != 404 {
		t.Errorf("unknown path = %d, want 404", got)
	}
	for _, msg := range d.validate("", map[string]any{"$ref": "#/components/schemas/Error"}, unknown) {
		t.Errorf("unknown path: %s", msg)
	}
}

// oaSchema is a schema with its $ref and allOf resolved.
type oaSchema struct {
	typ       string
	props     map[string]any
	required  []string
	enum      []any
	items     any
	anyOf     []any
	nullable  bool
	format    string
	min, max  *float64
	minLength *float64
}

func (d *oaDoc) flatten(s any) oaSchema {
	d.t.Helper()
	m, ok := d.resolve(s).(map[string]any)
	if !ok {
		d.t.Fatalf("schema %v is not an object", s)
	}
	out := oaSchema{props: map[string]any{}}
	if all, ok := m["allOf"].([]any); ok {
		for _, part := range all {
			p := d.flatten(part)
			for k, v := range p.props {
				out.props[k] = v
			}
			out.required = append(out.required, p.required...)
			if out.typ == "" {
				out.typ = p.typ
			}
		}
	}
	if v, ok := m["type"].(string); ok {
		out.typ = v
	}
	if props, ok := m["properties"].(map[string]any); ok {
		for k, v := range props {
			out.props[k] = v
		}
	}
	out.required = append(out.required, oaStrings(m["required"])...)
	out.enum, _ = m["enum"].([]any)
	out.items = m["items"]
	out.anyOf, _ = m["anyOf"].([]any)
	out.nullable, _ = m["nullable"].(bool)
	out.format, _ = m["format"].(string)
	num := func(k string) *float64 {
		if v, ok := m[k].(float64); ok {
			return &v
		}
		return nil
	}
	out.min, out.max, out.minLength = num("minimum"), num("maximum"), num("minLength")
	return out
}

// validate checks v against schema s; it understands the subset of OpenAPI
// 3.0 schemas this document uses, and treats a property an object schema
// does not list as an error, so that undocumented answer fields show up.
func (d *oaDoc) validate(at string, s any, v any) []string {
	f := d.flatten(s)
	if at == "" {
		at = "$"
	}
	if v == nil {
		if f.nullable || (f.typ == "" && len(f.anyOf) == 0) {
			return nil
		}
		return []string{at + ": null is not allowed"}
	}
	if len(f.anyOf) > 0 {
		var first []string
		for i, alt := range f.anyOf {
			errs := d.validate(at, alt, v)
			if len(errs) == 0 {
				return nil
			}
			if i == 0 {
				first = errs
			}
		}
		return append([]string{at + ": matches none of anyOf; the first says:"}, first...)
	}
	if len(f.enum) > 0 && !slices.Contains(f.enum, v) {
		return []string{fmt.Sprintf("%s: %v is not one of %v", at, v, f.enum)}
	}
	var errs []string
	bad := func(format string, args ...any) { errs = append(errs, at+": "+fmt.Sprintf(format, args...)) }
	switch f.typ {
	case "object":
		m, ok := v.(map[string]any)
		if !ok {
			bad("want an object, got %T", v)
			break
		}
		for _, r := range f.required {
			if _, ok := m[r]; !ok {
				bad("required property %q missing", r)
			}
		}
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			ps, ok := f.props[k]
			if !ok {
				if len(f.props) > 0 {
					bad("property %q is not documented", k)
				}
				continue
			}
			errs = append(errs, d.validate(at+"."+k, ps, m[k])...)
		}
	case "array":
		a, ok := v.([]any)
		if !ok {
			bad("want an array, got %T", v)
			break
		}
		for i, x := range a {
			errs = append(errs, d.validate(fmt.Sprintf("%s[%d]", at, i), f.items, x)...)
		}
	case "string":
		str, ok := v.(string)
		if !ok {
			bad("want a string, got %T", v)
			break
		}
		switch f.format {
		case "date":
			if _, err := time.Parse(time.DateOnly, str); err != nil {
				bad("%q is not a date", str)
			}
		case "date-time":
			if _, err := time.Parse(time.RFC3339Nano, str); err != nil {
				bad("%q is not a date-time", str)
			}
		}
		if f.minLength != nil && float64(len([]rune(str))) < *f.minLength {
			bad("%q is shorter than %v", str, *f.minLength)
		}
	case "integer", "number":
		n, ok := v.(float64)
		if !ok {
			bad("want a number, got %T", v)
			break
		}
		if f.typ == "integer" && n != math.Trunc(n) {
			bad("%v is not an integer", n)
		}
		if f.min != nil && n < *f.min || f.max != nil && n > *f.max {
			bad("%v is out of range", n)
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			bad("want a boolean, got %T", v)
		}
	}
	return errs
}

// oaJSONSchema returns the application/json schema of a request body or
// response object, or nil.
func oaJSONSchema(m map[string]any) map[string]any {
	content, _ := m["content"].(map[string]any)
	media, _ := content["application/json"].(map[string]any)
	schema, _ := media["schema"].(map[string]any)
	return schema
}

func oaStrings(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, x := range list {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}

func oaValues[T ~string](list []zhitong.Named[T]) []string {
	out := make([]string, len(list))
	for i, n := range list {
		out[i] = string(n.Value)
	}
	return out
}

// oaSameSet fails unless got and want hold the same strings.
func oaSameSet(t *testing.T, what string, got, want []string) {
	t.Helper()
	g, w := map[string]bool{}, map[string]bool{}
	for _, s := range got {
		g[s] = true
	}
	for _, s := range want {
		w[s] = true
	}
	var missing, extra []string
	for s := range w {
		if !g[s] {
			missing = append(missing, s)
		}
	}
	for s := range g {
		if !w[s] {
			extra = append(extra, s)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing) > 0 || len(extra) > 0 {
		t.Errorf("%s: in Go but not documented %v; documented but not in Go %v", what, missing, extra)
	}
}
