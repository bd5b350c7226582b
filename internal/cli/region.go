package cli

import "zhitong/internal/regions"

// normalizeRegion accepts the six-digit GB/T 2260 code operators know
// ("360728") and returns the canonical prefix form used inside.
func normalizeRegion(code string) (string, error) {
	if code == "" {
		return "", nil
	}
	return regions.Normalize(code)
}
