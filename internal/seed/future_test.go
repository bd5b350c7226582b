package seed

import (
	"context"
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// No time the seeder composes is after its now, in any row of any table,
// whatever the time of day: 20,000 cases composed in memory (not written)
// at a few hours of the China day, every timestamp checked. A co-unit
// signing up to 12 h after the lead (a 1M seed had running cases updated
// up to 10 h ahead) or a case of the small hours moved into office hours
// would show here.
func TestComposedTimesAreNotAhead(t *testing.T) {
	a, clock := testkit.MustApp(t)
	ctx := context.Background()
	for i, hour := range []int{0, 7, 15, 23} {
		now := time.Date(2026, 12, 8, hour, 20, 0, 0, zhitong.China)
		clock.Set(now)
		s := &seeder{a: a, opt: Options{Cases: 5000, Region: "360783", Seed: int64(i + 1), Years: 3}}
		d := testkit.Must(s.deploy(ctx))(t)
		g := testkit.Must(s.newGen(ctx, d))(t)
		b := g.batch(5000)
		limit := store.FormatTime(now)
		ahead := 0
		for table, rows := range map[string][][]any{"cases": b.cases, "proposals": b.proposals, "assignments": b.assignments,
			"replies": b.replies, "deliveries": b.deliveries, "evaluations": b.evaluations, "case_events": b.events,
			"notifications": b.notes, "publications": b.publications} {
			for _, row := range rows {
				for _, v := range row {
					if s, ok := v.(string); ok && len(s) == len(limit) && s[10] == 'T' && s > limit {
						if ahead++; ahead <= 5 {
							t.Errorf("seeded at %s: a %s row holds %s: %v", now.Format(time.DateTime), table, s, row[:2])
						}
					}
				}
			}
		}
		for _, e := range b.audit {
			if e.At.After(now) {
				ahead++
				t.Errorf("seeded at %s: audit %s at %s", now.Format(time.DateTime), e.Action, e.At)
			}
		}
		if ahead > 0 {
			t.Fatalf("seeded at %s: %d times ahead", now.Format(time.DateTime), ahead)
		}
	}
}
