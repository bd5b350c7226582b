// Package hooks installs every area's part of the case steps on an App, in
// one place used by the server (server.New) and by every command that opens
// the database (internal/cli), so a step taken anywhere — a web form, the
// API, `zhitong sweep`, the demo loader — does the same in its transaction:
//
//   - documents: the 交办函 of an assignment (one per batch), the 督办函 of a
//     supervision letter (docs/documents.md);
//   - exchange: the status of an inbound case queued for the hotline it came
//     from (docs/exchange.md).
package hooks

import (
	"zhitong/internal/app"
	"zhitong/internal/documents"
	"zhitong/internal/exchange"
)

// Install installs the hooks of every area on a. publicURL is the address
// the verification links of new documents start with ("" for the path alone).
func Install(a *app.App, publicURL string) {
	a.SetHooks("documents", documents.New(a).WithBase(publicURL).Hooks())
	exchange.New(a) // sets its own hook, "exchange"
}
