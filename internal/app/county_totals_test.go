package app_test

import (
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/testkit"
)

// TestCountyTotalsKeepTheCount: the public count of a region's cases is
// taken once a minute per region, not at every request (a million cases
// took 0.7–2.5 s to count) — a minute on, the kept count is served while
// it is counted again in the background; a region that is no code is
// refused.
func TestCountyTotalsKeepTheCount(t *testing.T) {
	a, clock := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	submit(t, a, f, "村口路灯坏了三盏，晚上出行不便")
	if got := testkit.Must(a.CountyTotals(ctx, f.County))(t); got.Collected != 1 {
		t.Fatalf("first count = %+v, want 1 case", got)
	}
	submit(t, a, f, "小区门口的下水道堵塞，雨天积水")
	if got := testkit.Must(a.CountyTotals(ctx, f.County))(t); got.Collected != 1 {
		t.Errorf("within the minute the count is %+v, want the kept 1", got)
	}
	// Each region has its own count.
	if got := testkit.Must(a.CountyTotals(ctx, ""))(t); got.Collected != 2 {
		t.Errorf("the deployment's count = %+v, want 2", got)
	}
	clock.Advance(time.Minute)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
		got := testkit.Must(a.CountyTotals(ctx, f.County))(t)
		if got.Collected == 2 {
			break
		}
		if got.Collected != 1 || time.Now().After(deadline) {
			t.Fatalf("a minute later the count is %+v, want the kept 1 until it is counted again, then 2", got)
		}
	}
	for _, bad := range []string{"36a", "3607%", "1234567890123"} {
		_, err := a.CountyTotals(ctx, bad)
		testkit.WantCode(t, err, zhitong.EINVALID)
	}
}
