package jobs

import (
	"context"
	"runtime/metrics"
	"testing"
)

// TestBigRunGivesItsMemoryBack: a run that allocated far more than it keeps
// (a catch-up) leaves no freed heap mapped behind it, so an idle server's
// resident size is what it holds, not the catch-up's peak; a small run
// costs no collection.
func TestBigRunGivesItsMemoryBack(t *testing.T) {
	var keep [][]byte
	big := func(context.Context) error {
		for range 256 {
			keep = append(keep, make([]byte, 1<<20))
		}
		keep = nil // the catch-up is over: all of it is garbage now
		return nil
	}
	if err := runReleasing(context.Background(), big); err != nil {
		t.Fatal(err)
	}
	if free := heapBytes("/memory/classes/heap/free:bytes") + heapBytes("/memory/classes/heap/objects:bytes"); free > 64<<20 {
		t.Errorf("after a 256 MiB run, %d MiB of heap stay mapped (free or garbage), want under 64", free>>20)
	}
	gcs := heapBytes("/gc/cycles/forced:gc-cycles")
	if err := runReleasing(context.Background(), func(context.Context) error { keep = append(keep, make([]byte, 1<<20)); return nil }); err != nil {
		t.Fatal(err)
	}
	if n := heapBytes("/gc/cycles/forced:gc-cycles"); n != gcs {
		t.Errorf("a 1 MiB run forced %d collections", n-gcs)
	}
}

func heapBytes(name string) uint64 {
	s := []metrics.Sample{{Name: name}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}
