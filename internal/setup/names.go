package setup

import (
	"strings"
	"unicode/utf8"

	"zhitong/internal/regions"
)

// Names are an organisation's names as set up.
type Names struct {
	OrgName       string // 人大常委会, e.g. 定南县人大常委会
	CommitteeName string // its 代表工作委员会
	ShortName     string // for document numbers, e.g. 定南人大
}

// DefaultNames derives the organisation's names from the region: 定南县 →
// 定南县人大常委会, 定南县人大常委会代表工作委员会, 定南人大. The districts
// group of a municipality (市辖区) takes the municipality's name.
func DefaultNames(tree *regions.Tree, r regions.Region) Names {
	name := r.Name
	if (name == "市辖区" || name == "县") && r.ParentCode != "" {
		if p, ok := tree.Get(r.ParentCode); ok {
			name = p.Name
		}
	}
	org := name + "人大常委会"
	return Names{OrgName: org, CommitteeName: org + "代表工作委员会", ShortName: shortPlace(name) + "人大"}
}

// autonomousRegions are the provinces whose short names the suffix rule cannot find.
var autonomousRegions = map[string]string{
	"内蒙古自治区": "内蒙古", "广西壮族自治区": "广西", "西藏自治区": "西藏", "宁夏回族自治区": "宁夏", "新疆维吾尔自治区": "新疆",
	"香港特别行政区": "香港", "澳门特别行政区": "澳门",
}

// shortPlace drops the administrative suffix of a place name: 龙南市 → 龙南,
// 西湖区 → 西湖. An autonomous prefecture or county keeps its first two
// characters (恩施土家族苗族自治州 → 恩施); a one-character place keeps its
// suffix (泾县).
func shortPlace(name string) string {
	if s, ok := autonomousRegions[name]; ok {
		return s
	}
	if strings.Contains(name, "自治") {
		r := []rune(name)
		return string(r[:2])
	}
	for _, suf := range []string{"林区", "新区", "省", "市", "县", "区", "旗", "盟", "州"} {
		if s, ok := strings.CutSuffix(name, suf); ok && utf8.RuneCountInString(s) >= 2 {
			return s
		}
	}
	return name
}

// Match is a region found by Search, with its full name (江西省赣州市龙南市).
type Match struct {
	regions.Region
	FullName string
}

// Search finds the regions that can be set up (province, city, county)
// whose code or name matches q, at most limit of them, in tree order.
func Search(tree *regions.Tree, q string, limit int) []Match {
	q = strings.TrimSpace(q)
	if q == "" {
		return nil
	}
	if code, err := regions.Normalize(q); err == nil {
		if r, ok := tree.Get(code); ok && Settable(r) {
			return []Match{{Region: r, FullName: FullName(tree, r.Code)}}
		}
	}
	var out []Match
	for _, r := range tree.Subtree("") {
		if !Settable(r) || !strings.Contains(r.Name, q) {
			continue
		}
		out = append(out, Match{Region: r, FullName: FullName(tree, r.Code)})
		if len(out) == limit {
			break
		}
	}
	return out
}

// Settable reports whether a region can have its own deployment: a
// province, city or county (a township has no standing committee).
func Settable(r regions.Region) bool {
	return r.Level >= regions.Province && r.Level <= regions.County
}

// FullName joins the names from the province down: 江西省赣州市龙南市.
func FullName(tree *regions.Tree, code string) string {
	var b strings.Builder
	for _, r := range tree.Path(code) {
		if r.Name == "市辖区" || r.Name == "县" {
			continue
		}
		b.WriteString(r.Name)
	}
	return b.String()
}
