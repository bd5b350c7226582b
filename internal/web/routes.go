package web

import (
	"io/fs"
	"net/http"
)

// SessionUserKey is where the signed-in user's id lives in the session.
const SessionUserKey = "user_id"

// Routes is the route table of the web UI.
func (h *Handler) Routes(mux *http.ServeMux) {
	h.mux = mux
	static, _ := fs.Sub(files, "static")
	mux.Handle("GET /static/", http.StripPrefix("/static/", cacheForever(http.FileServerFS(static))))
	mux.HandleFunc("GET /elderly", h.toggleElderly)
	// Browsers ask for /favicon.ico whatever the page links: the same icon.
	mux.Handle("GET /favicon.ico", cacheForever(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/svg+xml")
		http.ServeFileFS(w, r, static, "favicon.svg")
	})))

	// Citizen portal (portal_routes.go) and staff workbench (work_routes.go).
	mux.HandleFunc("GET /{$}", h.page(h.home))
	h.portalRoutes(mux)
	h.workRoutes(mux)
	h.importRoutes(mux) // Excel import and export (work_import.go)
	h.exportRoutes(mux) // lists as Excel workbooks (work_export.go)
	h.accountWorkRoutes(mux)
	h.auditWorkRoutes(mux) // work_audit.go: audit log, two-person account requests
	h.caseDutyRoutes(mux)
	h.adminWorkRoutes(mux)    // work_admin.go: regions, units, categories
	h.exchangeWorkRoutes(mux) // work_exchange.go: 12345 and cross-deployment exchange
	h.calendarRoutes(mux)
	h.statsRoutes(mux)  // work_stats.go: statistics dashboard, its Excel, the portal's statistics
	h.topicsRoutes(mux) // work_topics.go: hot topics, analysis opinions and reports
	h.dupsRoutes(mux)   // dups.go: live look-ups of similar cases while a case is written
	h.setupRoutes(mux)
	h.publicationRoutes(mux) // work_publication.go: confirming public text
	h.signinRoutes(mux)      // signin.go: two-factor, keep-alive, sign-in policy
	h.documentsRoutes(mux)   // work_documents.go: official documents, their numbers, seals and the public verification page
	h.attachmentsRoutes(mux) // work_attachments.go: reply letters, photos after repair, intake scans
	h.ssoRoutes(mux)         // sso.go: unified identity service sign-in, its set-up and account links
	h.crossborderRoutes(mux) // work_crossborder.go: regions from the national data for cross-border stations

	// 批量交办 (work_batch_assign.go): several cases to one unit, one 交办函.
	mux.HandleFunc("POST /work/cases/batch-assign", h.page(h.workBatchAssign))

	// Accounts.
	mux.HandleFunc("GET /login", h.page(h.loginForm))
	mux.HandleFunc("POST /login", h.page(h.login))
	mux.HandleFunc("POST /logout", h.page(h.logout))
	mux.HandleFunc("GET /account", h.page(h.account))
	mux.HandleFunc("POST /account/password", h.page(h.changePassword))

	// Anything else is a Chinese 404 page.
	mux.HandleFunc("/", h.page(h.notFound))
}

func cacheForever(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=86400")
		next.ServeHTTP(w, r)
	})
}
