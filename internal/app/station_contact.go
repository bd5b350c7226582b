package app

import (
	"context"

	"zhitong"
	"zhitong/internal/store"
)

// StationContact is how a citizen reaches the station a case was taken in
// at: shown with a tel: link on the tracking page and on receipts. A
// retired station keeps its name (the case still points at it) but loses
// its phone and board link.
type StationContact struct {
	ID      int64
	Name    string
	Phone   string // "" when none or retired
	Retired bool
}

// StationContactOf returns the contact of station id; nil for 0.
func (a *App) StationContactOf(ctx context.Context, id int64) (*StationContact, error) {
	if id == 0 {
		return nil, nil
	}
	st, err := store.GetStation(ctx, a.db, id)
	if err != nil {
		return nil, err
	}
	return stationContact(st), nil
}

func stationContact(st zhitong.Station) *StationContact {
	c := &StationContact{ID: st.ID, Name: st.Name, Phone: st.Phone, Retired: st.Retired()}
	if c.Retired {
		c.Phone = ""
	}
	return c
}

// TrackStation returns the contact of the station of the case with this
// tracking code, nil when it was not taken in at a station. Public, as the
// tracking page.
func (a *App) TrackStation(ctx context.Context, code string) (*StationContact, error) {
	c, err := a.caseByCode(ctx, code)
	if err != nil {
		return nil, err
	}
	return a.StationContactOf(ctx, c.StationID)
}
