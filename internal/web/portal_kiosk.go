package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"zhitong/internal/store"
)

// kioskCookie marks a browser as a station's kiosk; its value is the station.
const kioskCookie = "zhitong_kiosk"

// kioskStation is the station of a kiosk browser, 0 for any other.
func kioskStation(r *http.Request) int64 {
	c, err := r.Cookie(kioskCookie)
	if err != nil {
		return 0
	}
	id, _ := strconv.ParseInt(c.Value, 10, 64)
	return max(id, 0)
}

// kioskOn makes this browser the kiosk of a station, and opens its form.
func (h *Handler) kioskOn(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.URL.Query().Get("station"), 10, 64)
	if err != nil || id <= 0 {
		return h.notFound(w, r)
	}
	if _, err := store.GetStation(r.Context(), h.app.DB(), id); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: kioskCookie, Value: strconv.FormatInt(id, 10), Path: "/", MaxAge: 10 * 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
	if err := h.sessions.Destroy(r.Context()); err != nil {
		return err
	}
	noStore(w)
	http.Redirect(w, r, "/submit?station="+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}

// kioskOff makes the browser an ordinary one again.
func (h *Handler) kioskOff(w http.ResponseWriter, r *http.Request) error {
	http.SetCookie(w, &http.Cookie{Name: kioskCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}

// kioskReset is where kiosk.js goes when a citizen walked away or a page
// came back from the history: a new session and the station's empty form.
// A GET, so the script can location.replace() it; forgetting a kiosk's
// session is all it does.
func (h *Handler) kioskReset(w http.ResponseWriter, r *http.Request) error {
	if err := h.sessions.Destroy(r.Context()); err != nil {
		return err
	}
	to := "/submit"
	if id := kioskStation(r); id > 0 {
		to += "?station=" + strconv.FormatInt(id, 10)
	}
	noStore(w)
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// kioskCodesKey keeps the codes a kiosk session may open, with when.
const kioskCodesKey = "kiosk_codes"

// kioskFor is how long a kiosk session may open a code it looked up.
const kioskFor = 15 * time.Minute

func kioskNorm(code string) string {
	return strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' {
			return -1
		}
		return r
	}, strings.ToUpper(strings.TrimSpace(code)))
}

// kioskRemember lets this session open code's page (it looked it up,
// submitted or booked it). Outside a kiosk it does nothing.
func (h *Handler) kioskRemember(r *http.Request, code string) {
	if kioskStation(r) == 0 {
		return
	}
	codes := strings.Fields(h.sessions.GetString(r.Context(), kioskCodesKey))
	codes = append(codes, kioskNorm(code)+"@"+strconv.FormatInt(h.app.Now().Unix(), 10))
	if len(codes) > 10 {
		codes = codes[len(codes)-10:]
	}
	h.sessions.Put(r.Context(), kioskCodesKey, strings.Join(codes, " "))
}

// kioskMay reports whether this kiosk session may open code's page.
func (h *Handler) kioskMay(r *http.Request, code string) bool {
	now, want := h.app.Now(), kioskNorm(code)
	return slices.ContainsFunc(strings.Fields(h.sessions.GetString(r.Context(), kioskCodesKey)), func(e string) bool {
		c, at, _ := strings.Cut(e, "@")
		sec, _ := strconv.ParseInt(at, 10, 64)
		return c == want && now.Sub(time.Unix(sec, 0)) < kioskFor
	})
}

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
//
// A browser made a kiosk (GET /kiosk?station=ID, a cookie that stays;
// /kiosk/off ends it) goes further (issue #11):
//   - a tracking or appointment page opens only for the code this session
//     looked up, submitted or booked: after 下一位群众 (a new session) the
//     Back button, the history or the address bar bring back nothing;
//   - the citizen's forms carry autocomplete="off", so the browser neither
//     offers one citizen's name and phone to the next nor restores typed
//     fields when going back;
//   - static/kiosk.js returns to the station's empty form (a new session)
//     after two minutes without a touch, and at once when a page comes
//     back from the history, so a citizen who walks away leaves nothing on
//     the screen.

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

// private is page for the citizen's own pages, which a shared browser must
// not keep. On a kiosk, a page of a code (tracking, appointment) opens only
// for the session that looked the code up.
func (h *Handler) private(fn handler) http.HandlerFunc {
	return h.page(func(w http.ResponseWriter, r *http.Request) error {
		noStore(w)
		if code := r.PathValue("code"); code != "" && kioskStation(r) != 0 && !h.kioskMay(r, code) {
			to := "/track"
			if strings.HasPrefix(r.URL.Path, "/appointments/") {
				to = "/appointments"
			}
			h.flash(r, "为保护上一位群众的隐私，公共终端上请重新输入查询码")
			http.Redirect(w, r, to, http.StatusSeeOther)
			return nil
		}
		return fn(w, r)
	})
}
