package e2e_test

import (
	"testing"

	"zhitong"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// rosterE2E gives the fixture's station weekly reception days and a roster,
// so the roster pages have content, and returns the deputy's pages to check.
func rosterE2E(t *testing.T, s *site) []string {
	t.Helper()
	f := s.Fixture
	err := s.App.DB().Write(t.Context(), func(tx *store.Tx) error {
		return tx.ReplaceReceptionRules(t.Context(), f.Station, []zhitong.ReceptionRule{{Kind: zhitong.RuleWeekday, Weekday: 3, Holidays: zhitong.HolidayKeep}}, nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	testkit.Must(s.App.GenerateRoster(t.Context(), f.In[zhitong.RoleOfficer], f.Station, "2026-11-25", "2026-12-31", 1))(t)
	return []string{"/work/duties"}
}

// A deputy on a phone presses 进站签到 on the duty day; roster.js adds the
// position the browser gives (stubbed here) to the plain form post.
func TestDeputyChecksInFromPhone(t *testing.T) {
	s := newSite(t)
	f := s.Fixture
	rosterE2E(t, s)
	s.account(f.In[zhitong.RoleDeputy], "e2e-deputy")
	today := testkit.Must(store.ListDuties(t.Context(), s.App.DB(), store.DutyFilter{StationID: f.Station, Day: "2026-11-25"}))(t)
	if len(today) != 1 || today[0].DeputyID != f.Deputy {
		t.Fatalf("today's duties: %+v", today)
	}
	deputy := s.person("deputy-phone", phoneWidth)
	deputy.login("e2e-deputy")
	deputy.visit("/work/duties")
	deputy.waitText("main", "进站签到")
	run(deputy, evalString(`(navigator.geolocation.getCurrentPosition = (ok) => ok({coords: {latitude: 24.781234, longitude: 115.031234}}), "ok")`))
	deputy.click("button.rs-big")
	deputy.waitText("main", "已进站")
	d := testkit.Must(store.GetDuty(t.Context(), s.App.DB(), today[0].ID))(t)
	if d.Status != zhitong.DutyCheckedIn || d.Lat != 24.781234 || d.Lng != 115.031234 {
		t.Fatalf("after the check-in: %+v", d)
	}
}
