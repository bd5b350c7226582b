package app

// NewTrackingCode returns a fresh random tracking code (查询码) in the
// stored form, for packages that write cases in bulk (internal/seed).
func NewTrackingCode() string { return newTrackingCode() }
