// Package sheets imports deputies, handling units, stations and staff
// accounts from Excel workbooks (.xlsx), and exports them in the same
// layout, so that exporting a list and importing it again changes nothing.
//
// A file is read whole, every row is checked with the app's own rules, and
// everything is written in one transaction: a file with any problem writes
// nothing, and the report lists every problem with its row and column.
package sheets

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"zhitong"
	"zhitong/internal/accounts"
	"zhitong/internal/app"
	"zhitong/internal/store"
)

// Limits on an uploaded workbook.
const (
	MaxFileBytes = 10 << 20
	MaxRows      = 20000
)

// Service imports and exports sheets.
type Service struct{ app *app.App }

// New returns the service over a.
func New(a *app.App) *Service { return &Service{app: a} }

// Kinds lists the kinds of import, in the order the pages show them.
func Kinds() []*Spec { return []*Spec{unitSpec, stationSpec, deputySpec, userSpec} }

// Kind finds a kind by name.
func Kind(name string) (*Spec, error) {
	for _, k := range Kinds() {
		if k.Name == name {
			return k, nil
		}
	}
	return nil, zhitong.Errorf(zhitong.ENOTFOUND, "没有“%s”这种导入；可导入 units、stations、deputies、users", name)
}

// Options tune one import.
type Options struct {
	DryRun bool
	// Progress, when set, is called as rows are checked and saved.
	Progress func(done, total int)
}

// Problem is one reason a row cannot be imported.
type Problem struct {
	Row    int    `json:"row"` // 0: the whole file
	Column string `json:"column"`
	Value  string `json:"value"`
	Reason string `json:"reason"`
}

// String reads 第 3 行「所在区划代码」“999”：行政区划 999 不存在.
func (p Problem) String() string {
	var b strings.Builder
	if p.Row > 0 {
		fmt.Fprintf(&b, "第 %d 行", p.Row)
	}
	if p.Column != "" {
		fmt.Fprintf(&b, "「%s」", p.Column)
	}
	if p.Value != "" {
		fmt.Fprintf(&b, "“%s”", p.Value)
	}
	if b.Len() > 0 {
		b.WriteString("：")
	}
	b.WriteString(p.Reason)
	return b.String()
}

// Outcome says what importing a row did.
type Outcome string

// Outcomes of a row.
const (
	Added     Outcome = app.ImportAdded
	Updated   Outcome = app.ImportUpdated
	Unchanged Outcome = app.ImportUnchanged
)

// Label is the outcome in Chinese: 新增, 更新, 不变.
func (o Outcome) Label() string {
	return map[Outcome]string{Added: "新增", Updated: "更新", Unchanged: "不变"}[o]
}

// RowResult says what importing one row did (or, in a dry run, would do).
type RowResult struct {
	Row     int     `json:"row"`
	Key     string  `json:"key"`
	Outcome Outcome `json:"outcome"`
}

// Credential is the initial password of an account the import created,
// shown once; the user must change it at first sign-in.
type Credential struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// Report is what an import did, or in a dry run would do.
type Report struct {
	Kind      string       `json:"kind"`
	Label     string       `json:"label"`
	DryRun    bool         `json:"dry_run"`
	Written   bool         `json:"written"`
	Rows      []RowResult  `json:"rows"`
	Problems  []Problem    `json:"problems"`
	Added     int          `json:"added"`
	Updated   int          `json:"updated"`
	Unchanged int          `json:"unchanged"`
	Passwords []Credential `json:"passwords,omitempty"`
}

// OK reports whether every row passed.
func (r *Report) OK() bool { return len(r.Problems) == 0 }

// errRollback ends the transaction of a dry run or of a file with problems.
var errRollback = errors.New("sheets: roll back")

// Import reads an .xlsx workbook of kind and, unless it is a dry run or a
// row has a problem, writes every row in one transaction. A file that is
// not a workbook of the kind's template is an EINVALID error; problems in
// rows are in the report.
func (s *Service) Import(ctx context.Context, p zhitong.Principal, kind string, r io.Reader, opt Options) (*Report, error) {
	spec, err := Kind(kind)
	if err != nil {
		return nil, err
	}
	if err := app.MayImport(p, spec.Role, spec.Label); err != nil {
		return nil, err
	}
	recs, err := readWorkbook(spec, r)
	if err != nil {
		return nil, err
	}
	rep := &Report{Kind: spec.Name, Label: spec.Label, DryRun: opt.DryRun, Rows: []RowResult{}, Problems: []Problem{}}
	flagged := checkCells(spec, recs, rep)
	progress := func(done int) {
		if opt.Progress != nil && (done%100 == 0 || done == len(recs)) {
			opt.Progress(done, len(recs))
		}
	}
	var creds []Credential
	cellProblems := len(rep.Problems)
	err = s.app.DB().Write(ctx, func(tx *store.Tx) error {
		// PostgreSQL may run this again after a serialization failure.
		creds = nil
		rep.Rows, rep.Added, rep.Updated, rep.Unchanged = rep.Rows[:0], 0, 0, 0
		rep.Problems = rep.Problems[:cellProblems]
		h, err := spec.open(ctx, s, tx, p)
		if err != nil {
			return err
		}
		for i, rec := range recs {
			progress(i + 1)
			// A row with problems in its cells still goes through the
			// app's checks, so that the report lists the problems of its
			// other cells too; nothing is written when any row has one.
			var pw string
			if spec == userSpec { // shown only when written
				pw = initialPassword()
				rec.cells[passwordCell] = pw
			}
			out, err := h.save(ctx, tx, rec)
			if rowProblem(err) {
				for _, pr := range problemsOf(spec, rec, err) {
					if pr.Column == "" || !flagged[i][pr.Column] { // else already reported by checkCells
						rep.Problems = append(rep.Problems, pr)
					}
				}
				continue
			}
			if err != nil {
				return fmt.Errorf("row %d: %w", rec.n, err)
			}
			if flagged[i] != nil {
				continue
			}
			rep.Rows = append(rep.Rows, RowResult{Row: rec.n, Key: spec.key(rec), Outcome: out})
			switch out {
			case Added:
				rep.Added++
				if pw != "" {
					creds = append(creds, Credential{Username: rec.get(userSpec.Key[0]), Password: pw})
				}
			case Updated:
				rep.Updated++
			default:
				rep.Unchanged++
			}
		}
		if len(rep.Problems) > 0 || opt.DryRun {
			return errRollback
		}
		return nil
	})
	if err != nil && !errors.Is(err, errRollback) {
		return nil, err
	}
	headers := spec.Headers()
	slices.SortStableFunc(rep.Problems, func(a, b Problem) int {
		if a.Row != b.Row {
			return a.Row - b.Row
		}
		return slices.Index(headers, a.Column) - slices.Index(headers, b.Column)
	})
	rep.Written = err == nil
	if rep.Written {
		rep.Passwords = creds
	}
	return rep, nil
}

// passwordCell carries a new account's initial password to the users handler.
const passwordCell = "\x00password"

func initialPassword() string { return accounts.NewPassword() }

// checkCells checks what needs no database: required cells, drop-down
// values, and keys repeated inside the file. Every problem of every row is
// reported; flagged[i] holds the columns of row i that have one (nil when
// it has none), whose problems the app's checks then need not repeat.
func checkCells(spec *Spec, recs []record, rep *Report) (flagged []map[string]bool) {
	flagged = make([]map[string]bool, len(recs))
	seen := map[string]int{}
	for i, rec := range recs {
		bad := func(col, val, reason string) {
			rep.Problems = append(rep.Problems, Problem{Row: rec.n, Column: col, Value: val, Reason: reason})
			if flagged[i] == nil {
				flagged[i] = map[string]bool{}
			}
			flagged[i][col] = true
		}
		for _, c := range spec.Columns {
			v := rec.get(c.Header)
			if v == "" {
				if c.Required {
					bad(c.Header, "", "必填，不能为空")
				}
				continue
			}
			if len(c.Options) == 0 {
				continue
			}
			vals := []string{v}
			if c.Multi {
				vals = splitList(v)
			}
			for _, x := range vals {
				if !slices.Contains(c.Options, x) {
					bad(c.Header, x, "应为以下之一："+strings.Join(c.Options, "、"))
				}
			}
		}
		key := spec.key(rec)
		if first, dup := seen[key]; dup && strings.Trim(key, " /") != "" {
			bad(strings.Join(spec.Key, "+"), key, fmt.Sprintf("与第 %d 行重复：同一文件中%s不能出现两次", first, strings.Join(spec.Key, "+")))
		} else if !dup {
			seen[key] = rec.n
		}
	}
	return flagged
}

// key is a record's natural key as the report shows it.
func (s *Spec) key(r record) string {
	parts := make([]string, len(s.Key))
	for i, h := range s.Key {
		parts[i] = r.get(h)
	}
	return strings.Join(parts, " / ")
}

// rowProblem reports whether err is about the row's content (a message for
// the user), rather than a failure that ends the import.
func rowProblem(err error) bool {
	switch zhitong.ErrorCode(err) {
	case zhitong.EINVALID, zhitong.ECONFLICT, zhitong.EFORBIDDEN, zhitong.ENOTFOUND:
		return err != nil
	}
	return false
}

// joinProblems adds the problems a handler found itself (before) to those
// of the app's checks (err), dropping the app's on a field already named:
// a station that does not exist need not also be reported as missing. An
// error that is not about the row is returned alone.
func joinProblems(before []error, err error) error {
	if err != nil && !rowProblem(err) {
		return err
	}
	fields := map[string]bool{}
	for _, e := range before {
		fields[zhitong.ErrorField(e)] = true
	}
	out := slices.Clone(before)
	for _, e := range app.Problems(err) {
		if f := zhitong.ErrorField(e); f == "" || !fields[f] {
			out = append(out, e)
		}
	}
	return errors.Join(out...)
}

// problemsOf turns the app's invalid-input error for a row, which may join
// several, into problems placed in their columns.
func problemsOf(spec *Spec, rec record, err error) []Problem {
	var out []Problem
	for _, err := range app.Problems(err) {
		pr := Problem{Row: rec.n, Reason: zhitong.ErrorMessage(err)}
		if col := spec.column(zhitong.ErrorField(err)); col != "" {
			pr.Column, pr.Value = col, rec.get(col)
		}
		out = append(out, pr)
	}
	return out
}
