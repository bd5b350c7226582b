package demo

import "context"

// loadReception loads the demo stations' reception-day rules.
//
// CONTRACT STUB: filled in by the reception-days work.
func (r *runner) loadReception(ctx context.Context) error { return nil }
