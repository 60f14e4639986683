package falco

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/falco-sdk/falco-sdk/packages/go/falco/gen/outputs"
)

// starvation tells a `sub` call that Falco accepted but does not serve from one
// that has nothing to deliver. Falco arms grpc.threadiness x 10 calls per
// method; calls beyond wait, unanswered, for a slot (stale calls of crashed
// clients hold them, falco#1268) while `version` and `get` (pools of their own)
// still answer. Falco sends nothing on `sub` when its queue is empty either, so
// silence alone says nothing. When the `sub` call has been silent for a
// liveness check period although it was polled, a `get` drains Falco's queue:
// alerts found there were not taken by our polls. Two such finds in a row, with
// nothing on `sub` in between, mean the call is starved (one find may be alerts
// that arrived just after a poll). While starved, `get` runs at every poll, so
// the queued alerts are delivered all the same; the first alert on `sub` ends
// it. Alerts `get` takes are delivered like the others: nothing is lost to a
// probe. The TypeScript client's StarvationWatch, in Go.
type starvation struct {
	client  outputs.ServiceClient
	ctx     context.Context // the sub call's: ends the get calls with it
	quiet   time.Duration
	deliver func(*outputs.Response) bool // into the buffer; false when the call ended
	// mayFetch: false while fetching must not start (the consumer lags).
	mayFetch  func() bool
	onStarved func(starved bool) // under mu: events stay in order

	sent atomic.Int64 // polls sent on `sub`

	mu             sync.Mutex
	subActiveAt    time.Time
	sentAtActivity int64
	finds          int
	starved        bool
	fetching       bool
	closed         bool
	idle           sync.WaitGroup
}

// subDelivered: an alert arrived on `sub`, the call is served.
func (w *starvation) subDelivered() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.subActiveAt = time.Now()
	w.sentAtActivity = w.sent.Load()
	w.finds = 0
	if w.starved {
		w.starved = false
		w.onStarved(false)
	}
}

// check, every liveness tick: probes a silent, polled `sub` call with a `get`.
func (w *starvation) check() {
	w.mu.Lock()
	if w.starved || w.fetching || time.Since(w.subActiveAt) < w.quiet || w.sent.Load()-w.sentAtActivity < 2 {
		w.mu.Unlock()
		return
	}
	activeBefore := w.subActiveAt
	w.mu.Unlock()
	w.fetch(func(found int) {
		if found == 0 || !w.subActiveAt.Equal(activeBefore) {
			return
		}
		if w.finds++; w.finds >= 2 && !w.starved {
			w.starved = true
			w.onStarved(true)
		}
	})
}

// poll, every poll: while starved, fetches the queue with `get` instead.
func (w *starvation) poll() {
	w.mu.Lock()
	starved := w.starved
	w.mu.Unlock()
	if starved {
		w.fetch(func(int) {})
	}
}

// close starts no more `get` calls and returns once none runs (what they
// took is in the buffer by then).
func (w *starvation) close() {
	w.mu.Lock()
	w.closed = true
	w.mu.Unlock()
	w.idle.Wait()
}

// fetch starts a `get` unless one runs; done gets how many alerts it took, under mu.
func (w *starvation) fetch(done func(found int)) {
	w.mu.Lock()
	if w.fetching || w.closed || !w.mayFetch() {
		w.mu.Unlock()
		return
	}
	w.fetching = true
	w.idle.Add(1)
	w.mu.Unlock()
	go func() {
		defer w.idle.Done()
		found := w.drain()
		w.mu.Lock()
		defer w.mu.Unlock()
		w.fetching = false
		done(found)
	}()
}

// drain runs one `get`; a failed get says nothing about the sub call (the
// liveness check watches the connection).
func (w *starvation) drain() int {
	stream, err := w.client.Get(w.ctx, &outputs.Request{})
	if err != nil {
		return 0
	}
	found := 0
	for {
		m, err := stream.Recv()
		if err != nil {
			return found
		}
		found++
		if !w.deliver(m) {
			return found
		}
	}
}
