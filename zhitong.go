// Package zhitong holds the domain of the deputy liaison platform (民意直通):
// cases and their lifecycle, roles and permissions, and the one error type.
// It imports only the standard library; storage, HTTP and cryptography live
// in internal packages that depend on it, never the other way round.
package zhitong

import "time"

// Clock tells the time. It is injected everywhere so that tests can move
// "now" to prove deadline and overdue rules.
type Clock interface {
	Now() time.Time
}

// SystemClock is the real clock.
type SystemClock struct{}

// Now returns the current time.
func (SystemClock) Now() time.Time { return time.Now() }

// China is the time zone in which dates (deadlines, reception days) are civil dates.
var China = time.FixedZone("CST", 8*3600)
