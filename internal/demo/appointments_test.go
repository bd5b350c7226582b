package demo

import (
	"context"
	"testing"

	"zhitong"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// The demo bookings land on the coming reception days that have someone
// on duty, and a second run adds none.
func TestDemoAppointmentsOnComingReceptionDays(t *testing.T) {
	ctx := context.Background()
	a, _ := testkit.MustApp(t) // Wednesday 2026-11-25
	r := &runner{a: a, b: a, stations: map[string]int64{}, units: map[string]int64{}, deputies: map[string]int64{}}
	if err := r.loadReference(ctx); err != nil {
		t.Fatal(err)
	}
	err := a.DB().Write(ctx, func(tx *store.Tx) error {
		rules := []zhitong.ReceptionRule{{Kind: zhitong.RuleWeekday, Weekday: 4, Holidays: zhitong.HolidayKeep}}
		if err := tx.ReplaceReceptionRules(ctx, r.stations["lishi"], rules, nil); err != nil {
			return err
		}
		return tx.PutDuty(ctx, &store.Duty{StationID: r.stations["lishi"], DeputyID: r.deputies["钟立华"], Day: "2026-11-26", Status: "planned"})
	})
	if err != nil {
		t.Fatal(err)
	}
	count := func() int {
		return testkit.Must(store.CountDemoAppointments(ctx, a.DB()))(t)
	}
	for range 2 {
		if err := r.loadAppointments(ctx); err != nil {
			t.Fatal(err)
		}
		if n := count(); n != 2 {
			t.Fatalf("%d demo bookings, want the two at 历市镇 (the other stations have nobody on duty)", n)
		}
	}
	var days int
	testkit.Must(0, a.DB().QueryRow(ctx, `SELECT COUNT(DISTINCT period) FROM appointments WHERE day = '2026-11-26'`).Scan(&days))(t)
	if days != 2 {
		t.Errorf("the two bookings share a period; want them spread over morning and afternoon")
	}
}
