package web

import (
	"net/http"
	"net/url"

	"zhitong"
	"zhitong/internal/app"
)

// pager is the navigation of a list paged by cursor (app.PageInput):
// its capped total (共 10000+ 件) and links to the pages before and after,
// which keep every other parameter of the request.
type pager struct {
	Total            int
	More             bool
	PrevURL, NextURL string
}

// pageInput reads a list page's cursor; the page size is the page's own.
func pageInput(r *http.Request, perPage int) app.PageInput {
	v := r.URL.Query()
	return app.PageInput{After: v.Get("after"), Before: v.Get("before"), PerPage: perPage}
}

// pagerOf is the navigation of a page read for r (nil: the total alone).
func pagerOf[T any](r *http.Request, pg app.KeysetPage[T]) pager {
	link := func(key, cursor string) string {
		if cursor == "" || r == nil {
			return ""
		}
		v := url.Values{}
		for k, xs := range r.URL.Query() {
			if k != "after" && k != "before" {
				v[k] = xs
			}
		}
		v.Set(key, cursor)
		return r.URL.Path + "?" + v.Encode()
	}
	p := pager{Total: pg.Total, More: pg.More, PrevURL: link("before", pg.Prev), NextURL: link("after", pg.Next)}
	if p.More {
		p.Total-- // the count stopped at the cap plus one
	}
	return p
}

// noPageNumber refuses a page number on a list paged by cursor alone (an
// old bookmark, a hand-edited URL) rather than showing page 1 as page N.
func noPageNumber(r *http.Request) error {
	if v := r.URL.Query().Get("page"); v != "" && v != "1" {
		return zhitong.Invalid("page", "此列表没有页码，请用“上一页”“下一页”翻页")
	}
	return nil
}
