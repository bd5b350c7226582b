// Package web is the server-rendered user interface in Simplified Chinese:
// the citizen portal (phones, no account) and the staff workbench (desktop
// and tablet). Pages are html/template parsed once from an embedded FS;
// htmx (embedded too) updates lists and actions in place, and every form
// also works without JavaScript.
package web

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/alexedwards/scs/v2"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/attachments"
	"zhitong/internal/setup"
	"zhitong/internal/stale"
	"zhitong/internal/uploads"
)

//go:embed templates static
var files embed.FS

// Config wires the web UI to the application and the server's sessions.
type Config struct {
	App      *app.App
	Sessions *scs.SessionManager
	// Principal tells who is making a request (session or citizen).
	Principal func(*http.Request) (zhitong.Principal, error)
	Logger    *slog.Logger
	// PublicURL is the address citizens reach the portal at; QR codes on
	// posters and receipts use it. Empty: the address the page was opened
	// at (right on a laptop demo, wrong on an intranet PC that prints).
	PublicURL string
	// SetupGate lets a browser with the set-up token (from the server log)
	// open the first-run page; nil: only the machine itself may.
	SetupGate *setup.Gate
	// Uploads bounds the photo submissions read at once; nil: uploads.Default().
	Uploads *uploads.Gate
	// SessionClock times the sessions' idle and absolute timeouts; nil is
	// the real clock (see server.Config.SessionClock).
	SessionClock zhitong.Clock
}

// Handler serves every page.
type Handler struct {
	app       *app.App
	sessions  *scs.SessionManager
	principal func(*http.Request) (zhitong.Principal, error)
	// sessionClock times the session timeouts (Config.SessionClock).
	sessionClock zhitong.Clock
	log          *slog.Logger
	pages        map[string]func() (*template.Template, error)
	mux          *http.ServeMux // the route table, to find a POST's GET page
	publicURL    string
	gate         *setup.Gate
	uploads      *uploads.Gate
	// resultCounts is the results board's capped count per filter, kept
	// for a minute (portal_results.go).
	resultCounts *stale.Cache[app.ResultsInput, int]
}

// New returns the handler; each page's templates are parsed once per
// process, at its first use.
func New(cfg Config) (*Handler, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.SessionClock == nil {
		cfg.SessionClock = zhitong.SystemClock{}
	}
	h := &Handler{sessionClock: cfg.SessionClock, app: cfg.App, sessions: cfg.Sessions, principal: cfg.Principal, log: cfg.Logger,
		publicURL: strings.TrimRight(cfg.PublicURL, "/"), gate: cfg.SetupGate, uploads: cfg.Uploads,
		resultCounts: stale.New[app.ResultsInput, int](time.Minute, resultCountKeys, cfg.App.Now)}
	if h.uploads == nil {
		h.uploads = uploads.Default()
	}
	parsed.once.Do(func() { parsed.pages, parsed.err = parsePages() })
	if parsed.err != nil {
		return nil, parsed.err
	}
	h.pages = parsed.pages
	return h, nil
}

// parsed holds the pages of the process, each parsed at its first use:
// the templates and their functions are fixed when the program is built,
// and a parsed template is safe for concurrent use, so every Handler of the
// process shares them (parsing was a fifth of the CPU of a test that
// starts a server). Each page is parsed with the layout and every partial,
// about 0.45 MB of parse trees a page, 38 MB for all 86: parsed at
// start-up they were most of an idle server's heap, whereas a server only
// ever renders the pages its users open. TestEveryPageParses parses them all.
var parsed struct {
	once  sync.Once
	pages map[string]func() (*template.Template, error)
	err   error
}

func parsePages() (map[string]func() (*template.Template, error), error) {
	out := map[string]func() (*template.Template, error){}
	shared := []string{"templates/layout.html"}
	partials, err := fs.Glob(files, "templates/partials/*.html")
	if err != nil {
		return nil, err
	}
	shared = append(shared, partials...)
	pages, err := fs.Glob(files, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	for _, p := range pages {
		out[strings.TrimSuffix(path.Base(p), ".html")] = sync.OnceValues(func() (*template.Template, error) {
			t, err := template.New(path.Base(p)).Funcs(funcs).ParseFS(files, append(shared[:len(shared):len(shared)], p)...)
			if err != nil {
				return nil, fmt.Errorf("parse %s: %w", p, err)
			}
			return t, nil
		})
	}
	return out, nil
}

// template returns the parsed templates of a page.
func (h *Handler) template(name string) (*template.Template, error) {
	parse, ok := h.pages[name]
	if !ok {
		return nil, fmt.Errorf("no page %q", name)
	}
	return parse()
}

// handler is a page handler that returns its error; page turns it into an
// error page.
type handler func(w http.ResponseWriter, r *http.Request) error

// Page is what every template receives.
type Page struct {
	Title   string
	Me      zhitong.Principal
	Elderly bool
	Path    string // the page's address with its query (see Handler.here)
	Flash   string
	Unread  string               // the staff member's unread in-app notices, shown in the header: "" none, "999+" past app.UnreadCap
	Org     zhitong.Organisation // 人大常委会 the page speaks for (header and footer); zero when unknown
	Session *SessionInfo         // the idle-timeout warning's figures; nil when nobody is signed in
	Kiosk   int64                // the station whose kiosk this browser is (portal_kiosk.go); 0 for others
	Data    any
}

// render writes a page with the layout.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, name, title string, data any) error {
	t, err := h.template(name)
	if err != nil {
		return err
	}
	me, _ := h.principal(r)
	p := Page{Title: title, Me: me, Elderly: elderly(r), Path: h.here(r), Data: data}
	if h.sessions != nil {
		p.Flash = h.sessions.PopString(r.Context(), "flash")
	}
	if n, _ := h.app.UnreadCount(r.Context(), me); n > 0 { // a count is not worth failing a page for
		p.Unread = strconv.Itoa(min(n, app.UnreadCap))
		if n > app.UnreadCap {
			p.Unread += "+"
		}
	}
	p.Org = h.pageOrganisation(r, me)
	p.Session = h.sessionInfo(r, me)
	if me.UserID == 0 {
		p.Kiosk = kioskStation(r)
	}
	var buf bytes.Buffer
	root := "layout"
	if r.Header.Get("HX-Request") == "true" && t.Lookup("content") != nil && r.Header.Get("HX-Target") == "main" {
		root = "content"
	}
	if err := t.ExecuteTemplate(&buf, root, p); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, err = buf.WriteTo(w)
	return err
}

// page adapts a handler: errors become Chinese error pages, never stack traces.
func (h *Handler) page(fn handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := fn(w, r); err != nil {
			h.fail(w, r, err)
		}
	}
}

// Fail renders err as a Chinese error page; the server's guards use it.
func (h *Handler) Fail(w http.ResponseWriter, r *http.Request, err error) { h.fail(w, r, err) }

func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := zhitong.ErrorCode(err)
	if code == zhitong.EINTERNAL {
		h.log.Error("page failed", "path", r.URL.Path, "err", err)
	}
	if code == zhitong.EUNAUTHORIZED && r.Method == http.MethodGet {
		http.Redirect(w, r, "/login?next="+template.URLQueryEscaper(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	status := map[string]int{zhitong.EINVALID: 400, zhitong.EUNAUTHORIZED: 401, zhitong.EFORBIDDEN: 403, zhitong.EMUSTCHANGE: 403, zhitong.EENROL: 403, zhitong.ETWOFACTOR: 401, zhitong.ENOTFOUND: 404,
		zhitong.ECONFLICT: 409, zhitong.ETOOMANY: 429, zhitong.EBUSY: 503}[code]
	if status == 0 {
		status = 500
	}
	titles := map[int]string{400: "输入有误", 401: "请先登录", 403: "无权访问", 404: "页面不存在", 409: "操作冲突", 429: "操作过于频繁", 500: "系统出错了", 503: "系统繁忙"}
	data := map[string]any{"Status": status, "Message": zhitong.ErrorMessage(err)}
	if status == http.StatusUnauthorized {
		// A form posted after the session ran out: what was typed is still
		// in the browser's history, one step back.
		data["Login"] = "/login?next=" + url.QueryEscape(h.here(r))
	}
	if rerr := h.render(w, r, status, "error", titles[status], data); rerr != nil {
		h.log.Error("render error page", "err", errors.Join(err, rerr))
		http.Error(w, "系统出错了", http.StatusInternalServerError)
	}
}

// elderly reports whether the citizen turned on the large-text, high-contrast mode (适老化).
func elderly(r *http.Request) bool {
	c, err := r.Cookie("elderly")
	return err == nil && c.Value == "1"
}

func (h *Handler) toggleElderly(w http.ResponseWriter, r *http.Request) {
	v := "1"
	if elderly(r) {
		v = "0"
	}
	http.SetCookie(w, &http.Cookie{Name: "elderly", Value: v, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode, HttpOnly: true})
	back := localPath(r.URL.Query().Get("back"))
	if back == "" {
		back = "/"
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// flash shows a one-line message on the next page.
func (h *Handler) flash(r *http.Request, msg string) { h.sessions.Put(r.Context(), "flash", msg) }

var funcs = template.FuncMap{
	"bytesLabel":     bytesLabel,
	"sizeLabel":      func(n int) string { return bytesLabel(int64(n)) },
	"attachmentKind": attachments.KindLabel,
	"statusLabel":    func(s zhitong.Status) string { return zhitong.Label(zhitong.Statuses, s) },
	"actionLabel":    func(a zhitong.Action) string { return zhitong.Label(zhitong.ActionLabels, a) },
	"roleLabel":      func(r zhitong.Role) string { return zhitong.Label(zhitong.Roles, r) },
	"channelLabel":   func(c string) string { return zhitong.Label(zhitong.Channels, zhitong.Channel(c)) },
	"outcomeLabel":   func(o zhitong.Outcome) string { return zhitong.Label(zhitong.Outcomes, o) },
	"ratingLabel":    func(r zhitong.Rating) string { return zhitong.Label(zhitong.Ratings, r) },
	"date": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(zhitong.China).Format("2006-01-02")
	},
	"datetime": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(zhitong.China).Format("2006-01-02 15:04")
	},
	"deref": func(p *int) int {
		if p == nil {
			return 0
		}
		return *p
	},
	"neg": func(n int) int { return -n },
}

// bytesLabel writes a file size the way people read it: 1.5 MB, 820 KB.
func bytesLabel(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d 字节", n)
}
