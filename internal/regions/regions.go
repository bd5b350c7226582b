// Package regions holds the national administrative-division tree
// (province → city → county → township) used to scope liaison stations,
// deputies and cases.
//
// Canonical codes are the prefix codes of the statistical division scheme
// without trailing zero groups: province "36", city "3607", county "360728",
// township "360728100". A subtree is therefore a prefix match. The implicit
// national root has the code "". Use Normalize to turn user input in the
// GB/T 2260 six-digit or the 9/12-digit statistical form into a canonical
// code, and Standard to turn a canonical code back into the familiar form.
package regions

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
)

// Level is the depth of a division in the tree.
type Level int

// Division levels.
const (
	National Level = iota
	Province
	City
	County
	Township
)

// String returns the Chinese name of the level.
func (l Level) String() string {
	switch l {
	case National:
		return "全国"
	case Province:
		return "省级"
	case City:
		return "市级"
	case County:
		return "县级"
	case Township:
		return "乡镇级"
	}
	return fmt.Sprintf("Level(%d)", int(l))
}

// Key returns a stable English identifier for the level, suitable for
// storage, URLs and configuration.
func (l Level) Key() string {
	switch l {
	case National:
		return "national"
	case Province:
		return "province"
	case City:
		return "city"
	case County:
		return "county"
	case Township:
		return "township"
	}
	return fmt.Sprintf("level%d", int(l))
}

// Region is one administrative division. Code is canonical (see package
// doc); ParentCode is "" for provinces and for the national root.
type Region struct {
	Code       string
	Name       string
	ParentCode string
	Level      Level
}

// NationalName is the name of the implicit national root.
const NationalName = "全国"

// Tree is the immutable division tree. It is safe for concurrent use.
type Tree struct {
	nodes []node         // nodes[0] is the national root
	index map[string]int // canonical code → position in nodes
}

type node struct {
	Region
	children []int
}

//go:embed pcas-code.json.gz
var pcasGz []byte

var loadOnce = sync.OnceValues(func() (*Tree, error) { return parse(pcasGz) })

// Load returns the division tree built from the embedded data. The data is
// parsed on the first call only; later calls return the same *Tree.
func Load() (*Tree, error) { return loadOnce() }

// jsonNode mirrors the nested {code,name,children} shape of pcas-code.json.
type jsonNode struct {
	Code     string     `json:"code"`
	Name     string     `json:"name"`
	Children []jsonNode `json:"children"`
}

func parse(gz []byte) (*Tree, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, fmt.Errorf("regions: open embedded data: %w", err)
	}
	// The gzip trailer holds the uncompressed size mod 2^32; use it to read
	// in one allocation.
	size := 0
	if n := len(gz); n >= 4 {
		size = int(binary.LittleEndian.Uint32(gz[n-4:]))
	}
	buf := bytes.NewBuffer(make([]byte, 0, size+bytes.MinRead))
	_, err = buf.ReadFrom(zr)
	raw := buf.Bytes()
	if err != nil {
		return nil, fmt.Errorf("regions: read embedded data: %w", err)
	}
	var provinces []jsonNode
	if err := json.Unmarshal(raw, &provinces); err != nil {
		return nil, fmt.Errorf("regions: decode embedded data: %w", err)
	}
	t := &Tree{
		nodes: make([]node, 1, 45000),
		index: make(map[string]int, 45000),
	}
	t.nodes[0] = node{Region: Region{Name: NationalName, Level: National}}
	t.index[""] = 0
	if err := t.add(0, provinces, Province); err != nil {
		return nil, err
	}
	return t, nil
}

// codeLen is the canonical code length for each level.
var codeLen = [...]int{National: 0, Province: 2, City: 4, County: 6, Township: 9}

func (t *Tree) add(parent int, kids []jsonNode, lvl Level) error {
	if len(kids) == 0 {
		return nil
	}
	if lvl > Township {
		return fmt.Errorf("regions: data deeper than township under %q", t.nodes[parent].Code)
	}
	pcode := t.nodes[parent].Code
	ids := make([]int, 0, len(kids))
	for _, k := range kids {
		if len(k.Code) != codeLen[lvl] || !strings.HasPrefix(k.Code, pcode) || !allDigits(k.Code) {
			return fmt.Errorf("regions: bad code %q under %q", k.Code, pcode)
		}
		if _, dup := t.index[k.Code]; dup {
			return fmt.Errorf("regions: duplicate code %q", k.Code)
		}
		id := len(t.nodes)
		t.nodes = append(t.nodes, node{Region: Region{Code: k.Code, Name: k.Name, ParentCode: pcode, Level: lvl}})
		t.index[k.Code] = id
		ids = append(ids, id)
	}
	t.nodes[parent].children = ids
	for i, k := range kids {
		if err := t.add(ids[i], k.Children, lvl+1); err != nil {
			return err
		}
	}
	return nil
}

// Len returns the number of divisions in the tree, not counting the
// national root.
func (t *Tree) Len() int { return len(t.nodes) - 1 }

// Get returns the division with the given canonical code. Get("") returns
// the national root.
func (t *Tree) Get(code string) (Region, bool) {
	i, ok := t.index[code]
	if !ok {
		return Region{}, false
	}
	return t.nodes[i].Region, true
}

// Children returns the direct subdivisions of code in data order, or nil
// if code is unknown or a leaf. Children("") lists the provinces.
func (t *Tree) Children(code string) []Region {
	i, ok := t.index[code]
	if !ok || len(t.nodes[i].children) == 0 {
		return nil
	}
	out := make([]Region, len(t.nodes[i].children))
	for j, c := range t.nodes[i].children {
		out[j] = t.nodes[c].Region
	}
	return out
}

// Subtree returns code and all of its descendants in depth-first pre-order
// (every parent before its children), or nil if code is unknown.
// Subtree("") starts with the national root.
func (t *Tree) Subtree(code string) []Region {
	i, ok := t.index[code]
	if !ok {
		return nil
	}
	var out []Region
	var walk func(int)
	walk = func(i int) {
		out = append(out, t.nodes[i].Region)
		for _, c := range t.nodes[i].children {
			walk(c)
		}
	}
	walk(i)
	return out
}

// Path returns the chain from the province down to code inclusive, or nil
// if code is unknown. The national root is not included, so Path("") is
// empty.
func (t *Tree) Path(code string) []Region {
	i, ok := t.index[code]
	if !ok {
		return nil
	}
	n := t.nodes[i]
	out := make([]Region, n.Level)
	for j := int(n.Level) - 1; j >= 0; j-- {
		out[j] = n.Region
		n = t.nodes[t.index[n.ParentCode]]
	}
	return out
}

// Normalize converts a division code in any accepted form into its
// canonical prefix code:
//
//   - canonical forms of 2, 4, 6 or 9 digits ("36", "3607", "360728",
//     "360728100");
//   - GB/T 2260 six-digit form with trailing "00" groups ("360000" → "36",
//     "360700" → "3607");
//   - the 12-digit statistical form ("360728100000" → "360728100",
//     "360728000000" → "360728"); a 9-digit code ending in "000" is
//     county-level ("360728000" → "360728").
//
// Trailing zero groups are always dropped, so the pseudo-county codes of
// prefecture cities without counties (东莞 "441900") normalize to the city
// ("4419"), whose subtree contains them, while their townships keep the
// zero group ("441900003000" → "441900003"). Village-level 12-digit codes,
// a zero province group, non-digits and other lengths (including "") are
// rejected. Normalize checks the form
// only; use Tree.Get to check that the division exists.
func Normalize(code string) (string, error) {
	bad := func() (string, error) {
		return "", fmt.Errorf("行政区划代码格式不正确：%q", code)
	}
	if !allDigits(code) {
		return bad()
	}
	// Segment boundaries: province 2, city 4, county 6, township 9, village 12.
	var ends []int
	switch len(code) {
	case 2:
		ends = []int{2}
	case 4:
		ends = []int{2, 4}
	case 6:
		ends = []int{2, 4, 6}
	case 9:
		ends = []int{2, 4, 6, 9}
	case 12:
		if code[9:] != "000" {
			return bad() // village level is not part of the tree
		}
		ends = []int{2, 4, 6, 9}
	default:
		return bad()
	}
	// Drop trailing all-zero segments. A zero segment followed by a
	// non-zero one is kept: the pseudo-county "00" of 东莞 has townships
	// ("441900003"). The province segment itself must not be zero.
	if code[:2] == "00" {
		return bad()
	}
	keep, start := 0, 0
	for _, end := range ends {
		if strings.Trim(code[start:end], "0") != "" {
			keep = end
		}
		start = end
	}
	return code[:keep], nil
}

// Standard converts a canonical code into the conventional display form:
// 2 and 4 digits are padded to the six-digit GB/T 2260 form ("36" →
// "360000", "3607" → "360700"), 6 digits are returned as is, and a 9-digit
// township code is padded to the 12-digit statistical form ("360728100" →
// "360728100000"). Anything else is returned unchanged.
func Standard(code string) string {
	switch len(code) {
	case 2:
		return code + "0000"
	case 4:
		return code + "00"
	case 9:
		return code + "000"
	}
	return code
}

// Contains reports whether the canonical code lies within the subtree of
// the canonical scope, including scope itself. The national scope ""
// contains every code. Both arguments must be canonical (digits, length
// 2, 4, 6 or 9; scope may also be ""); anything else yields false, so a
// malformed scope never grants access.
func Contains(scope, code string) bool {
	if !canonical(code) && code != "" {
		return false
	}
	if scope == "" {
		return true
	}
	return canonical(scope) && strings.HasPrefix(code, scope)
}

func canonical(code string) bool {
	switch len(code) {
	case 2, 4, 6, 9:
		return allDigits(code)
	}
	return false
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
