package regions

import (
	"strings"
	"testing"
	"time"
)

func mustLoad(t testing.TB) *Tree {
	t.Helper()
	tr, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func TestLoad(t *testing.T) {
	start := time.Now()
	tr, err := parse(pcasGz)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("parsed %d divisions in %v", tr.Len(), time.Since(start))

	// 2023 edition: 31 provinces, 342 cities, 2978 counties, 41352 townships.
	want := map[Level]int{Province: 31, City: 342, County: 2978, Township: 41352}
	got := map[Level]int{}
	for _, r := range tr.Subtree("") {
		got[r.Level]++
	}
	for l, n := range want {
		if got[l] != n {
			t.Errorf("%s: got %d divisions, want %d", l, got[l], n)
		}
	}
	if got[National] != 1 {
		t.Errorf("national roots: %d", got[National])
	}
	if tr.Len() != 31+342+2978+41352 {
		t.Errorf("Len = %d", tr.Len())
	}

	again := mustLoad(t)
	if mustLoad(t) != again {
		t.Error("Load should return the same tree on every call")
	}
}

func TestDingnan(t *testing.T) {
	tr := mustLoad(t)
	r, ok := tr.Get("360728")
	if !ok {
		t.Fatal("360728 not found")
	}
	if r != (Region{Code: "360728", Name: "定南县", ParentCode: "3607", Level: County}) {
		t.Errorf("Get(360728) = %+v", r)
	}
	want := map[string]string{
		"360728100": "历市镇",
		"360728101": "岿美山镇",
		"360728102": "老城镇",
		"360728103": "天九镇",
		"360728104": "龙塘镇",
		"360728105": "岭北镇",
		"360728106": "鹅公镇",
	}
	kids := tr.Children("360728")
	got := map[string]string{}
	for _, k := range kids {
		if k.Level != Township || k.ParentCode != "360728" {
			t.Errorf("child %+v", k)
		}
		got[k.Code] = k.Name
	}
	for code, name := range want {
		if got[code] != name {
			t.Errorf("township %s: got %q, want %q", code, got[code], name)
		}
		if r, ok := tr.Get(code); !ok || r.Name != name {
			t.Errorf("Get(%s) = %+v, %v", code, r, ok)
		}
	}
	if len(kids) != 8 { // the seven towns plus 定南县工业园 (360728400)
		t.Errorf("got %d townships, want 8: %+v", len(kids), kids)
	}

	sub := tr.Subtree("360728")
	if len(sub) != 9 || sub[0].Code != "360728" {
		t.Errorf("Subtree(360728) = %+v", sub)
	}
	if tr.Children("360728100") != nil {
		t.Error("township should have no children")
	}
}

func TestPath(t *testing.T) {
	tr := mustLoad(t)
	var names []string
	var levels []Level
	for _, r := range tr.Path("360728100") {
		names = append(names, r.Name)
		levels = append(levels, r.Level)
	}
	if got := strings.Join(names, "/"); got != "江西省/赣州市/定南县/历市镇" {
		t.Errorf("Path names = %s", got)
	}
	for i, l := range levels {
		if l != Level(i+1) {
			t.Errorf("Path level %d = %v", i, l)
		}
	}
	if p := tr.Path("36"); len(p) != 1 || p[0].Name != "江西省" {
		t.Errorf("Path(36) = %+v", p)
	}
	if p := tr.Path(""); len(p) != 0 {
		t.Errorf("Path(\"\") = %+v", p)
	}
	if p := tr.Path("999999"); p != nil {
		t.Errorf("Path(unknown) = %+v", p)
	}
}

func TestTreeEdges(t *testing.T) {
	tr := mustLoad(t)
	root, ok := tr.Get("")
	if !ok || root.Name != "全国" || root.Level != National {
		t.Errorf("Get(\"\") = %+v, %v", root, ok)
	}
	if _, ok := tr.Get("360000"); ok {
		t.Error("Get must take canonical codes only")
	}
	provs := tr.Children("")
	if len(provs) != 31 || provs[0].Code != "11" || provs[0].Name != "北京市" {
		t.Errorf("Children(\"\") = %d, first %+v", len(provs), provs[0])
	}
	if tr.Subtree("nope") != nil || tr.Children("nope") != nil {
		t.Error("unknown code should give nil")
	}
	// Parents come before children in Subtree.
	seen := map[string]bool{}
	for _, r := range tr.Subtree("36") {
		if r.Code != "36" && !seen[r.ParentCode] {
			t.Fatalf("%s listed before its parent %s", r.Code, r.ParentCode)
		}
		seen[r.Code] = true
		if !Contains("36", r.Code) {
			t.Fatalf("%s in Subtree(36) but not Contains", r.Code)
		}
	}
	// Returned slices are copies.
	kids := tr.Children("3607")
	kids[0].Name = "x"
	if tr.Children("3607")[0].Name == "x" {
		t.Error("Children must not expose internal storage")
	}
	// Pseudo-county of a prefecture city without counties.
	if r, ok := tr.Get("441900"); !ok || r.ParentCode != "4419" || r.Level != County {
		t.Errorf("Get(441900) = %+v, %v", r, ok)
	}
}

func TestLevel(t *testing.T) {
	cases := []struct {
		l         Level
		zh, key   string
		canonical int
	}{
		{National, "全国", "national", 0},
		{Province, "省级", "province", 2},
		{City, "市级", "city", 4},
		{County, "县级", "county", 6},
		{Township, "乡镇级", "township", 9},
	}
	for _, c := range cases {
		if c.l.String() != c.zh || c.l.Key() != c.key || codeLen[c.l] != c.canonical {
			t.Errorf("%d: %q %q", int(c.l), c.l.String(), c.l.Key())
		}
	}
	if Level(9).String() != "Level(9)" || Level(9).Key() != "level9" {
		t.Error("out-of-range level")
	}
}

func TestNormalize(t *testing.T) {
	ok := []struct{ in, want string }{
		{"36", "36"},
		{"3607", "3607"},
		{"360728", "360728"},
		{"360728100", "360728100"},
		{"360000", "36"},
		{"360700", "3607"},
		{"3600", "36"},
		{"360728100000", "360728100"},
		{"360728000000", "360728"},
		{"360700000000", "3607"},
		{"360000000000", "36"},
		{"360728000", "360728"},
		{"110101001", "110101001"},
		{"419001", "419001"},
		{"441900", "4419"},
		{"441900003000", "441900003"},
		{"360028", "360028"}, // form only; Tree.Get decides existence
	}
	for _, c := range ok {
		got, err := Normalize(c.in)
		if err != nil || got != c.want {
			t.Errorf("Normalize(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	bad := []string{
		"", "3", "360", "36072", "3607281", "36072810", "3607281000", "36072810000",
		"3607281000000", "360728100001", "00", "000000", "000000000000",
		"36a728", "３６", " 36", "36 ", "-36", "+36", "00072", "3600281",
		"000728", "001", "٣٦",
	}
	for _, in := range bad {
		got, err := Normalize(in)
		if err == nil {
			t.Errorf("Normalize(%q) = %q, want error", in, got)
			continue
		}
		if !strings.HasPrefix(err.Error(), "行政区划代码格式不正确：") {
			t.Errorf("Normalize(%q) error %q", in, err)
		}
	}
}

func TestStandard(t *testing.T) {
	cases := []struct{ in, want string }{
		{"36", "360000"},
		{"3607", "360700"},
		{"360728", "360728"},
		{"360728100", "360728100000"},
		{"", ""},
		{"360728100000", "360728100000"},
	}
	for _, c := range cases {
		if got := Standard(c.in); got != c.want {
			t.Errorf("Standard(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	// Round trip over the whole tree.
	tr := mustLoad(t)
	for _, r := range tr.Subtree("") {
		if r.Code == "" {
			continue
		}
		back, err := Normalize(Standard(r.Code))
		if err != nil {
			t.Fatalf("%s: %v", r.Code, err)
		}
		// Pseudo-counties (441900 …) and pseudo-townships (350527000)
		// collapse to their parent by design.
		if back != r.Code && back != r.ParentCode {
			t.Fatalf("round trip %s → %s → %s", r.Code, Standard(r.Code), back)
		}
	}
}

func TestContains(t *testing.T) {
	cases := []struct {
		scope, code string
		want        bool
	}{
		{"", "36", true},
		{"", "360728100", true},
		{"", "", true},
		{"36", "36", true},
		{"36", "3607", true},
		{"36", "360728100", true},
		{"3607", "360728", true},
		{"360728", "360728100", true},
		{"360728", "360728", true},
		{"360728100", "360728100", true},
		{"36", "", false},
		{"3607", "36", false},
		{"36", "3507", false},
		{"3607", "360828", false},
		{"360728", "360729100", false},
		{"360728100", "360728101", false},
		{"360", "3607", false},        // malformed scope
		{"36", "360", false},          // malformed code
		{"360000", "360728", false},   // scope not canonical
		{"36", "360728100000", false}, // code not canonical
		{"3a", "3a07", false},
		{"", "x", false},
	}
	for _, c := range cases {
		if got := Contains(c.scope, c.code); got != c.want {
			t.Errorf("Contains(%q, %q) = %v, want %v", c.scope, c.code, got, c.want)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	for b.Loop() {
		if _, err := parse(pcasGz); err != nil {
			b.Fatal(err)
		}
	}
}
