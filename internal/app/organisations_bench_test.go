package app_test

import (
	"testing"

	"zhitong/internal/testkit"
)

// BenchmarkPageOrganisation is what each rendered page now pays to name its
// organisation: one lookup for staff, one list for the portal.
func BenchmarkPageOrganisation(b *testing.B) {
	a, _ := testkit.MustApp(b)
	testkit.SetUp(b, a, "3607")
	b.Run("for-region", func(b *testing.B) {
		for b.Loop() {
			if _, err := a.OrganisationFor(ctx, "360783100"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("main", func(b *testing.B) {
		for b.Loop() {
			if _, ok, err := a.MainOrganisation(ctx); err != nil || !ok {
				b.Fatal(err)
			}
		}
	})
}
