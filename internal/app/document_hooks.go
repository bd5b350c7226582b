package app

import (
	"context"

	"zhitong"
	"zhitong/internal/store"
)

// DocumentHooks let internal/documents issue the official document (公文)
// of a step inside the step's own transaction: the 交办函 when a case is
// assigned, the 督办函 when a supervision letter is numbered. An error from
// a hook undoes the step.
type DocumentHooks struct {
	// Assigned runs after the case is handed to its units (c holds the
	// new lead unit, round and deadline; the case row is not yet updated).
	Assigned func(ctx context.Context, tx *store.Tx, p zhitong.Principal, c *store.CaseRecord) error
	// Letter runs after a supervision letter is numbered and stored.
	Letter func(ctx context.Context, tx *store.Tx, p zhitong.Principal, l *store.Letter) error
}

// SetDocumentHooks installs h (internal/documents.Service.Install).
func (a *App) SetDocumentHooks(h DocumentHooks) { a.docHooks.Store(&h) }

// AuthorizeCase checks that p may take action on c (role and
// jurisdiction), for the packages that act on cases (internal/documents).
func (a *App) AuthorizeCase(ctx context.Context, q store.Q, p zhitong.Principal, action zhitong.Action, c *store.CaseRecord) error {
	return a.authorize(ctx, q, p, action, c)
}

// CheckBulletinRef checks that p may issue bulletin id as a whole (as for
// publishing it: every unit and township in it lies in p's jurisdiction).
func (a *App) CheckBulletinRef(ctx context.Context, q store.Q, p zhitong.Principal, id int64) error {
	b, err := store.GetBulletin(ctx, q, id)
	if err != nil {
		return err
	}
	return a.checkBulletinRef(ctx, q, p, b)
}
