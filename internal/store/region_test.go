package store

import "testing"

func TestRegionPrefixIsTheSubtree(t *testing.T) {
	for _, c := range []struct{ prefix, lo, hi string }{
		{"36", "36", "37"}, {"3607", "3607", "3608"}, {"360728", "360728", "360729"}, {"369", "369", "37"}, {"3699", "3699", "37"},
	} {
		cond, lo, hi := regionPrefix("region_code", c.prefix)
		if cond != "region_code >= ? AND region_code < ?" || lo != c.lo || hi != c.hi {
			t.Errorf("regionPrefix(%q) = %q %v %v, want [%s, %s)", c.prefix, cond, lo, hi, c.lo, c.hi)
		}
	}
	// Codes under the prefix fall inside, neighbours outside.
	_, lo, hi := regionPrefix("region_code", "3607")
	for code, in := range map[string]bool{"3607": true, "360728": true, "360728100": true, "3606": false, "360": false, "3608": false, "36080": false} {
		if got := code >= lo.(string) && code < hi.(string); got != in {
			t.Errorf("code %s inside 3607 = %v, want %v", code, got, in)
		}
	}
	if cond, _, _ := regionPrefix("region_code", "99"); cond != "region_code >= ? AND region_code <> ?" {
		t.Errorf("all-nines prefix: %q", cond)
	}
}
