package server_test

import (
	"maps"
	"strconv"

	"zhitong"
)

// routeTable says, for every route of the server, how the reference walk
// (TestEveryRouteChecksReferences) exercises it: {} calls it with county
// B's objects in the path (or, for a list, B's ids in the query); base and
// refs also send B's ids in each reference field of the body; none(reason)
// lists a route that names nothing of a jurisdiction. A new route must be
// added here.
func routeTable() map[string]refSpec {
	t := map[string]refSpec{
		"GET /api/v1/appointments/export":         {},
		"GET /api/v1/bulletins/export":            {},
		"GET /api/v1/bulletins/{id}/export":       {},
		"GET /api/v1/callbacks/export":            {},
		"GET /api/v1/topics/export":               {},
		"GET /api/v1/analysis/opinions/export":    {},
		"GET /api/v1/cases/export":                {},
		"GET /api/v1/deliveries/export":           {},
		"GET /api/v1/points/rankings/export":      {},
		"GET /api/v1/stations/{id}/roster/export": {},
		"GET /api/v1/stats":                       {},
		// Official documents (internal/documents).
		"GET /api/v1/documents":               {},
		"GET /api/v1/documents/export":        {},
		"GET /api/v1/documents/{id}":          {},
		"GET /api/v1/documents/{id}/pdf":      {},
		"GET /api/v1/documents/{id}/docx":     {},
		"POST /api/v1/documents/{id}/correct": {base: func(a, b *county) map[string]any { return map[string]any{"reason": "测试更正"} }},
		"POST /api/v1/documents/assign": {base: func(a, b *county) map[string]any {
			return map[string]any{"unit_id": a.Unit, "case_ids": []int64{a.Assigned.ID}}
		}, refs: func(a, b *county) map[string]any {
			return map[string]any{"unit_id": b.Unit, "case_ids": []int64{b.Assigned.ID}}
		}},
		"POST /api/v1/cases/batch-assign": {base: func(a, b *county) map[string]any {
			return map[string]any{"lead_unit_id": a.Unit, "case_ids": []int64{a.Registered.ID}}
		}, refs: func(a, b *county) map[string]any {
			return map[string]any{"lead_unit_id": b.Unit, "case_ids": []int64{b.Registered.ID}}
		}},
		"POST /api/v1/documents/reply": {base: func(a, b *county) map[string]any {
			return map[string]any{"case_id": a.Assigned.ID, "reply_id": 1}
		}, refs: func(a, b *county) map[string]any { return map[string]any{"case_id": b.Assigned.ID} }},
		"POST /api/v1/documents/bulletin": {base: func(a, b *county) map[string]any { return map[string]any{"id": a.Bulletin} },
			refs: func(a, b *county) map[string]any { return map[string]any{"id": b.Bulletin} }},
		"POST /api/v1/documents/report": {base: func(a, b *county) map[string]any { return map[string]any{"id": a.Report} },
			refs: func(a, b *county) map[string]any { return map[string]any{"id": b.Report} }},
		"POST /work/documents/bulletin": {base: func(a, b *county) map[string]any { return map[string]any{"id": a.Bulletin} },
			refs: func(a, b *county) map[string]any { return map[string]any{"id": b.Bulletin} }},
		"POST /work/documents/report": {base: func(a, b *county) map[string]any { return map[string]any{"id": a.Report} },
			refs: func(a, b *county) map[string]any { return map[string]any{"id": b.Report} }},
		"POST /work/cases/{id}/attachments": {},
		"POST /api/v1/documents/duty-report": {base: func(a, b *county) map[string]any {
			return map[string]any{"deputy": a.Deputy, "from": "2026-01-01", "to": "2026-12-31"}
		}, refs: func(a, b *county) map[string]any { return map[string]any{"deputy": b.Deputy} }},
		"POST /work/documents/duty-report": {base: func(a, b *county) map[string]any {
			return map[string]any{"deputy": a.Deputy, "from": "2026-01-01", "to": "2026-12-31"}
		}, refs: func(a, b *county) map[string]any { return map[string]any{"deputy": b.Deputy} }},
		"GET /api/v1/document-prefixes":        none("the prefixes of the caller's own organisation; names nothing"),
		"PUT /api/v1/document-prefixes/{kind}": none("sets a prefix of the caller's own organisation; the path names a kind, not an object"),
		"GET /api/v1/documents-key":            none("the public key of the caller's own organisation; names nothing"),
		"GET /api/v1/verify/{code}":            none("public: the code is what a document's reader holds; the verdict names no person and no jurisdiction's data"),
		"GET /work/documents":                  {},
		"GET /work/documents.xlsx":             {},
		"GET /work/documents/{id}":             {},
		"GET /work/documents/{id}/pdf":         {},
		"GET /work/documents/{id}/docx":        {},
		"POST /work/documents/{id}/correct":    {base: func(a, b *county) map[string]any { return map[string]any{"reason": "测试更正"} }},
		"POST /work/documents/assign": {base: func(a, b *county) map[string]any {
			return map[string]any{"unit_id": a.Unit, "cases": a.Assigned.Code}
		}, refs: func(a, b *county) map[string]any { return map[string]any{"unit_id": b.Unit, "cases": b.Assigned.Code} }},
		"POST /work/cases/batch-assign": {base: func(a, b *county) map[string]any {
			return map[string]any{"lead_unit_id": a.Unit, "case_id": a.Registered.ID}
		}, refs: func(a, b *county) map[string]any {
			return map[string]any{"lead_unit_id": b.Unit, "case_id": b.Registered.ID}
		}},
		"POST /work/documents/reply": {base: func(a, b *county) map[string]any {
			return map[string]any{"case_id": a.Assigned.ID, "reply_id": 1}
		}, refs: func(a, b *county) map[string]any { return map[string]any{"case_id": b.Assigned.ID} }},
		"GET /work/document-prefixes":  none("the prefixes of the caller's own organisation; names nothing"),
		"POST /work/document-prefixes": none("sets a prefix of the caller's own organisation; the body names a kind, not an object"),
		"GET /work/document-key.pem":   none("the public key of the caller's own organisation; names nothing"),
		"GET /verify":                  none("public: the verification form; a code names no jurisdiction's data"),
		"GET /verify/{code}":           none("public: the code is what a document's reader holds; the verdict names no person and no jurisdiction's data"),
		"GET /work/topics":             {},
		"POST /work/topics/opinion":    none("a topic opinion of the caller's own jurisdiction: the body names a term, no reference (the API route is walked with a case of another county)"),
		"POST /work/topics/proposal":   {},
		"GET /work/analysis":           {},
		"POST /work/analysis/opinions": {base: func(a, b *county) map[string]any {
			return map[string]any{"proposal": "rehandle", "text": "测试研判意见内容"}
		}, refs: func(a, b *county) map[string]any { return map[string]any{"case_id": b.Assigned.ID} }},
		"POST /work/analysis/opinions/{id}/decision":  {},
		"GET /work/analysis/reports/new":              {},
		"POST /work/analysis/reports":                 none("saves a report of the caller's own jurisdiction; the body names no reference"),
		"GET /work/analysis/reports/{id}":             {},
		"POST /work/analysis/reports/{id}":            {},
		"GET /work/analysis/reports/{id}/export.xlsx": {},
		"GET /api/v1/topics":                          {},
		"GET /api/v1/topics/cases":                    {},
		"POST /api/v1/topics/proposal":                {},
		"GET /api/v1/analysis/opinions":               {},
		"POST /api/v1/analysis/opinions": {base: func(a, b *county) map[string]any {
			return map[string]any{"proposal": "rehandle", "text": "测试研判意见内容"}
		}, refs: func(a, b *county) map[string]any { return map[string]any{"case_id": b.Assigned.ID} }},
		"GET /api/v1/analysis/opinions/{id}":              {},
		"POST /api/v1/analysis/opinions/{id}/decision":    {},
		"GET /api/v1/analysis/reports/draft":              {},
		"GET /api/v1/analysis/reports":                    {},
		"POST /api/v1/analysis/reports":                   none("saves a report of the caller's own jurisdiction; the body names no reference"),
		"GET /api/v1/analysis/reports/{id}":               {},
		"PUT /api/v1/analysis/reports/{id}":               {},
		"GET /api/v1/analysis/reports/{id}/export":        {},
		"GET /api/v1/cases/{id}/duplicates":               {},
		"GET /api/v1/cases/{id}/attachments":              {},
		"POST /api/v1/cases/{id}/attachments":             {},
		"GET /api/v1/cases/{id}/attachments/{attachment}": {},
		"POST /api/v1/cases/{id}/exchange-referral":       {},
		"GET /work/admin/exchange":                        none("the system administrator's peers and outbox of their own region, no reference"),
		"POST /work/admin/exchange/peers":                 none("a peer of the system administrator's region: its region is checked against theirs (internal/exchange)"),
		"POST /work/admin/exchange/messages/{id}/retry":   none("a message id, looked up among the peers of the caller's region only (TestDeadLetters)"),
		"GET /api/v1/cases/{id}/exchange-orders":          {},
		"GET /api/v1/cases/{id}/transfer-targets":         {},
		"POST /api/v1/cases/{id}/transfer": refSpec{base: func(a, b *county) map[string]any { return map[string]any{"to": a.Code, "reason": "测试移交"} },
			refs: func(a, b *county) map[string]any { return map[string]any{"to": b.Code} }, onA: "registered"},
		"POST /api/v1/exchange/{peer}/orders":             none("signed by a peer, not a staff request: the peer's region bounds the order (internal/exchange TestInboundOrders)"),
		"POST /api/v1/exchange/{peer}/status":             none("signed by a peer, not a staff request: only the peer's own work orders (internal/exchange TestReferralRoundTrip)"),
		"GET /api/v1/admin/exchange/peers":                none("the system administrator's peers of their own region, no reference"),
		"PUT /api/v1/admin/exchange/peers/{name}":         none("a peer of the system administrator's region: its region is checked against theirs (internal/exchange)"),
		"GET /api/v1/admin/exchange/messages":             none("the outbox of the system administrator's own region's peers, no reference"),
		"POST /api/v1/admin/exchange/messages/{id}/retry": none("a message id, looked up among the peers of the caller's region only (TestDeadLetters)"),
		"POST /api/v1/duplicates": refSpec{base: func(a, b *county) map[string]any {
			return map[string]any{"region": a.Town, "body": "村道路灯损坏，夜间出行不便"}
		}, refs: func(a, b *county) map[string]any { return map[string]any{"region": b.Town, "station_id": b.Station} }},
		"POST /api/v1/duplicates/public":                 none("public: what a citizen may see of similar issues of any area, no personal data"),
		"GET /api/v1/stats/cases":                        {},
		"GET /api/v1/stats/export":                       {},
		"GET /work/appointments.xlsx":                    {},
		"GET /work/bulletins.xlsx":                       {},
		"GET /work/bulletins/{id}/export.xlsx":           {},
		"GET /work/callbacks.xlsx":                       {},
		"GET /work/topics.xlsx":                          {},
		"GET /work/analysis.xlsx":                        {},
		"GET /work/cases.xlsx":                           {},
		"GET /work/deliveries.xlsx":                      {},
		"GET /work/points.xlsx":                          {},
		"GET /work/roster.xlsx":                          {},
		"GET /work/stats":                                {},
		"GET /work/stats.xlsx":                           {},
		"GET /api/v1/audit/export":                       {},
		"GET /work/audit":                                {},
		"GET /work/audit/export":                         {},
		"POST /api/v1/users/{id}/two-factor/reset":       {},
		"POST /work/accounts/{id}/two-factor/reset":      {},
		"GET /work/accounts/{id}/sso":                    {},
		"POST /work/accounts/{id}/sso":                   {},
		"POST /work/accounts/{id}/sso/unlink":            {},
		"GET /sso/login":                                 none("starts the caller's own sign-in at the identity service, no reference"),
		"GET /sso/callback":                              none("finishes the caller's own sign-in: state and code of this session, no reference"),
		"GET /my":                                        none("the signed-in citizen's own cases, found by their own subject; no reference"),
		"GET /work/sso":                                  none("the deployment's identity-service set-up, no reference"),
		"POST /work/sso":                                 none("the deployment's identity-service set-up, no reference"),
		"GET /account/two-factor":                        none("the caller's own two-factor page"),
		"GET /account/two-factor/qr.png":                 none("the caller's own enrolment QR code"),
		"GET /account/two-factor/qr.svg":                 none("the caller's own enrolment QR code"),
		"GET /api/v1/account-requests":                   none("the requests of the caller's own jurisdiction, no reference"),
		"GET /api/v1/me/two-factor":                      none("the caller's own two-factor state"),
		"GET /api/v1/signin-policy":                      none("the deployment's sign-in policy, no reference"),
		"GET /api/v1/stats/public":                       none("public monthly figures of the whole deployment, no personal data"),
		"GET /kiosk":                                     none("turns the caller's browser into a station kiosk (public station ids)"),
		"GET /kiosk/next":                                none("starts the kiosk over, no reference"),
		"GET /kiosk/off":                                 none("ends kiosk mode, no reference"),
		"GET /login/code":                                none("the sign-in code step of the caller's own pending sign-in"),
		"GET /static/echarts.min.js":                     none("a static file"),
		"GET /statistics":                                none("public monthly figures, no personal data"),
		"GET /work/account-requests":                     none("the requests of the caller's own jurisdiction, no reference"),
		"GET /work/audit/verify":                         none("verifies the chain, no reference"),
		"GET /work/signin-policy":                        none("the deployment's sign-in policy, no reference"),
		"POST /account/two-factor/begin":                 none("the caller's own two-factor"),
		"POST /account/two-factor/confirm":               none("the caller's own two-factor"),
		"POST /account/two-factor/disable":               none("the caller's own two-factor"),
		"POST /account/two-factor/recovery-codes":        none("the caller's own recovery codes"),
		"POST /api/v1/account-requests":                  none("the requested account's region is checked by accounts rules (TestTwoPersonRule…); the audit helper's tests cover another county"),
		"POST /api/v1/account-requests/{id}/approve":     none("jurisdiction checked in internal/accounts (403 for another county), tested by the audit helper's tests"),
		"POST /api/v1/account-requests/{id}/cancel":      none("as approve"),
		"POST /api/v1/account-requests/{id}/reject":      none("as approve"),
		"POST /api/v1/me/two-factor":                     none("the caller's own two-factor"),
		"POST /api/v1/me/two-factor/confirm":             none("the caller's own two-factor"),
		"POST /login/code":                               none("the sign-in code step of the caller's own pending sign-in"),
		"POST /session/keepalive":                        none("keeps the caller's own session"),
		"POST /work/account-requests":                    none("as POST /api/v1/account-requests"),
		"POST /work/account-requests/{id}/{op}":          none("as POST /api/v1/account-requests/{id}/approve"),
		"POST /work/audit/check":                         none("checks an uploaded archive file, no reference"),
		"POST /work/signin-policy":                       none("the deployment's sign-in policy, no reference"),
		"PUT /api/v1/signin-policy":                      none("the deployment's sign-in policy, no reference"),
		"/":                                              none("the Chinese 404 page of anything unknown"),
		"/api/":                                          none("the API 404 of anything unknown"),
		"/open311/":                                      none("the Open311 404 of anything unknown"),
		"DELETE /api/v1/deputies/{id}/account":           {},
		"GET /api/v1/cases/{id}/publication":             {},
		"GET /api/v1/publication":                        none("the confirmation queue of the caller's own jurisdiction, no reference"),
		"GET /work/cases/{id}/publication":               {},
		"GET /work/publication":                          none("the confirmation queue of the caller's own jurisdiction, no reference"),
		"POST /api/v1/cases/{id}/publication/withdraw":   {},
		"POST /work/cases/{id}/publication":              {},
		"POST /work/cases/{id}/publication/withdraw":     {},
		"PUT /api/v1/cases/{id}/publication":             {},
		"DELETE /api/v1/deputies/{id}/photo":             {},
		"DELETE /api/v1/duties/{id}":                     {},
		"DELETE /api/v1/session":                         none("signs the caller out"),
		"GET /account":                                   {},
		"GET /api/v1/appointments":                       {},
		"GET /api/v1/appointments/{code}":                none("public: the booking code and phone are the citizen's credential"),
		"GET /api/v1/audit":                              {},
		"GET /api/v1/audit/verify":                       {},
		"GET /api/v1/bulletins":                          {},
		"GET /api/v1/bulletins/{id}":                     {},
		"GET /api/v1/calendar/add-workdays":              {},
		"GET /api/v1/callbacks":                          {},
		"GET /api/v1/cases":                              {},
		"GET /api/v1/cases/{id}":                         {},
		"GET /api/v1/cases/{id}/co-opinions":             {},
		"GET /api/v1/cases/{id}/notifications":           {},
		"GET /api/v1/categories":                         {},
		"GET /api/v1/deadline-policy":                    {},
		"GET /api/v1/deliveries":                         {},
		"GET /api/v1/deputies":                           none("public: the portal shows every station and deputy, with names, boards and reception days"),
		"GET /api/v1/deputies/{id}":                      none("public: the portal shows every station and deputy, with names, boards and reception days"),
		"GET /api/v1/deputies/{id}/points":               {},
		"GET /api/v1/deputies/{id}/scorecard":            none("public: the portal shows every station and deputy, with names, boards and reception days"),
		"GET /api/v1/deputies/{id}/voter-report":         {},
		"GET /api/v1/duty-records":                       {},
		"GET /api/v1/duty-records/{id}":                  {},
		"GET /api/v1/follow-ups":                         {},
		"GET /api/v1/health":                             none("health check"),
		"GET /api/v1/import/{kind}/export":               {},
		"GET /api/v1/import/{kind}/template":             none("an empty sheet"),
		"GET /api/v1/inactive-deputies":                  {},
		"GET /api/v1/me":                                 {},
		"GET /api/v1/me/duties":                          {},
		"GET /api/v1/notification-templates":             {},
		"GET /api/v1/notifications":                      {},
		"GET /api/v1/openapi.json":                       none("the API description"),
		"GET /api/v1/point-rules":                        {},
		"GET /api/v1/points/rankings":                    {},
		"GET /api/v1/proposals/{id}":                     {},
		"GET /api/v1/regions":                            {},
		"GET /api/v1/scorecard/totals":                   {},
		"GET /api/v1/stations":                           none("public: the portal shows every station and deputy, with names, boards and reception days"),
		"GET /api/v1/stations/{id}":                      none("public: the portal shows every station and deputy, with names, boards and reception days"),
		"GET /api/v1/stations/{id}/appointment-settings": {},
		"GET /api/v1/stations/{id}/appointment-slots":    none("public: the portal shows every station and deputy, with names, boards and reception days"),
		"GET /api/v1/stations/{id}/reception-days":       none("public: the portal shows every station and deputy, with names, boards and reception days"),
		"GET /api/v1/stations/{id}/reception-rules":      {},
		"GET /api/v1/stations/{id}/roster":               {},
		"GET /api/v1/supervision":                        {},
		"GET /api/v1/supervision/export":                 {},
		"GET /api/v1/supervision/letters/{id}":           none("letters are checked through their case; none exist in this fixture"),
		"GET /api/v1/supervision/proposals":              {},
		"GET /api/v1/swaps":                              {},
		"GET /api/v1/tokens":                             {},
		"GET /api/v1/track/{code}":                       none("public: the tracking code is the citizen's credential"),
		"GET /api/v1/units":                              {},
		"GET /api/v1/users":                              {},
		"GET /api/v1/users/{id}":                         {},
		"GET /appointments":                              none("public: look-up by code and phone"),
		"GET /appointments/{code}":                       none("public: the booking code and phone are the citizen's credential"),
		"GET /bulletins":                                 none("public: published bulletins"),
		"GET /bulletins/{id}":                            none("public: a published bulletin"),
		"GET /deputies/{id}/photo":                       none("public deputy photo"),
		"GET /deputies/{id}/scorecard":                   none("public deputy scorecard"),
		"GET /elderly":                                   none("a display preference cookie"),
		"GET /favicon.ico":                               none("static file"),
		"GET /healthz":                                   none("health check"),
		"GET /login":                                     none("sign-in page"),
		"GET /open311/v2/requests/{file}":                {},
		"GET /open311/v2/services/{file}":                none("public service list (categories are deployment-wide)"),
		"GET /open311/v2/tokens/{file}":                  none("Open311 token look-up: the token is the credential"),
		"GET /open311/v2/{file}":                         {},
		"GET /results":                                   none("public results board"),
		"GET /setup":                                     none("first-run page, closed once a county is set up"),
		"GET /static/":                                   none("static files"),
		"GET /stations/{id}":                             none("public station board"),
		"GET /stations/{id}/book":                        none("public booking form: any county's station"),
		"GET /stations/{id}/poster":                      none("public station poster"),
		"GET /submit":                                    none("public form"),
		"GET /submit/done":                               none("public page of the citizen's own submission"),
		"GET /track":                                     none("public form"),
		"GET /track/{code}":                              none("public: the tracking code is the citizen's credential"),
		"GET /track/{code}/photos/{id}":                  none("public: the tracking code is the citizen's credential"),
		"GET /track/{code}/attachments/{id}":             none("public: the tracking code is the citizen's credential; only attachments marked public are served"),
		"GET /work/cases/{id}/attachments/{attachment}":  {},
		"GET /work":                                      {},
		"GET /work/accounts":                             {},
		"GET /work/accounts/new":                         {},
		"GET /work/accounts/{id}":                        {},
		"GET /work/appointments":                         {},
		"GET /work/appointments/settings":                {},
		"GET /work/bulletins":                            {},
		"GET /work/bulletins/{id}":                       {},
		"GET /work/calendar":                             {},
		"GET /work/callbacks":                            {},
		"GET /work/cases":                                {},
		"GET /work/cases/{id}":                           {},
		"GET /work/cases/{id}/notices":                   {},
		"GET /work/cases/{id}/photos/{photo}":            none("photos are checked through their case (GET /work/cases/{id})"),
		"GET /work/cases/{id}/receipt":                   {},
		"GET /work/categories":                           {},
		"GET /work/categories/new":                       {},
		"GET /work/categories/{code}":                    none("categories are deployment-wide; the default unit shown is the caller's jurisdiction's"),
		"GET /work/deliveries":                           {},
		"GET /work/deputies":                             {},
		"GET /work/deputies/new":                         {},
		"GET /work/deputies/{id}":                        {},
		"GET /work/deputies/{id}/report":                 {},
		"GET /work/duties":                               {},
		"GET /work/duty":                                 {},
		"GET /work/duty/new":                             {},
		"GET /work/duty/{id}":                            {},
		"GET /work/follow-ups":                           {},
		"GET /work/import":                               {},
		"GET /work/import/{kind}/export.xlsx":            none("kind is a sheet name; the export is the caller's jurisdiction (GET /api/v1/import/{kind}/export is walked)"),
		"GET /work/import/{kind}/template.xlsx":          none("an empty sheet"),
		"GET /work/inactive":                             {},
		"GET /work/intake":                               {},
		"GET /work/notices":                              {},
		"GET /work/points":                               {},
		"GET /work/policy":                               {},
		"GET /work/proposals/{id}":                       {},
		"GET /work/regions":                              {},
		"GET /work/regions/{code}":                       {},
		"GET /work/regions/load":                         {},
		"GET /work/roster":                               {},
		"GET /work/stations":                             {},
		"GET /work/stations/new":                         {},
		"GET /work/stations/{id}":                        {},
		"GET /work/stations/{id}/reception":              {},
		"GET /work/supervision":                          {},
		"GET /work/supervision.xlsx":                     {},
		"GET /work/supervision/letters/{id}":             none("letters are checked through their case; none exist in this fixture"),
		"GET /work/templates":                            {},
		"GET /work/tokens":                               {},
		"GET /work/units":                                {},
		"GET /work/units/new":                            {},
		"GET /work/units/{id}":                           {},
		"GET /{$}":                                       none("home page"),
		"PATCH /api/v1/categories/{code}":                refSpec{base: func(a, b *county) map[string]any { return map[string]any{} }, refs: func(a, b *county) map[string]any { return map[string]any{"default_unit_id": b.Unit} }, onA: "category", noPathCall: true},
		"PATCH /api/v1/deputies/{id}": refSpec{base: func(a, b *county) map[string]any { return map[string]any{} }, refs: func(a, b *county) map[string]any {
			return map[string]any{"region": b.Town, "station_id": b.Station, "station_ids": []int64{b.Station}}
		}, onA: "deputy"},
		"PATCH /api/v1/regions/{code}": {},
		"PATCH /api/v1/stations/{id}": refSpec{base: func(a, b *county) map[string]any { return map[string]any{} }, refs: func(a, b *county) map[string]any {
			return map[string]any{"region": b.Town, "regions": []string{b.Town}}
		}, onA: "station"},
		"PATCH /api/v1/units/{id}": refSpec{base: func(a, b *county) map[string]any { return map[string]any{} }, refs: func(a, b *county) map[string]any { return map[string]any{"region_code": b.Code, "parent_id": b.Unit} }, onA: "unit"},
		"PATCH /api/v1/users/{id}": refSpec{base: func(a, b *county) map[string]any { return map[string]any{} }, refs: func(a, b *county) map[string]any {
			return map[string]any{"region": b.Code, "station_id": b.Station, "unit_id": b.Unit, "deputy_id": b.Deputy}
		}, onA: "user"},
		"POST /account/password":                  none("the caller's own password"),
		"POST /api/v1/appointments":               none("public booking: a citizen may book at any county's station"),
		"POST /api/v1/appointments/{code}/cancel": none("public: the booking code and phone are the citizen's credential"),
		"POST /api/v1/appointments/{id}/attended": {},
		"POST /api/v1/appointments/{id}/no-show":  {},
		"POST /api/v1/appointments/{id}/reassign": refSpec{base: func(a, b *county) map[string]any { return map[string]any{} }, refs: func(a, b *county) map[string]any { return map[string]any{"deputy_id": b.Deputy} }, onA: "appt"},
		"POST /api/v1/bulletins/{id}/publish":     {},
		"POST /api/v1/calendar/schedules":         none("the State Council holiday calendar is nationwide"),
		"POST /api/v1/cases": refSpec{base: func(a, b *county) map[string]any {
			return map[string]any{"body": "甲县村道路灯损坏，夜间出行不便", "category": a.Cat, "region": a.Town, "station_id": a.Station, "anonymous": true}
		}, refs: func(a, b *county) map[string]any {
			return map[string]any{"region": b.Town, "station_id": b.Station, "deputy_id": b.Deputy}
		}, onA: ""},
		"POST /api/v1/cases/{id}/accept":  {},
		"POST /api/v1/cases/{id}/answer":  {},
		"POST /api/v1/cases/{id}/archive": {},
		"POST /api/v1/cases/{id}/assign": refSpec{base: func(a, b *county) map[string]any { return map[string]any{"lead_unit_id": a.Unit} }, refs: func(a, b *county) map[string]any {
			return map[string]any{"lead_unit_id": b.Unit, "co_unit_ids": []int64{b.Unit}}
		}, onA: "registered"},
		"POST /api/v1/cases/{id}/callback":           {},
		"POST /api/v1/cases/{id}/citizen-phone":      {},
		"POST /api/v1/cases/{id}/close":              {},
		"POST /api/v1/cases/{id}/co-opinions":        {},
		"POST /api/v1/cases/{id}/decline":            {},
		"POST /api/v1/cases/{id}/deliveries":         {},
		"POST /api/v1/cases/{id}/explain":            {},
		"POST /api/v1/cases/{id}/extension-decision": {},
		"POST /api/v1/cases/{id}/extension-request":  {},
		"POST /api/v1/cases/{id}/merge":              refSpec{base: func(a, b *county) map[string]any { return map[string]any{} }, refs: func(a, b *county) map[string]any { return map[string]any{"into_case_id": b.Registered.ID} }, onA: "registered"},
		"POST /api/v1/cases/{id}/propose": refSpec{base: func(a, b *county) map[string]any { return map[string]any{"title": "关于路灯维护的建议"} }, refs: func(a, b *county) map[string]any {
			return map[string]any{"unit_id": b.Unit, "deputy_id": b.Deputy, "proposal_id": b.Proposal}
		}, onA: "registered"},
		"POST /api/v1/cases/{id}/refer":           {},
		"POST /api/v1/cases/{id}/referral-result": {},
		"POST /api/v1/cases/{id}/register": refSpec{base: func(a, b *county) map[string]any { return map[string]any{"category": a.Cat} }, refs: func(a, b *county) map[string]any {
			return map[string]any{"region": b.Town, "station_id": b.Station, "deputy_id": b.Deputy}
		}, onA: "submitted"},
		"POST /api/v1/cases/{id}/rehandle":      {},
		"POST /api/v1/cases/{id}/reply":         {},
		"POST /api/v1/cases/{id}/return":        {},
		"POST /api/v1/cases/{id}/reveal":        {},
		"POST /api/v1/cases/{id}/supervise":     {},
		"POST /api/v1/categories":               refSpec{base: func(a, b *county) map[string]any { return map[string]any{"name": "甲测类别", "due_days": 10} }, refs: func(a, b *county) map[string]any { return map[string]any{"default_unit_id": b.Unit} }, onA: ""},
		"POST /api/v1/categories/{code}/retire": none("categories are deployment-wide; who may retire one is a role rule"),
		"POST /api/v1/deputies": refSpec{base: func(a, b *county) map[string]any {
			return map[string]any{"name": "甲新代表", "levels": []string{"county"}, "region": a.Town}
		}, refs: func(a, b *county) map[string]any {
			return map[string]any{"region": b.Town, "station_id": b.Station, "station_ids": []int64{b.Station}}
		}, onA: ""},
		"POST /api/v1/deputies/{id}/phone/reveal": {},
		"POST /api/v1/deputies/{id}/reminders":    {},
		"POST /api/v1/duties/{id}/check-in":       {},
		"POST /api/v1/duties/{id}/excuse":         {},
		"POST /api/v1/duty-records": refSpec{base: func(a, b *county) map[string]any {
			return map[string]any{"kind": "reception", "day": a.Day, "station_id": a.Station, "visitors": 1, "deputy_ids": []int64{a.Deputy}}
		}, refs: func(a, b *county) map[string]any {
			return map[string]any{"station_id": b.Station, "deputy_ids": []int64{b.Deputy}, "link_cases": []string{b.Assigned.Code}}
		}, onA: ""},
		"POST /api/v1/duty-records/{id}/void":  {},
		"POST /api/v1/follow-ups/{id}":         none("follow-ups are checked through their case (authorize on the case); none exist in this fixture"),
		"POST /api/v1/import/{kind}":           none("each imported row goes through the same create/update calls as the forms (checked there); kind is a sheet name"),
		"POST /api/v1/me/password":             none("the caller's own password"),
		"POST /api/v1/notifications/read-all":  none("the caller's own notices"),
		"POST /api/v1/notifications/{id}/read": none("notices are the caller's own: another user's id is not found"),
		"POST /api/v1/points/recompute":        none("recomputes the caller's own jurisdiction; names nothing"),
		"POST /api/v1/proposals/{id}/complex":  {},
		"POST /api/v1/proposals/{id}/reply":    {},
		"POST /api/v1/proposals/{id}/unit": refSpec{base: func(a, b *county) map[string]any {
			return map[string]any{"unit_id": a.Unit2, "reason": "调整承办单位"}
		}, refs: func(a, b *county) map[string]any { return map[string]any{"unit_id": b.Unit} }, onA: "proposal"},
		"POST /api/v1/regions": refSpec{base: func(a, b *county) map[string]any {
			return map[string]any{"parent_code": a.Town, "name": "甲测新村", "kind": "village"}
		}, refs: func(a, b *county) map[string]any { return map[string]any{"parent_code": b.Town} }, onA: ""},
		"POST /api/v1/regions/{code}/retire": {},
		"POST /api/v1/session":               none("sign-in: names an account by its credentials"),
		"POST /api/v1/sms-optouts":           none("a phone number opts out of SMS everywhere"),
		"POST /api/v1/stations": refSpec{base: func(a, b *county) map[string]any { return map[string]any{"name": "甲测新站", "region": a.Town} }, refs: func(a, b *county) map[string]any {
			return map[string]any{"region": b.Town, "regions": []string{b.Town}}
		}, onA: ""},
		"POST /api/v1/stations/{id}/check-in": {},
		"POST /api/v1/stations/{id}/duties":   refSpec{base: func(a, b *county) map[string]any { return map[string]any{"deputy_id": a.Deputy, "day": a.Future} }, refs: func(a, b *county) map[string]any { return map[string]any{"deputy_id": b.Deputy} }, onA: "station"},
		"POST /api/v1/stations/{id}/restore":  {},
		"POST /api/v1/stations/{id}/retire":   {},
		"POST /api/v1/stations/{id}/roster":   {},
		"POST /api/v1/submissions":            none("public: a citizen may write to any station of any county"),
		"POST /api/v1/swaps":                  {},
		"POST /api/v1/swaps/{id}/approve":     none("swaps are checked through their duty's station; none exist in this fixture"),
		"POST /api/v1/swaps/{id}/reject":      none("swaps are checked through their duty's station; none exist in this fixture"),
		"POST /api/v1/tokens": refSpec{base: func(a, b *county) map[string]any {
			return map[string]any{"name": "甲测新令牌", "role": "integration", "region": a.Code}
		}, refs: func(a, b *county) map[string]any { return map[string]any{"region": b.Code} }, onA: ""},
		"POST /api/v1/tokens/{id}/revoke":      {},
		"POST /api/v1/track/{code}/evaluation": none("public: the tracking code is the citizen's credential"),
		"POST /api/v1/track/{code}/sms-optout": none("public: the tracking code is the citizen's credential"),
		"POST /api/v1/units": refSpec{base: func(a, b *county) map[string]any {
			return map[string]any{"name": "甲测新单位", "kind": "department", "region_code": a.Code}
		}, refs: func(a, b *county) map[string]any { return map[string]any{"region_code": b.Code, "parent_id": b.Unit} }, onA: ""},
		"POST /api/v1/units/{id}/retire": {},
		"POST /api/v1/users": refSpec{base: func(a, b *county) map[string]any {
			return map[string]any{"username": "a_new_user", "role": "officer", "region": a.Code, "password": "Test-Passw0rd-x9"}
		}, refs: func(a, b *county) map[string]any {
			return map[string]any{"region": b.Code, "station_id": b.Station, "unit_id": b.Unit, "deputy_id": b.Deputy}
		}, onA: ""},
		"POST /api/v1/users/{id}/disable":        {},
		"POST /api/v1/users/{id}/enable":         {},
		"POST /api/v1/users/{id}/reset-password": {},
		"POST /api/v1/users/{id}/unlock":         {},
		"POST /appointments/{code}/cancel":       none("public: the booking code and phone are the citizen's credential"),
		"POST /login":                            none("sign-in: names an account by its credentials"),
		"POST /logout":                           none("signs the caller out"),
		"POST /open311/v2/{file}": refSpec{base: func(a, b *county) map[string]any {
			return map[string]any{"service_code": a.Cat, "description": "甲县村道路灯损坏，夜间出行不便", "address_string": "甲县建设路12号", "jurisdiction_id": a.Code}
		}, refs: func(a, b *county) map[string]any { return map[string]any{"jurisdiction_id": b.Code} }, onA: "requests.json", noPathCall: true},
		"POST /setup":                   none("first-run page, closed once a county is set up"),
		"POST /stations/{id}/book":      none("public booking: a citizen may book at any county's station"),
		"POST /submit":                  none("public: a citizen may write to any station of any county"),
		"POST /submit/next":             none("kiosk: clears the previous citizen"),
		"POST /submit/similar":          none("public: similar issues of any area, public progress only, no personal data"),
		"POST /track/{code}/evaluate":   none("public: the tracking code is the citizen's credential"),
		"POST /track/{code}/sms-optout": none("public: the tracking code is the citizen's credential"),
		"POST /work/accounts": refSpec{base: func(a, b *county) map[string]any {
			return map[string]any{"username": "a_new_user", "display_name": "甲测新账户", "role": "officer", "region": a.Code}
		}, refs: func(a, b *county) map[string]any {
			return map[string]any{"region": b.Code, "station_id": b.Station, "unit_id": b.Unit, "deputy_id": b.Deputy}
		}, onA: ""},
		"POST /work/accounts/{id}":      {},
		"POST /work/accounts/{id}/{op}": {},
		"POST /work/appointments/settings": refSpec{base: func(a, b *county) map[string]any {
			return map[string]any{"station_id": a.Station, "enabled": "on", "am_start": "09:00", "am_end": "12:00", "pm_start": "14:30", "pm_end": "17:30", "capacity": 5, "horizon_days": 30}
		}, refs: func(a, b *county) map[string]any { return map[string]any{"station_id": b.Station} }, onA: ""},
		"POST /work/appointments/{id}/{action}": {},
		"POST /work/bulletins/{id}/publish":     {},
		"POST /work/calendar":                   none("the State Council holiday calendar is nationwide"),
		"POST /work/calendar/preview":           none("previews the nationwide holiday calendar; writes nothing"),
		"POST /work/cases/{id}/citizen-phone":   {},
		"POST /work/cases/{id}/reveal":          {},
		"POST /work/cases/{id}/{action}":        {},
		"POST /work/categories/new":             refSpec{base: func(a, b *county) map[string]any { return map[string]any{"name": "甲测类别", "due_days": 10} }, refs: func(a, b *county) map[string]any { return map[string]any{"default_unit_id": b.Unit} }, onA: ""},
		"POST /work/categories/{code}":          refSpec{base: func(a, b *county) map[string]any { return map[string]any{} }, refs: func(a, b *county) map[string]any { return map[string]any{"default_unit_id": b.Unit} }, onA: "category", noPathCall: true},
		"POST /work/categories/{code}/retire":   none("categories are deployment-wide; who may retire one is a role rule"),
		"POST /work/deputies/new": refSpec{base: func(a, b *county) map[string]any {
			return map[string]any{"name": "甲新代表", "levels": []string{"county"}, "region": a.Town}
		}, refs: func(a, b *county) map[string]any { return map[string]any{"region": b.Town, "station_id": b.Station} }, onA: ""},
		"POST /work/deputies/{id}/report":    {},
		"POST /work/deputies/{id}/{section}": {},
		"POST /work/duties/swaps":            {},
		"POST /work/duties/visit":            refSpec{base: func(a, b *county) map[string]any { return map[string]any{} }, refs: func(a, b *county) map[string]any { return map[string]any{"station": b.Station} }, onA: ""},
		"POST /work/duties/{id}/check-in":    {},
		"POST /work/duty/new": refSpec{base: func(a, b *county) map[string]any {
			return map[string]any{"kind": "reception", "day": a.Day, "station_id": a.Station, "visitors": 1, "deputy_id": []int64{a.Deputy}}
		}, refs: func(a, b *county) map[string]any {
			return map[string]any{"station_id": b.Station, "deputy_id": []int64{b.Deputy}, "link_cases": b.Assigned.Code}
		}, onA: ""},
		"POST /work/duty/{id}":            {},
		"POST /work/duty/{id}/void":       {},
		"POST /work/follow-ups/{id}":      none("follow-ups are checked through their case (authorize on the case); none exist in this fixture"),
		"POST /work/import/{kind}":        none("each imported row goes through the same create/update calls as the forms (checked there); kind is a sheet name"),
		"POST /work/inactive/{id}/remind": {},
		"POST /work/intake/similar": refSpec{base: func(a, b *county) map[string]any {
			return map[string]any{"body": "甲县村道路灯损坏，夜间出行不便", "station_id": a.Station}
		}, refs: func(a, b *county) map[string]any { return map[string]any{"station_id": b.Station} }},
		"POST /work/intake": refSpec{base: func(a, b *county) map[string]any {
			return map[string]any{"body": "甲县村道路灯损坏，夜间出行不便", "category": a.Cat, "region": a.Town, "station_id": a.Station, "anonymous": true}
		}, refs: func(a, b *county) map[string]any {
			return map[string]any{"station_id": b.Station, "deputy_id": b.Deputy}
		}, onA: ""},
		"POST /work/notices/email":          none("the caller's own e-mail"),
		"POST /work/notices/read-all":       none("the caller's own notices"),
		"POST /work/notices/{id}/read":      none("notices are the caller's own: another user's id is not found"),
		"POST /work/points/recompute":       none("recomputes the caller's own jurisdiction; names nothing"),
		"POST /work/points/rules/{event}":   none("deployment-wide points rule, named by event"),
		"POST /work/points/settings":        none("deployment-wide points settings; no reference"),
		"POST /work/policy":                 none("deployment-wide deadline policy (system administrator); no reference"),
		"POST /work/proposals/{id}/complex": {},
		"POST /work/proposals/{id}/unit": refSpec{base: func(a, b *county) map[string]any {
			return map[string]any{"unit_id": a.Unit2, "reason": "调整承办单位"}
		}, refs: func(a, b *county) map[string]any { return map[string]any{"unit_id": b.Unit} }, onA: "proposal"},
		"POST /work/regions": refSpec{base: func(a, b *county) map[string]any {
			return map[string]any{"parent_code": a.Town, "name": "甲测新村", "kind": "village"}
		}, refs: func(a, b *county) map[string]any { return map[string]any{"parent_code": b.Town} }, onA: ""},
		"POST /work/regions/{code}/rename": {},
		"POST /work/regions/load":          none("codes of the national division data; loading grants no jurisdiction (docs/stations.md)"),
		"POST /work/regions/{code}/retire": {},
		"POST /work/roster/duties": refSpec{base: func(a, b *county) map[string]any {
			return map[string]any{"station": a.Station, "deputy_id": a.Deputy, "day": a.Future}
		}, refs: func(a, b *county) map[string]any { return map[string]any{"station": b.Station, "deputy_id": b.Deputy} }, onA: ""},
		"POST /work/roster/duties/{id}/{action}": {},
		"POST /work/roster/generate": refSpec{base: func(a, b *county) map[string]any {
			return map[string]any{"station": a.Station, "from": a.Future, "to": a.Future, "per_day": 1}
		}, refs: func(a, b *county) map[string]any { return map[string]any{"station": b.Station} }, onA: ""},
		"POST /work/roster/swaps/{id}/{action}": none("swaps are checked through their duty's station; none exist in this fixture"),
		"POST /work/stations/new": refSpec{base: func(a, b *county) map[string]any { return map[string]any{"name": "甲测新站", "region": a.Town} }, refs: func(a, b *county) map[string]any {
			return map[string]any{"region": b.Town, "regions": []string{b.Town}}
		}, onA: ""},
		"POST /work/stations/{id}/reception/exceptions":            {},
		"POST /work/stations/{id}/reception/exceptions/delete":     {},
		"POST /work/stations/{id}/reception/rules/date":            {},
		"POST /work/stations/{id}/reception/rules/lunar":           {},
		"POST /work/stations/{id}/reception/rules/monthday":        {},
		"POST /work/stations/{id}/reception/rules/weekday":         {},
		"POST /work/stations/{id}/reception/rules/{rule}/delete":   {},
		"POST /work/stations/{id}/reception/rules/{rule}/holidays": {},
		"POST /work/stations/{id}/{section}":                       {},
		"POST /work/templates/{name}":                              none("deployment-wide message template, named by name"),
		"POST /work/tokens": refSpec{base: func(a, b *county) map[string]any {
			return map[string]any{"name": "甲测新令牌", "role": "integration", "region": a.Code}
		}, refs: func(a, b *county) map[string]any { return map[string]any{"region": b.Code} }, onA: ""},
		"POST /work/tokens/{id}/revoke": {},
		"POST /work/units/new": refSpec{base: func(a, b *county) map[string]any {
			return map[string]any{"name": "甲测新单位", "kind": "department", "region_code": a.Code}
		}, refs: func(a, b *county) map[string]any { return map[string]any{"region_code": b.Code, "parent_id": b.Unit} }, onA: ""},
		"POST /work/units/{id}":                  {},
		"POST /work/units/{id}/retire":           {},
		"PUT /api/v1/deadline-policy":            none("deployment-wide deadline policy (system administrator); no reference"),
		"PUT /api/v1/deputies/{id}/account":      refSpec{base: func(a, b *county) map[string]any { return map[string]any{} }, refs: func(a, b *county) map[string]any { return map[string]any{"user_id": b.User} }, onA: "deputy"},
		"PUT /api/v1/deputies/{id}/photo":        {},
		"PUT /api/v1/deputies/{id}/voter-report": {},
		"PUT /api/v1/duties/{id}":                refSpec{base: func(a, b *county) map[string]any { return map[string]any{} }, refs: func(a, b *county) map[string]any { return map[string]any{"deputy_id": b.Deputy} }, onA: "duty"},
		"PUT /api/v1/duty-records/{id}": refSpec{base: func(a, b *county) map[string]any {
			return map[string]any{"day": a.Day, "reason": "更正记录", "station_id": a.Station, "visitors": 2, "deputy_ids": []int64{a.Deputy}}
		}, refs: func(a, b *county) map[string]any {
			return map[string]any{"station_id": b.Station, "deputy_ids": []int64{b.Deputy}}
		}, onA: "record"},
		"PUT /api/v1/me/email":                      none("the caller's own e-mail"),
		"PUT /api/v1/notification-templates/{name}": none("deployment-wide message template, named by name"),
		"PUT /api/v1/point-rules/{event}":           none("deployment-wide points rule, named by event"),
		"PUT /api/v1/points/settings":               none("deployment-wide points settings; no reference"),
		"PUT /api/v1/stations/{id}/appointment-settings": refSpec{base: func(a, b *county) map[string]any {
			return map[string]any{"enabled": true, "am_start": "09:00", "am_end": "12:00", "pm_start": "14:30", "pm_end": "17:30", "capacity": 5, "horizon_days": 30}
		}, refs: func(a, b *county) map[string]any { return map[string]any{"station_id": b.Station} }, onA: "station"},
		"PUT /api/v1/stations/{id}/deputies":        refSpec{base: func(a, b *county) map[string]any { return map[string]any{"deputy_ids": []int64{a.Deputy}} }, refs: func(a, b *county) map[string]any { return map[string]any{"deputy_ids": []int64{a.Deputy, b.Deputy}} }, onA: "station"},
		"PUT /api/v1/stations/{id}/reception-rules": {},
		"PUT /api/v1/stations/{id}/staff":           refSpec{base: func(a, b *county) map[string]any { return map[string]any{"user_ids": []int64{}} }, refs: func(a, b *county) map[string]any { return map[string]any{"user_ids": []int64{b.User}} }, onA: "station"},
	}
	// exchange-fix (internal/exchange, internal/sso).
	t["GET /work/admin/exchange/peers/{name}/public-key.pem"] = none("a peer of the system administrator's region only (exchange.Service.PublicKey, TestSM2Both)")
	t["GET /work/admin/exchange/peers/{name}/categories"] = none("a peer of the system administrator's region only (exchange.Service.Peer)")
	t["PUT /api/v1/admin/exchange/peers/{name}/categories"] = none("a peer of the system administrator's region; the rows name categories, deployment-wide (TestExchangeCategoryEditor)")
	t["GET /api/v1/admin/sso"] = none("the deployment's identity-service set-up, no reference")
	t["PUT /api/v1/admin/sso"] = none("the deployment's identity-service set-up, no reference")
	t["GET /api/v1/users/{id}/sso"] = refSpec{}
	t["PUT /api/v1/users/{id}/sso"] = refSpec{}
	t["DELETE /api/v1/users/{id}/sso"] = refSpec{}
	t["GET /api/v1/admin/exchange/refusals"] = none("the refusals of the system administrator's region's peers and of unknown names, no reference")
	t["POST /work/admin/exchange/peers/{name}/categories"] = none("a peer of the system administrator's region; the rows name categories, deployment-wide (TestExchangeCategoryEditor)")
	for p, more := range moreCalls() {
		spec := t[p]
		spec.more = more
		t[p] = spec
	}
	return t
}

// moreCalls are the routes whose body names references through a form
// with A's object in the path, or whose path mixes A's object with B's.
func moreCalls() map[string]func(a, b *county) []variant {
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	caseURL := func(c *zhitong.Case, action string) string { return "/work/cases/" + id(c.ID) + "/" + action }
	return map[string]func(a, b *county) []variant{
		"POST /work/cases/{id}/{action}": func(a, b *county) []variant {
			return []variant{
				{caseURL(a.Registered, "assign"), map[string]any{"lead_unit_id": b.Unit}, "lead_unit_id"},
				{caseURL(a.Registered, "assign"), map[string]any{"lead_unit_id": a.Unit, "co_unit_ids": []int64{b.Unit}}, "co_unit_ids"},
				{caseURL(a.Submitted, "register"), map[string]any{"category": a.Cat, "station_id": b.Station}, "station_id"},
				{caseURL(a.Submitted, "register"), map[string]any{"category": a.Cat, "deputy_id": b.Deputy}, "deputy_id"},
				{caseURL(a.Registered, "propose"), map[string]any{"title": "关于路灯维护的建议", "unit_id": b.Unit}, "unit_id"},
				{caseURL(a.Registered, "propose"), map[string]any{"title": "关于路灯维护的建议", "deputy_id": b.Deputy}, "deputy_id"},
				{caseURL(a.Registered, "propose"), map[string]any{"proposal_id": b.Proposal}, "proposal_id"},
				{caseURL(a.Registered, "merge"), map[string]any{"into_case_id": b.Registered.ID}, "into_case_id"},
			}
		},
		"POST /work/stations/{id}/{section}": func(a, b *county) []variant {
			st := "/work/stations/" + id(a.Station) + "/"
			return []variant{
				{st + "deputies", map[string]any{"deputy_id": []int64{a.Deputy, b.Deputy}}, "deputy_id"},
				{st + "staff", map[string]any{"user_id": []int64{b.User}}, "user_id"},
				{st + "structure", map[string]any{"kind": "fixed", "region": b.Town}, "region"},
				{st + "structure", map[string]any{"kind": "cross_border", "region": a.Town, "regions": []string{a.Town, b.Town}}, "regions"},
			}
		},
		"POST /work/deputies/{id}/{section}": func(a, b *county) []variant {
			return fieldCalls("/work/deputies/"+id(a.Deputy)+"/profile",
				map[string]any{"name": "甲测代表", "levels": []string{"county"}, "region": a.Town, "station_id": []int64{a.Station}, "primary": a.Station},
				map[string]any{"region": b.Town, "station_id": []int64{b.Station}})
		},
		"POST /work/units/{id}": func(a, b *county) []variant {
			return fieldCalls("/work/units/"+id(a.Unit),
				map[string]any{"name": "甲测交通局", "kind": "department", "region_code": a.Code},
				map[string]any{"region_code": b.Code, "parent_id": b.Unit})
		},
		"POST /work/accounts/{id}": func(a, b *county) []variant {
			return fieldCalls("/work/accounts/"+id(a.User),
				map[string]any{"display_name": "甲测账户", "role": "officer", "region": a.Code},
				map[string]any{"region": b.Code, "station_id": b.Station})
		},
		"POST /work/duty/{id}": func(a, b *county) []variant {
			return fieldCalls("/work/duty/"+id(a.Record),
				map[string]any{"day": a.Day, "reason": "更正记录", "station_id": a.Station, "visitors": 2, "deputy_id": []int64{a.Deputy}},
				map[string]any{"station_id": b.Station, "deputy_id": []int64{b.Deputy}})
		},
		"POST /work/appointments/{id}/{action}": func(a, b *county) []variant {
			return []variant{{"/work/appointments/" + id(a.Appt) + "/reassign", map[string]any{"deputy_id": b.Deputy}, "deputy_id"}}
		},
		"POST /work/roster/duties/{id}/{action}": func(a, b *county) []variant {
			return []variant{{"/work/roster/duties/" + id(a.Duty) + "/replace", map[string]any{"deputy_id": b.Deputy}, "deputy_id"}}
		},
		"POST /api/v1/swaps":      swapCalls,
		"POST /work/duties/swaps": swapCalls,
		"GET /api/v1/cases/{id}/attachments/{attachment}": func(a, b *county) []variant {
			return []variant{{"/api/v1/cases/" + id(a.Assigned.ID) + "/attachments/" + id(b.Attachment), nil, ""}}
		},
		"GET /work/cases/{id}/attachments/{attachment}": func(a, b *county) []variant {
			return []variant{{"/work/cases/" + id(a.Assigned.ID) + "/attachments/" + id(b.Attachment), nil, ""}}
		},
		"GET /work/cases/{id}/photos/{photo}": func(a, b *county) []variant {
			return []variant{{"/work/cases/" + id(a.Assigned.ID) + "/photos/" + id(b.Photo), nil, ""}}
		},
		"POST /work/stations/{id}/reception/rules/{rule}/delete": func(a, b *county) []variant {
			return []variant{{"/work/stations/" + id(a.Station) + "/reception/rules/" + id(b.Rule) + "/delete", nil, ""}}
		},
		"POST /work/stations/{id}/reception/rules/{rule}/holidays": func(a, b *county) []variant {
			return []variant{{"/work/stations/" + id(a.Station) + "/reception/rules/" + id(b.Rule) + "/holidays", map[string]any{"holidays": "keep"}, ""}}
		},
	}
}

// swapCalls asks, as A's deputy for A's duty, to exchange with B's duty or
// to be covered by B's deputy.
func swapCalls(a, b *county) []variant {
	return []variant{
		{"", map[string]any{"duty_id": a.Duty, "kind": zhitong.SwapExchange, "target_duty_id": b.Duty, "reason": "家中有事"}, "target_duty_id"},
		{"", map[string]any{"duty_id": a.Duty, "kind": zhitong.SwapCover, "target_deputy_id": b.Deputy, "reason": "家中有事"}, "target_deputy_id"},
	}
}

// fieldCalls sends base to path once per reference field, with that field
// set to B's value.
func fieldCalls(path string, base, refs map[string]any) []variant {
	var out []variant
	for k, v := range refs {
		m := maps.Clone(base)
		m[k] = v
		out = append(out, variant{path, m, k})
	}
	return out
}
