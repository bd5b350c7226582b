package demo

import "context"

// loadAppointments loads demo bookings.
//
// CONTRACT STUB: filled in by the appointments work.
func (r *runner) loadAppointments(ctx context.Context) error { return nil }
