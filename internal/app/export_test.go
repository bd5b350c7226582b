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
