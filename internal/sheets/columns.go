package sheets

import (
	"context"
	"strconv"
	"strings"

	"zhitong"
	"zhitong/internal/store"
)

// Column is one column of an import sheet: one line per column in each
// kind's spec.
type Column struct {
	Header   string   // the Chinese header, exactly as in the template
	Field    string   // the field name the app's checks report (zhitong.Invalid), so a problem lands in this column
	Required bool     // an empty cell is a problem
	Options  []string // the values a drop-down list offers; a cell must be one of them
	Multi    bool     // several values separated by 、
	Text     bool     // a code kept as text, so Excel does not turn 360728100 into a number
	Example  string   // the template's example row
	Help     string   // what the column means, on the template's 说明 sheet
}

// sep joins the values of a Multi column; the import also accepts commas and semicolons.
const sep = "、"

// Spec describes one kind of import: its columns, natural key and the role
// that imports it.
type Spec struct {
	Name  string       // units, stations, deputies, users
	Label string       // 承办单位 …
	Role  zhitong.Role // who imports it in the browser
	// Key lists the headers whose values identify a record: a re-import
	// updates the record with the same key instead of adding another.
	Key     []string
	KeyHelp string
	Columns []Column
	open    func(ctx context.Context, s *Service, q store.Q, p zhitong.Principal) (handler, error)
}

// handler saves the rows of one kind and lists its records for export.
type handler interface {
	save(ctx context.Context, tx *store.Tx, r record) (Outcome, error)
	export(ctx context.Context) ([][]string, error)
}

// Headers returns the header row.
func (s *Spec) Headers() []string {
	out := make([]string, len(s.Columns))
	for i, c := range s.Columns {
		out[i] = c.Header
	}
	return out
}

func (s *Spec) column(field string) string {
	for _, c := range s.Columns {
		if c.Field == field {
			return c.Header
		}
	}
	return ""
}

// record is one data row of a sheet, by header.
type record struct {
	n     int // the row number as Excel shows it
	cells map[string]string
}

func (r record) get(header string) string { return r.cells[header] }

// list splits a Multi cell.
func (r record) list(header string) []string { return splitList(r.cells[header]) }

func splitList(s string) []string {
	var out []string
	for _, v := range strings.FieldsFunc(s, func(c rune) bool { return strings.ContainsRune("、,，;；\n", c) }) {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// float reads a number cell; empty is 0.
func (r record) float(header, field string) (float64, error) {
	v := r.cells[header]
	if v == "" {
		return 0, nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return 0, zhitong.Invalid(field, "请填写数字，如 24.78")
	}
	return f, nil
}

func formatFloat(f float64) string {
	if f == 0 {
		return ""
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// labels lists the Chinese names of named values, for a drop-down list.
func labels[T ~string](list []zhitong.Named[T]) []string {
	out := make([]string, len(list))
	for i, n := range list {
		out[i] = n.Label
	}
	return out
}

// valueOf finds the value whose Chinese name (or value) is label.
func valueOf[T ~string](list []zhitong.Named[T], label string) (T, bool) {
	for _, n := range list {
		if n.Label == label || string(n.Value) == label {
			return n.Value, true
		}
	}
	return "", false
}

// byName resolves names to ids among the records p may reference, and says
// in Chinese which one is unknown or ambiguous.
type byName map[string][]int64

func (m byName) add(name string, id int64) { m[name] = append(m[name], id) }

func (m byName) find(field, what, name string) (int64, error) {
	switch ids := m[name]; len(ids) {
	case 0:
		return 0, zhitong.Invalid(field, "%s“%s”不存在或不在您的管辖范围内", what, name)
	case 1:
		return ids[0], nil
	default:
		return 0, zhitong.Invalid(field, "您的管辖范围内有 %d 个名为“%s”的%s，无法确定是哪一个", len(ids), name, what)
	}
}
