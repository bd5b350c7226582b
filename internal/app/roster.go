package app

import "context"

// MarkNoShows records as no_show every planned duty whose day has passed
// without a check-in, and returns how many it marked. The serve command runs
// it with the hourly duty job, before the point ledgers are refreshed.
//
// CONTRACT STUB: the roster work implements it.
func (a *App) MarkNoShows(ctx context.Context) (int, error) { return 0, nil }
