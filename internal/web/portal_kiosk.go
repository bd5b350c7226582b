package web

import (
	"net/http"
	"strconv"
)

// A station's kiosk (an unattended terminal in the reception room) is one
// browser shared by every visitor. Nothing of one citizen may be visible to
// the next:
//   - the submitted page shows the tracking code once (the session value is
//     popped) and is not stored by the browser, so Back or a reload does not
//     bring it back;
//   - the pages that carry a citizen's data (the form, the submitted page,
//     tracking and booking pages) are sent with Cache-Control: no-store, so
//     the browser keeps no copy of them and restores no typed field;
//   - the submitted page ends with "下一位群众", which forgets the session
//     (cookie and server side) and opens the station's empty form.

// noStore tells the browser (and any proxy) not to keep the page.
func noStore(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", "no-store")
}

// nextCitizen ends the citizen's session and opens an empty form for the
// same station.
func (h *Handler) nextCitizen(w http.ResponseWriter, r *http.Request) error {
	if err := h.sessions.Destroy(r.Context()); err != nil {
		return err
	}
	to := "/submit"
	if id, err := strconv.ParseInt(r.FormValue("station"), 10, 64); err == nil && id > 0 {
		to += "?station=" + strconv.FormatInt(id, 10)
	}
	noStore(w)
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// private is page for the citizen's own pages, which a shared browser must not keep.
func (h *Handler) private(fn handler) http.HandlerFunc {
	return h.page(func(w http.ResponseWriter, r *http.Request) error {
		noStore(w)
		return fn(w, r)
	})
}
