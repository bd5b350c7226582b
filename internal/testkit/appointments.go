package testkit

import (
	"context"
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/store"
)

// BookingDay is the Thursday after Start, the reception day OpenBooking opens.
const BookingDay = "2026-11-26"

// OpenBooking makes Thursdays reception days at the fixture's station, puts
// the fixture's deputy on duty on BookingDay and sets the station's
// capacity per deputy and period.
func OpenBooking(tb testing.TB, a *app.App, f *Fixture, capacity int) {
	tb.Helper()
	ctx := context.Background()
	err := a.DB().Write(ctx, func(tx *store.Tx) error {
		rules := []zhitong.ReceptionRule{{Kind: zhitong.RuleWeekday, Weekday: 4, Holidays: zhitong.HolidayKeep}}
		if err := tx.ReplaceReceptionRules(ctx, f.Station, rules, nil); err != nil {
			return err
		}
		return tx.PutDuty(ctx, &store.Duty{StationID: f.Station, DeputyID: f.Deputy, Day: BookingDay, Status: "planned"})
	})
	if err != nil {
		tb.Fatal(err)
	}
	set := app.DefaultAppointmentSettings(f.Station)
	set.Capacity = capacity
	if _, err := a.SetAppointmentSettings(ctx, f.In[zhitong.RoleCommittee], f.Station, set); err != nil {
		tb.Fatal(err)
	}
}
