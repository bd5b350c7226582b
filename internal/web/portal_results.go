package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/store"
)

const resultsPerPage = 20

// resultCountKeys is how many filters' counts the results board keeps.
const resultCountKeys = 1000

type resultsFilter struct {
	Town, Category, Outcome, Station string
}

type resultsData struct {
	Filter     resultsFilter
	Results    []app.PublicResult
	Total      int
	More       bool // more than store.PublicCountCap: Total is the cap, and the pages stop there
	Page       int
	Pages      int
	PrevURL    string
	NextURL    string
	Towns      []zhitong.Region
	Categories []zhitong.Category
	Outcomes   []zhitong.Named[zhitong.Outcome]
	Station    string // the station's name when filtered by station
	Totals     app.CountyTotals
}

// pageURL is /results with the filters and page n, so every page can be
// linked and reloaded; after, when set, is the cursor of the previous
// page's last row: the page is read from there (the number only labels it),
// at the cost of page 1 however deep.
func (f resultsFilter) pageURL(n int, after string) string {
	q := url.Values{}
	if after != "" {
		q.Set("after", after)
	}
	for k, v := range map[string]string{"town": f.Town, "category": f.Category, "outcome": f.Outcome, "station": f.Station} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if n > 1 {
		q.Set("page", strconv.Itoa(n))
	}
	if len(q) == 0 {
		return "/results"
	}
	return "/results?" + q.Encode()
}

func (h *Handler) results(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	d := resultsData{Filter: resultsFilter{Town: q.Get("town"), Category: q.Get("category"), Outcome: q.Get("outcome"), Station: q.Get("station")},
		Outcomes: zhitong.Outcomes}
	d.Page = 1
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return zhitong.Invalid("page", "页码应为正整数")
		}
		d.Page = n
	}
	in := app.ResultsInput{Region: d.Filter.Town, Category: d.Filter.Category, Outcome: zhitong.Outcome(d.Filter.Outcome),
		Page: d.Page, PerPage: resultsPerPage, After: q.Get("after")}
	if d.Filter.Station != "" {
		id, err := strconv.ParseInt(d.Filter.Station, 10, 64)
		if err != nil {
			return zhitong.Errorf(zhitong.ENOTFOUND, "联络站不存在")
		}
		st, err := h.app.PublicStation(ctx, id)
		if err != nil {
			return err
		}
		in.Station, d.Station = id, st.Name
	}
	// The count is kept per filter for a minute (stale.Cache): counting up
	// to the cap was most of the page on PostgreSQL at a million cases.
	in.NoCount = true
	var err error
	if d.Results, _, err = h.app.PublicResults(ctx, in); err != nil {
		return err
	}
	key := app.ResultsInput{Region: in.Region, Category: in.Category, Outcome: in.Outcome, Station: in.Station}
	if d.Total, err = h.resultCounts.Get(ctx, key, func(ctx context.Context) (int, error) { return h.app.PublicResultsCount(ctx, key) }); err != nil {
		return err
	}
	// A kept count may be older than the page: never fewer than shown.
	d.Total = max(d.Total, (d.Page-1)*resultsPerPage+len(d.Results))
	if d.More = d.Total > store.PublicCountCap; d.More {
		d.Total = store.PublicCountCap // counted up to the cap plus one
	}
	d.Pages = max((d.Total+resultsPerPage-1)/resultsPerPage, 1)
	if d.Page > 1 {
		d.PrevURL = d.Filter.pageURL(min(d.Page-1, d.Pages), "")
	}
	if n := len(d.Results); d.Page < d.Pages && n > 0 {
		d.NextURL = d.Filter.pageURL(d.Page+1, d.Results[n-1].After)
	}
	regions, err := h.app.Regions(ctx, "")
	if err != nil {
		return err
	}
	for _, rg := range regions {
		if rg.Level == 4 {
			d.Towns = append(d.Towns, rg)
		}
	}
	if d.Categories, err = h.app.Categories(ctx); err != nil {
		return err
	}
	if d.Totals, err = h.app.CountyTotals(ctx, ""); err != nil {
		return err
	}
	title := "办理公示"
	if d.Station != "" {
		title = d.Station + " · 办理公示"
	}
	if d.Page > 1 {
		title += "（第 " + strconv.Itoa(d.Page) + " 页）"
	}
	return h.render(w, r, http.StatusOK, "portal_results", title, d)
}
