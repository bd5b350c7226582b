package app

import (
	"context"

	"zhitong/internal/store"
)

// Notify runs notify in a transaction of its own, for tests.
func (a *App) Notify(ctx context.Context, n Notice) (added int, err error) {
	err = a.db.Write(ctx, func(tx *store.Tx) error {
		added, err = a.notify(ctx, tx, n)
		return err
	})
	return added, err
}

// TemplateNames lists the names of the known templates.
func TemplateNames() map[string]bool {
	out := map[string]bool{}
	for _, d := range templateDefs {
		out[d.Name] = true
	}
	return out
}

// The tests sweep two cases at a time, so that every test with more than
// two escalation candidates crosses a chunk's end (sweepChunk).
func init() { sweepChunk = 2 }
