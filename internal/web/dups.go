package web

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"

	"zhitong"
	"zhitong/internal/dups"
)

// dupsRoutes serve the live look-ups of similar cases while a case is
// written (static/similar.js, docs/duplicates.md): on the portal form for
// citizens (public progress only) and on the walk-in desk for staff who
// may merge. Both answer an HTML fragment; bad or incomplete input answers
// an empty one (the form itself says what is missing on submitting).
func (h *Handler) dupsRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /submit/similar", h.private(h.portalSimilar))
	mux.HandleFunc("POST /work/intake/similar", h.page(h.workIntakeSimilar))
}

// maxSimilarBytes bounds a look-up's form: the text of a case and a few fields.
const maxSimilarBytes = 32 << 10

// fragment writes the template name of page's set alone, without the layout.
func (h *Handler) fragment(w http.ResponseWriter, page, name string, data any) error {
	t, err := h.template(page)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, data); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, err = buf.WriteTo(w)
	return err
}

// quiet turns invalid input into no answer: a draft being typed is
// incomplete most of the time.
func quiet(err error) error {
	if zhitong.ErrorCode(err) == zhitong.EINVALID {
		return nil
	}
	return err
}

func (h *Handler) portalSimilar(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxSimilarBytes)
	if err := r.ParseForm(); err != nil {
		return zhitong.Errorf(zhitong.EINVALID, "内容过长")
	}
	region := r.PostForm.Get("region")
	station, _ := strconv.ParseInt(r.PostForm.Get("station"), 10, 64)
	if region == "" && station > 0 {
		if st, err := h.app.PublicStation(r.Context(), station); err == nil {
			region = st.RegionCode
		}
	}
	// Nothing found says nothing while typing: Checked only with results.
	var d submitData
	if region != "" {
		var err error
		if d.Similar, err = dups.New(h.app).Public(r.Context(), dups.Draft{Region: region, Body: r.PostForm.Get("body"), Category: r.PostForm.Get("category"), Station: max(station, 0)}); quiet(err) != nil {
			return err
		}
	}
	d.Checked = len(d.Similar) > 0
	return h.fragment(w, "portal_submit", "portal_similar", &d)
}

func (h *Handler) workIntakeSimilar(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxSimilarBytes)
	if err := r.ParseForm(); err != nil {
		return zhitong.Errorf(zhitong.EINVALID, "内容过长")
	}
	var found []dups.Match
	if id, err := strconv.ParseInt(r.PostForm.Get("station_id"), 10, 64); err == nil && id > 0 {
		// The station must be one the caller covers (its region is then
		// in the caller's jurisdiction too).
		st, err := h.app.CheckStationRef(r.Context(), h.app.DB(), p, "station_id", id)
		if err != nil {
			return err
		}
		found, err = dups.New(h.app).ForDraft(r.Context(), p, dups.Draft{Region: st.RegionCode, Title: r.PostForm.Get("title"), Body: r.PostForm.Get("body"), Category: r.PostForm.Get("category"), Station: st.ID})
		if err := quiet(err); err != nil {
			return err
		}
	}
	return h.fragment(w, "work_intake", "work_similar", found)
}
