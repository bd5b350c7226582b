package demo

import "context"

// loadRoster loads the demo rosters and check-ins.
//
// CONTRACT STUB: filled in by the roster work.
func (r *runner) loadRoster(ctx context.Context) error { return nil }
