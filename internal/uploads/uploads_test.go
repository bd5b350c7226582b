package uploads

import (
	"context"
	"sync"
	"testing"
	"time"

	"zhitong"
)

// At most Slots are in flight; Queue more wait; beyond that, or past the
// wait, the answer is EBUSY at once; a released slot lets a waiter in.
func TestGateBoundsUploadsInFlight(t *testing.T) {
	g := New(2, 1, 200*time.Millisecond)
	ctx := context.Background()
	r1, err := g.Enter(ctx)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := g.Enter(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The third waits in the queue; the fourth finds the queue full.
	got := make(chan error, 1)
	go func() {
		r3, err := g.Enter(ctx)
		if err == nil {
			r3()
		}
		got <- err
	}()
	for g.Stats().Waiting != 1 {
		time.Sleep(time.Millisecond)
	}
	if _, err := g.Enter(ctx); zhitong.ErrorCode(err) != zhitong.EBUSY {
		t.Fatalf("fourth upload: %v, want busy", err)
	}
	r1()
	r1() // releasing twice gives back one slot only
	if err := <-got; err != nil {
		t.Fatalf("the waiting upload: %v", err)
	}
	// With both slots taken, a waiter gives up after the wait.
	r4, _ := g.Enter(ctx)
	start := time.Now()
	if _, err := g.Enter(ctx); zhitong.ErrorCode(err) != zhitong.EBUSY || time.Since(start) < 150*time.Millisecond {
		t.Fatalf("after %v: %v, want busy after the wait", time.Since(start), err)
	}
	// A client that goes away stops waiting.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := g.Enter(cctx); err != context.Canceled {
		t.Fatalf("cancelled: %v", err)
	}
	r2()
	r4()
	if s := g.Stats(); s.InFlight != 0 || s.Peak != 2 || s.Refused != 2 {
		t.Fatalf("stats = %+v", s)
	}
}

// Under many concurrent uploads the slots are never exceeded.
func TestGateNeverExceedsItsSlots(t *testing.T) {
	g := New(3, 100, time.Second)
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			release, err := g.Enter(context.Background())
			if err != nil {
				t.Error(err)
				return
			}
			time.Sleep(time.Millisecond)
			release()
		})
	}
	wg.Wait()
	if s := g.Stats(); s.Peak > 3 || s.Peak == 0 {
		t.Fatalf("peak %d with 3 slots", s.Peak)
	}
}
