// Package heap samples the heap while a benchmark's work runs, for the
// peak-heap-MB metric. It imports only the standard library, so that a
// package's internal tests (internal/app's among them, which
// internal/testkit imports) can use it.
package heap

import (
	"runtime"
	"runtime/metrics"
	"sync"
	"time"
)

// Peak is the highest heap Sample saw while its function ran, in bytes,
// measured four ways (runtime/metrics).
type Peak struct {
	// Live is the live heap as of the last collection above what it was
	// before (/gc/heap/live:bytes): what the code really holds, not the
	// garbage the collector has yet to sweep.
	Live uint64
	// Objects is the heap's objects, live and not yet collected
	// (/memory/classes/heap/objects:bytes).
	Objects uint64
	// InUse is the heap in use (runtime.MemStats.HeapInuse: the objects and
	// the free room in their spans), garbage included: what the process
	// asks of the machine, the photos decoded and not yet collected too.
	InUse uint64
	// Total is all the memory the Go runtime holds (/memory/classes/total:bytes).
	Total uint64
}

// LiveMB is Live in MB.
func (h Peak) LiveMB() float64 { return float64(h.Live) / (1 << 20) }

// InUseMB is InUse in MB.
func (h Peak) InUseMB() float64 { return float64(h.InUse) / (1 << 20) }

// samples are read together by metrics.Read, which, unlike
// runtime.ReadMemStats, does not stop the world: sampling every
// millisecond does not slow what it measures.
var samples = []string{"/gc/heap/live:bytes", "/memory/classes/heap/objects:bytes", "/memory/classes/heap/unused:bytes", "/memory/classes/total:bytes"}

// read is the heap now.
func read() Peak {
	s := make([]metrics.Sample, len(samples))
	for i, name := range samples {
		s[i].Name = name
	}
	metrics.Read(s)
	objects := s[1].Value.Uint64()
	return Peak{Live: s[0].Value.Uint64(), Objects: objects, InUse: objects + s[2].Value.Uint64(), Total: s[3].Value.Uint64()}
}

// Sample collects garbage, then runs f while sampling the heap every
// millisecond, and returns the peaks.
func Sample(f func()) Peak {
	runtime.GC()
	base := read().Live
	var peak Peak // written by the sampler only, read once it has stopped
	sample := func() {
		h := read()
		peak = Peak{Live: max(peak.Live, h.Live), Objects: max(peak.Objects, h.Objects), InUse: max(peak.InUse, h.InUse), Total: max(peak.Total, h.Total)}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			sample()
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	})
	func() {
		// The sampler stops even when f ends the goroutine (tb.Fatal).
		defer func() {
			close(done)
			wg.Wait()
		}()
		f()
	}()
	peak.Live -= min(base, peak.Live)
	return peak
}
