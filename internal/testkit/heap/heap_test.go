package heap_test

import (
	"runtime"
	"testing"
	"time"

	"zhitong/internal/testkit/heap"
)

// TestSample holds 64 MB through a collection: both peaks see it, the
// live one above the heap before; then a function that holds nothing.
func TestSample(t *testing.T) {
	const size = 64 << 20
	h := heap.Sample(func() {
		buf := make([]byte, size)
		for i := range buf {
			buf[i] = byte(i)
		}
		runtime.GC()
		time.Sleep(5 * time.Millisecond)
		runtime.KeepAlive(buf)
	})
	if h.Live < size*15/16 || h.InUse < size {
		t.Errorf("holding %d MB: live %.1f MB, in use %.1f MB", size>>20, h.LiveMB(), h.InUseMB())
	}
	h = heap.Sample(func() { time.Sleep(5 * time.Millisecond) })
	if h.Live > 8<<20 {
		t.Errorf("holding nothing: live %.1f MB above the heap before", h.LiveMB())
	}
}
