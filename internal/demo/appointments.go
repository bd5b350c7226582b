package demo

import (
	"context"

	"zhitong/internal/app"
	"zhitong/internal/store"
)

// demoBooking is a citizen's booking on a station's coming reception day.
type demoBooking struct {
	station, topic, name, phone string
}

// demoBookings use numbers from a range no one holds (1380797 00xx), so the
// acknowledgement SMS they queue reach no one even with a real SMS driver.
var demoBookings = []demoBooking{
	{"lishi", "想当面反映小区加装电梯的费用分摊问题", "周女士", "13807970011"},
	{"lishi", "咨询个体工商户办证流程", "", "13807970012"},
	{"kuimeishan", "矿区复垦后土地承包问题", "钟先生", "13807970013"},
	{"tianjiu", "脐橙销售旺季冷库不够用", "温先生", "13807970014"},
	{"laocheng", "村里老人去镇卫生院看病不方便", "邱阿姨", "13807970015"},
}

// loadAppointments books a few places on the demo stations' coming
// reception days, with the real clock, through the booking itself. A
// station without an open slot (no reception day or nobody on duty ahead)
// is passed over. It runs once: when demo bookings exist it does nothing.
func (r *runner) loadAppointments(ctx context.Context) error {
	if n, err := store.CountDemoAppointments(ctx, r.a.DB()); err != nil || n > 0 {
		return err
	}
	ids, err := demoStationIDs(ctx, r.a)
	if err != nil {
		return err
	}
	for i, b := range demoBookings {
		slots, err := r.a.AppointmentSlots(ctx, ids[b.station], "", "")
		if err != nil {
			return err
		}
		// Spread the bookings over the slots: the i-th booking takes the
		// i-th open slot of its station, wrapping around.
		var open []app.Slot
		for _, s := range slots {
			if s.Remaining > 0 {
				open = append(open, s)
			}
		}
		if len(open) == 0 {
			continue
		}
		s := open[i%len(open)]
		v, err := r.a.Book(ctx, app.BookingInput{StationID: ids[b.station], DeputyID: s.DeputyID, Day: s.Day, Period: s.Period,
			Topic: b.topic, Name: b.name, Phone: b.phone, Consent: true})
		if err != nil {
			return err
		}
		if err := r.a.DB().Write(ctx, func(tx *store.Tx) error { return tx.MarkAppointmentDemo(ctx, v.ID) }); err != nil {
			return err
		}
	}
	return nil
}

// demoStationIDs finds the demo stations' ids by name.
func demoStationIDs(ctx context.Context, a *app.App) (map[string]int64, error) {
	all, err := store.ListStations(ctx, a.DB(), "")
	if err != nil {
		return nil, err
	}
	byName := map[string]int64{}
	for _, s := range all {
		byName[s.Name] = s.ID
	}
	out := map[string]int64{}
	for _, s := range stations {
		out[s.key] = byName[s.Name]
	}
	return out, nil
}
