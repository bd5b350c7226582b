// Package uploads bounds how many photo uploads the server reads and
// processes at once, so that a burst of citizens submitting photos cannot
// take its memory (issue 11; docs/operations.md, "Memory under photo
// uploads").
//
// A submission with photos enters the Gate before its body is read and
// leaves it once it is stored: at most Slots are in flight, up to Queue
// more wait (each at most Wait) for a slot, and any beyond that are told at
// once, in Chinese, that the server is busy (503) — before anything is
// read or stored, so a refused submission is never half-kept and an
// acknowledged one (its tracking code shown) is always stored whole.
package uploads

import (
	"context"
	"sync/atomic"
	"time"

	"zhitong"
)

// Defaults: two in flight, as photos are decoded two at a time anyway
// (one per core of the reference server), so more slots would add memory,
// not speed; sixteen more may wait up to a minute (sending three photos over a phone takes tens of seconds anyway). docs/operations.md
// gives the memory measured and the ceiling.
const (
	DefaultSlots = 2
	DefaultQueue = 16
	DefaultWait  = 60 * time.Second
)

// ErrBusy is the answer to an upload that found no slot.
var ErrBusy = zhitong.Errorf(zhitong.EBUSY, "现在提交照片的人较多，您的意见未能提交（没有保存）。请稍等一两分钟后再提交一次；返回上一页，已填写的内容通常仍在。")

// Gate is a counting limit on uploads in flight, with a bounded queue.
type Gate struct {
	slots   chan struct{}
	waiting atomic.Int64
	queue   int64
	wait    time.Duration
	peak    atomic.Int64 // most uploads ever in flight, for tests and benchmarks
	refused atomic.Int64
}

// New returns a gate of slots uploads in flight and queue waiting at most wait.
func New(slots, queue int, wait time.Duration) *Gate {
	return &Gate{slots: make(chan struct{}, max(slots, 1)), queue: int64(max(queue, 0)), wait: wait}
}

// Default returns a gate with the default sizes.
func Default() *Gate { return New(DefaultSlots, DefaultQueue, DefaultWait) }

// Enter takes a slot, waiting in the queue if there is room in it, and
// returns the function that gives the slot back. It returns ErrBusy when
// the queue is full or the wait runs out, and the context's error when
// the client went away.
func (g *Gate) Enter(ctx context.Context) (release func(), err error) {
	select {
	case g.slots <- struct{}{}:
		return g.entered(), nil
	default:
	}
	if g.waiting.Add(1) > g.queue {
		g.waiting.Add(-1)
		g.refused.Add(1)
		return nil, ErrBusy
	}
	defer g.waiting.Add(-1)
	t := time.NewTimer(g.wait)
	defer t.Stop()
	select {
	case g.slots <- struct{}{}:
		return g.entered(), nil
	case <-t.C:
		g.refused.Add(1)
		return nil, ErrBusy
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (g *Gate) entered() func() {
	n := int64(len(g.slots))
	for {
		p := g.peak.Load()
		if n <= p || g.peak.CompareAndSwap(p, n) {
			break
		}
	}
	var once atomic.Bool
	return func() {
		if once.CompareAndSwap(false, true) {
			<-g.slots
		}
	}
}

// Stats are the gate's counters.
type Stats struct {
	Slots, InFlight, Waiting, Peak int
	Refused                        int64
}

// Stats returns the gate's counters now.
func (g *Gate) Stats() Stats {
	return Stats{Slots: cap(g.slots), InFlight: len(g.slots), Waiting: int(g.waiting.Load()), Peak: int(g.peak.Load()), Refused: g.refused.Load()}
}
