package e2e_test

import (
	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/testkit"
)

// booking opens Thursdays at the fixture's station with its deputy on duty
// the next Thursday, books one place and returns the booking's code.
func (s *site) booking() string {
	s.t.Helper()
	ctx, f, day := s.t.Context(), s.Fixture, testkit.BookingDay
	testkit.OpenBooking(s.t, s.App, f, 4)
	v := testkit.Must(s.App.Book(ctx, app.BookingInput{StationID: f.Station, DeputyID: f.Deputy, Day: day, Period: zhitong.PeriodMorning,
		Topic: "想反映村里自来水水压不足", Name: "王小明", Phone: "13979701234", Consent: true}))(s.t)
	return v.Code
}
