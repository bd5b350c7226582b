package web

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/topics"
)

// workPerPage is the length of one page of the case list.
const workPerPage = 20

// workListInput turns the list's URL parameters into a ListInput. The same
// parameters make the queue links, so a queue's count is its list's total.
func (h *Handler) workListInput(v url.Values) (app.ListInput, error) {
	in := app.ListInput{Query: strings.TrimSpace(v.Get("q")), Category: v.Get("category"), Channel: zhitong.Channel(v.Get("channel")),
		Overdue: v.Get("overdue") == "1", ExtensionPending: v.Get("ext") == "1", From: v.Get("from"), To: v.Get("to"),
		Sort: v.Get("sort"), PerPage: workPerPage}
	for _, s := range v["status"] {
		if s != "" {
			in.Status = append(in.Status, zhitong.Status(s))
		}
	}
	var err error
	if in.Station, err = workID(v.Get("station"), "station", "联络站"); err != nil {
		return in, err
	}
	if in.Unit, err = workID(v.Get("unit"), "unit", "承办单位"); err != nil {
		return in, err
	}
	if v.Get("pending") == "1" {
		in.UnitState = zhitong.AssignmentPending
	}
	in.CoOpinionDue = v.Get("coop") == "1"
	if v.Get("soon") == "1" {
		if in.DueBy, err = h.workDueSoonBy(); err != nil {
			return in, err
		}
	}
	if p := v.Get("page"); p != "" {
		if in.Page, err = strconv.Atoi(p); err != nil || in.Page < 1 {
			return in, zhitong.Invalid("page", "页码应为正整数")
		}
	}
	in.After, in.Before = v.Get("after"), v.Get("before")
	return in, nil
}

// workPageParam reads the page number of an offset-paged list of perPage
// rows: 1 when absent, and no further than the first store.ListCountCap
// rows (a 400 with the reason), so no request reads a long way into a table.
func workPageParam(v string, perPage int) (int, error) {
	if v == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, zhitong.Invalid("page", "页码应为正整数")
	}
	if last := app.MaxPage(perPage, false); n > last {
		return 0, zhitong.Invalid("page", "页码不能超过 %d，请用筛选条件缩小范围", last)
	}
	return n, nil
}

// workCaseRow is a case in the list, with its deadline mark.
type workCaseRow struct{ app.CaseSummary }

// Mark is "overdue", "soon" or "".
func (c workCaseRow) Mark() string { return workDueMark(c.DaysLeft, c.Overdue) }

type workListData struct {
	Filter       url.Values
	Rows         []workCaseRow
	Total        int
	Page, Pages  int
	Refs         *workRefs
	Error, Field string
	Unit         bool // the viewer is a handling unit
	More         bool // the list counted more than its cap (store.ListCountCap, a search store.SearchCountCap): Total shows the cap
	// SortedNewest, when not 0, says a search sorted by deadline or last
	// update orders only its newest SortedNewest hits (app.CasePage).
	SortedNewest int
	// PrevURL and NextURL link the neighbouring pages: by number within
	// the counted pages, by cursor (before=, after=) beyond them or once a
	// cursor is in use (Cursor: the page's number is then unknown).
	PrevURL, NextURL string
	Cursor           bool
	Short            bool // the query is one character: the index needs two
	Code             bool // the query is a tracking code not found in the viewer's jurisdiction
	// Stat names the statistic whose cases the list shows (stat=…, from the
	// statistics dashboard, internal/stats); StatBack returns to it.
	Stat, StatBack string
	// Batch is the 批量交办 form (work_batch_assign.go); nil when the
	// viewer may not assign.
	Batch *workBatch
}

// Has reports whether the filter has value v for key.
func (d *workListData) Has(key, v string) bool {
	for _, x := range d.Filter[key] {
		if x == v {
			return true
		}
	}
	return false
}

// Statuses lists every status for the filter.
func (d *workListData) Statuses() []zhitong.Named[zhitong.Status] { return zhitong.Statuses }

// Channels lists every channel for the filter.
func (d *workListData) Channels() []zhitong.Named[zhitong.Channel] { return zhitong.Channels }

// with returns the list URL with key set to value (removed when empty) and
// the page reset, keeping every other filter.
func (d *workListData) with(key, value string) string {
	v := url.Values{}
	for k, xs := range d.Filter {
		if k != "page" && k != "after" && k != "before" && k != key {
			v[k] = xs
		}
	}
	if value != "" {
		v.Set(key, value)
	}
	if len(v) == 0 {
		return "/work/cases"
	}
	return "/work/cases?" + v.Encode()
}

// PageURL links to page n of the same list.
func (d *workListData) PageURL(n int) string { return d.with("page", strconv.Itoa(n)) }

// Prev and Next are the neighbouring page numbers.
func (d *workListData) Prev() int { return d.Page - 1 }
func (d *workListData) Next() int { return d.Page + 1 }

// SortURL links to the list sorted by a column; submitted toggles between
// newest and oldest first.
func (d *workListData) SortURL(col string) string {
	if col == "submitted" && d.sort() == "submitted" {
		col = "oldest"
	}
	return d.with("sort", col)
}

// SortState is the aria-sort value of a column header.
func (d *workListData) SortState(col string) string {
	switch s := d.sort(); {
	case col == "submitted" && s == "submitted", col == "updated" && s == "updated":
		return "descending"
	case col == "submitted" && s == "oldest", col == "due" && s == "due":
		return "ascending"
	}
	return "none"
}

func (d *workListData) sort() string {
	if s := d.Filter.Get("sort"); s != "" {
		return s
	}
	return "submitted"
}

// Filtered reports whether any filter narrows the list.
func (d *workListData) Filtered() bool {
	for k, xs := range d.Filter {
		if k != "sort" && k != "page" && k != "after" && k != "before" && len(xs) > 0 && xs[0] != "" {
			return true
		}
	}
	return false
}

func (h *Handler) workCases(w http.ResponseWriter, r *http.Request) error {
	return h.renderCases(w, r, nil)
}

// renderCases shows the list; batch, when set, is a refused 批量交办 form
// shown again with what was sent.
func (h *Handler) renderCases(w http.ResponseWriter, r *http.Request, batch *workBatch) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	if !p.May(zhitong.ActionView) {
		return zhitong.Errorf(zhitong.EFORBIDDEN, "您的角色（%s）不查看案件", zhitong.Label(zhitong.Roles, p.Role))
	}
	ctx := r.Context()
	filter := nonBlank(r.URL.Query())
	d := &workListData{Filter: filter, Page: 1, Unit: p.Role == zhitong.RoleUnit}
	region := p.RegionCode
	if len(region) > 6 {
		region = region[:6] // a township's staff see cases of the county's stations too
	}
	if d.Refs, err = h.loadWorkRefs(ctx, p, region); err != nil {
		return err
	}
	in, err := h.workListInput(filter)
	if err == nil {
		d.Stat, err = topics.Scope(ctx, h.app, p, filter, &in)
		d.StatBack = scopeBack(filter)
	}
	if id, ok := h.workCaseByCode(r, p, in.Query); ok {
		return workGo(w, r, fmt.Sprintf("/work/cases/%d", id))
	}
	status := http.StatusOK
	if d.Batch = batch; batch == nil && p.May(zhitong.ActionAssign) {
		d.Batch = &workBatch{}
	} else if batch != nil {
		status = http.StatusBadRequest
	}
	var pg app.CasePage
	if err == nil {
		pg, err = h.app.ListPage(ctx, p, in)
	}
	rows := pg.Items
	d.Total = pg.Total
	if err != nil {
		if zhitong.ErrorCode(err) != zhitong.EINVALID {
			return err
		}
		d.Error, d.Field, status = zhitong.ErrorMessage(err), zhitong.ErrorField(err), http.StatusBadRequest
	}
	for _, c := range rows {
		d.Rows = append(d.Rows, workCaseRow{c})
	}
	if in.Page > 1 {
		d.Page = in.Page
	}
	d.Pages = (d.Total + workPerPage - 1) / workPerPage
	d.SortedNewest = pg.SortedNewest
	if d.More = pg.More; d.More {
		d.Total -= 1 // the count stopped at the cap plus one
		d.Pages = d.Total / workPerPage
	}
	d.Cursor = in.After != "" || in.Before != ""
	switch {
	case d.Cursor && pg.Prev != "":
		d.PrevURL = d.with("before", pg.Prev)
	case !d.Cursor && d.Page > 1:
		d.PrevURL = d.PageURL(d.Page - 1)
	}
	switch {
	case !d.Cursor && d.Page < d.Pages:
		d.NextURL = d.PageURL(d.Page + 1)
	case pg.Next != "":
		d.NextURL = d.with("after", pg.Next)
	}
	d.Short = utf8.RuneCountInString(in.Query) == 1
	_, d.Code = app.NormalizeCode(in.Query)
	title := "案件"
	if in.Query != "" {
		title = "搜索“" + in.Query + "”"
	}
	if workHTMX(r) && r.Header.Get("HX-Target") == "case-results" {
		return h.workFragment(w, r, workSwapStatus(r, status), "work_cases", "work_results", title, d)
	}
	return h.render(w, r, status, "work_cases", title, d)
}

// workCaseByCode finds the case whose tracking code the query is: a clerk
// with a citizen on the phone types the code as read out, in any case and
// with or without dashes. Only cases in the viewer's jurisdiction are found.
func (h *Handler) workCaseByCode(r *http.Request, p zhitong.Principal, q string) (int64, bool) {
	if _, ok := app.NormalizeCode(q); !ok {
		return 0, false
	}
	id, err := h.app.CaseIDByCode(r.Context(), p, q)
	if err != nil && zhitong.ErrorCode(err) != zhitong.ENOTFOUND {
		h.log.Error("case by code", "err", err)
	}
	return id, err == nil
}

// workGo sends the browser to path: htmx is told to load the whole page
// rather than swap it into the results.
func workGo(w http.ResponseWriter, r *http.Request, path string) error {
	if workHTMX(r) {
		w.Header().Set("HX-Redirect", path)
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	http.Redirect(w, r, path, http.StatusSeeOther)
	return nil
}

// workFragment renders one block of a page, without the layout, for htmx to
// swap into place.
func (h *Handler) workFragment(w http.ResponseWriter, r *http.Request, status int, page, block, title string, data any) error {
	t, err := h.template(page)
	if err != nil {
		return err
	}
	me, _ := h.principal(r)
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, block, Page{Title: title, Me: me, Elderly: elderly(r), Path: h.here(r), Data: data}); err != nil {
		return fmt.Errorf("render %s/%s: %w", page, block, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Vary", "HX-Request")
	w.WriteHeader(status)
	_, err = buf.WriteTo(w)
	return err
}
