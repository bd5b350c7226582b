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
