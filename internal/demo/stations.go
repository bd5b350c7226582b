package demo

import "context"

// loadStationDetails loads cross-border regions, deputies at several stations, photos, bulletin boards.
//
// CONTRACT STUB: filled in by the stations work.
func (r *runner) loadStationDetails(ctx context.Context) error { return nil }
