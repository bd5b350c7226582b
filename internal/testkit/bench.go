package testkit

import (
	"os"
	"strconv"
)

// BenchCases is how many cases a benchmark seeds: ZHITONG_BENCH_CASES, or
// def when unset (CI sets 2000 so every benchmark runs once quickly).
func BenchCases(def int) int {
	if n, err := strconv.Atoi(os.Getenv("ZHITONG_BENCH_CASES")); err == nil && n > 0 {
		return n
	}
	return def
}
