package stats

import (
	"context"
	"strconv"
	"strings"

	"zhitong"
	"zhitong/internal/stats/measure"
	"zhitong/internal/store"
)

// NoneKey is the row of a slice that takes the facts with no value in it
// (a case not categorised yet): the total less the other rows, so that
// the rows of every slice add up to the total.
const NoneKey = "-"

// noneSlices are the slices whose facts may have no value (measure.Count
// skips them); the others key such a fact by "0".
var noneSlices = map[string]bool{"category": true, "channel": true}

// withNone adds to rows, for a slice of noneSlices, the NoneKey row: what
// total counts that no row does. Each fact counts in one row at most, so
// the difference is exactly the facts without a value.
func withNone(slice string, total measure.Counts, rows map[string]*measure.Counts) {
	if !noneSlices[slice] {
		return
	}
	rest := measure.ToRow(total)
	for _, c := range rows {
		for i, v := range measure.ToRow(*c) {
			rest[i] -= v
		}
	}
	if rest != ([store.StatCounts]int{}) {
		c := measure.FromRow(rest)
		rows[NoneKey] = &c
	}
}

// caseSlice is sliceOf for CaseIDs: the facts without a value keyed NoneKey.
func caseSlice(slice, region string) measure.Slice {
	sl := sliceOf(slice, region)
	if !noneSlices[slice] {
		return sl
	}
	key := sl.Key
	sl.Key = func(f *store.StatFact) string {
		if k := key(f); k != "" {
			return k
		}
		return NoneKey
	}
	return sl
}

// CheckKey refuses a row key of slice that is not in region's
// jurisdiction: a township or level outside it, a station, unit or
// deputy of another county (one of region's own or of a level above it
// may handle its cases). It is never named.
func (s *Service) CheckKey(ctx context.Context, region, slice, key string) error {
	bad := zhitong.Invalid("key", "所选对比项“%s”不在本辖区", key)
	switch slice {
	case "level":
		if !strings.HasPrefix(key, region) {
			return bad
		}
	case "town":
		// A township under region, or a village's own township.
		if !strings.HasPrefix(key, region) && !(strings.HasPrefix(region, key) && len(key) >= len(town(region))) {
			return bad
		}
	case "unit", "station", "deputy":
		id, err := strconv.ParseInt(key, 10, 64)
		if err != nil || id < 0 {
			return bad
		}
		if id == 0 {
			return nil
		}
		at, err := store.StatKeyRegion(ctx, s.app.ReportDB(), slice, id)
		if err != nil {
			if zhitong.ErrorCode(err) == zhitong.ENOTFOUND {
				return bad
			}
			return err
		}
		if !strings.HasPrefix(at, region) && !strings.HasPrefix(region, at) {
			return bad
		}
	}
	return nil
}
