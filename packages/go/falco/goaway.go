package falco

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/connectivity"
)

// afterGoawayLimit is what may still arrive after Falco's GOAWAY beyond the
// usual 4 x MaxBufferedAlerts: Falco finishes a draining call right after its
// current write, so this is that write plus what fits in the HTTP/2 window. It
// bounds memory against a server that would go on writing after its GOAWAY.
const afterGoawayLimit = 4096

// drainState is a `sub` call's state after Falco's GOAWAY (its stop, or a
// rules or configuration reload), as in the TypeScript client's AlertStream:
//   - polling: the usual; nothing of this applies;
//   - draining: Falco sent GOAWAY. We never poll again (Falco would pop an
//     alert for that request and discard it), we read what Falco still writes
//     whatever the consumer does (so Falco's stop never waits on our consumer),
//     and we cancel the call once it stays silent for one grace period (a poll
//     interval, 100 ms to 1 s): Falco then waits for a request that will not
//     come, and has popped nothing.
//
// A draining call that Falco ends with OK may have lost the one alert Falco
// pops after its last write; one we cancel lost nothing, unless Falco wrote
// past the limit (overLimit).
type drainState struct {
	started   chan struct{} // closed at the GOAWAY
	once      sync.Once
	grace     time.Duration
	cancel    context.CancelFunc // of the call
	mu        sync.Mutex
	timer     *time.Timer
	cancelled atomic.Bool // the grace timer ended the call
	overLimit atomic.Bool // past the limit after the GOAWAY: Falco kept writing
}

func newDrainState(pollInterval time.Duration, cancel context.CancelFunc) *drainState {
	return &drainState{
		started: make(chan struct{}),
		grace:   min(max(pollInterval, 100*time.Millisecond), time.Second),
		cancel:  cancel,
	}
}

func (d *drainState) draining() bool {
	select {
	case <-d.started:
		return true
	default:
		return false
	}
}

// limit is what the reader may hold: hard, or more after the GOAWAY.
func (d *drainState) limit(hard int) int {
	if d.draining() {
		return hard + afterGoawayLimit
	}
	return hard
}

// goaway switches to draining and arms the grace timer.
func (d *drainState) goaway() {
	d.once.Do(func() {
		close(d.started)
		d.arm()
	})
}

// received: a message came; while draining, the grace period starts again.
func (d *drainState) received() {
	if d.draining() {
		d.arm()
	}
}

func (d *drainState) arm() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.timer != nil {
		d.timer.Stop()
	}
	d.timer = time.AfterFunc(d.grace, func() {
		d.cancelled.Store(true)
		d.cancel()
	})
}

func (d *drainState) stop() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.timer != nil {
		d.timer.Stop()
	}
}

// watchGoaway switches d to draining when conn leaves READY while the call is
// open. grpc-go shows no GOAWAY to the application, but on one it moves the
// connection to IDLE at once while the streams already open go on (they drain).
// A broken connection leaves READY too; its stream then fails on its own.
func watchGoaway(ctx context.Context, conn *grpc.ClientConn, d *drainState) {
	state := conn.GetState()
	for state == connectivity.Ready {
		if !conn.WaitForStateChange(ctx, state) {
			return // the call ended
		}
		state = conn.GetState()
	}
	if ctx.Err() == nil {
		d.goaway()
	}
}
