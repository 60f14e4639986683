package falco

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"sync"
	"sync/atomic"
	"time"

	"github.com/falco-sdk/falco-sdk/packages/go/falco/gen/outputs"
	"github.com/falco-sdk/falco-sdk/packages/go/falco/gen/version"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Status is what a Subscription went through.
type Status struct {
	// Connected: a `sub` stream is open now.
	Connected bool
	// Received alerts, in total.
	Received uint64
	// Reconnects made after a break or a Falco stop.
	Reconnects uint64
	// Interruptions: streams that broke. Falco pops an alert before writing
	// it, so each may have lost the alerts that were in flight.
	Interruptions uint64
	// FalcoStops: streams Falco ended with OK (its stop, or a rules/config reload).
	FalcoStops uint64
	// Starved: Falco does not serve the open `sub` call (its slots are full);
	// the queued alerts are fetched with `get` (see EventStarved).
	Starved bool
	// LastError of a failed or broken stream.
	LastError error
}

// Subscription is every alert from Falco's `sub`, as a channel.
type Subscription struct {
	client *Client
	alerts chan Alert
	cancel context.CancelFunc
	done   chan struct{}

	mu        sync.Mutex
	status    Status
	err       error
	pending   atomic.Int64 // alerts received, not yet taken
	dropped   uint64       // by run's goroutine only
	connected bool         // Falco answered once: by run's goroutine only
}

// Subscribe starts polling Falco's `sub` until ctx ends or Close is called;
// read Alerts, then Err. It reconnects with Options.Backoff after a break or
// after Falco's stop or reload, and gives up only after Backoff.MaxAttempts
// consecutive failures (never, by default). When the first connection fails
// it ends at once with that error, unless Options.WaitForServer.
func (c *Client) Subscribe(ctx context.Context) *Subscription {
	ctx, cancel := context.WithCancel(ctx)
	s := &Subscription{client: c, alerts: make(chan Alert), cancel: cancel, done: make(chan struct{})}
	go s.run(ctx)
	return s
}

// Alerts delivers alerts in Falco's order; it is closed when the subscription ends.
func (s *Subscription) Alerts() <-chan Alert { return s.alerts }

// All is Alerts as an iterator, for range-over-func: every alert in Falco's
// order, then, when the subscription gave up, one last pair with a zero Alert
// and Err. Breaking out of the loop leaves the subscription open (Close ends it).
//
//	for alert, err := range sub.All() {
//		if err != nil { return err }
//		fmt.Println(alert.Rule)
//	}
func (s *Subscription) All() iter.Seq2[Alert, error] {
	return func(yield func(Alert, error) bool) {
		for alert := range s.alerts {
			if !yield(alert, nil) {
				return
			}
		}
		if err := s.Err(); err != nil {
			yield(Alert{}, err)
		}
	}
}

// Err is why the subscription ended once Alerts is closed: nil after Close or
// the context's end, an *Error with CodeUnavailable after giving up.
func (s *Subscription) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// Pending is how many alerts were received from Falco and not yet taken from
// Alerts: at most 4 x Options.MaxBufferedAlerts (polling pauses at 1 x).
func (s *Subscription) Pending() int { return int(max(s.pending.Load(), 0)) }

// Status is a snapshot of the subscription's counters.
func (s *Subscription) Status() Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.status
}

// Close cancels the open call (RST_STREAM, never a half-close) and waits for
// the subscription to end. Alerts received but not yet read are discarded.
func (s *Subscription) Close() {
	s.cancel()
	<-s.done
}

func (s *Subscription) update(f func(*Status)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(&s.status)
}

func (s *Subscription) emit(e StatusEvent) {
	if f := s.client.opts.OnStatus; f != nil {
		f(e)
	}
}

func (s *Subscription) run(ctx context.Context) {
	defer close(s.done)
	defer close(s.alerts)
	defer func() {
		if n := s.dropped; n > 0 {
			s.emit(StatusEvent{Name: EventDropped, Count: n, Total: s.client.dropped.Add(n)})
		}
		s.emit(StatusEvent{Name: EventClosed})
	}()
	failures := 0
	for {
		s.emit(StatusEvent{Name: EventConnecting, Endpoint: s.client.endpoint.Text})
		end := s.stream(ctx)
		if ctx.Err() != nil {
			return
		}
		err := end.err
		if err == nil {
			err = &Error{Code: CodeUnavailable, Message: fmt.Sprintf("Falco at %s ended the alert stream: it is stopping or reloading its rules or configuration", s.client.endpoint.Text)}
		}
		s.update(func(st *Status) {
			st.Connected = false
			st.Starved = false
			switch {
			case end.err == nil:
				st.FalcoStops++ // Falco ends `sub` with OK only when it stops or reloads
			case end.established:
				st.Interruptions++
			}
			st.LastError = err
		})
		losses := s.client.possibleLosses.Load()
		if end.mayHaveLost {
			losses = s.client.possibleLosses.Add(1)
		}
		s.emit(StatusEvent{Name: EventDisconnected, Err: err, AlertsMayHaveBeenLost: end.mayHaveLost, PossibleLosses: losses})
		if !s.connected && !s.client.opts.WaitForServer {
			s.mu.Lock()
			s.err = &Error{Code: codeOf(err), Reason: reasonOf(err), Cause: err, Message: fmt.Sprintf(
				"%v (set Options.WaitForServer to wait for Falco to come up instead)", err)}
			s.mu.Unlock()
			return
		}
		if s.client.opts.NoReconnect {
			s.mu.Lock()
			s.err = &Error{Code: codeOf(err), Reason: reasonOf(err), Cause: err, Message: fmt.Sprintf(
				"%v (Options.NoReconnect is set: the subscription ends at its first disconnection)", err)}
			s.mu.Unlock()
			return
		}
		if end.err == nil || end.established {
			failures = 0
		} else {
			failures++
		}
		delay, ok := s.client.opts.Backoff.Delay(max(failures, 1))
		if !ok {
			s.mu.Lock()
			s.err = &Error{Code: CodeUnavailable, Cause: err, Message: fmt.Sprintf("gave up after %d failed attempts: %v", failures, err)}
			s.mu.Unlock()
			return
		}
		if end.err == nil {
			delay = 0 // Falco's stop or reload: it listens again within a few hundred ms
		}
		s.emit(StatusEvent{Name: EventReconnecting, Attempt: max(failures, 1), Delay: delay, Err: err})
		timer := time.NewTimer(delay)
		select {
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
			return
		}
		s.update(func(st *Status) { st.Reconnects++ })
	}
}

type received struct {
	message *outputs.Response
	err     error // set on the last item: io.EOF when Falco ended the stream with OK
}

// ending is how one `sub` stream ended.
type ending struct {
	established bool  // alerts came, or Falco answered a version call on this connection
	err         error // nil: Falco ended the stream with OK (its stop or reload)
	mayHaveLost bool
}

// stream runs one `sub` call on a connection of its own.
func (s *Subscription) stream(ctx context.Context) ending {
	conn, err := s.client.dial()
	if err != nil {
		return ending{err: err}
	}
	defer conn.Close()
	live := s.client.opts.LivenessTimeout
	versions := version.NewServiceClient(conn)
	probe := func() error {
		vctx, vcancel := context.WithTimeout(ctx, live/2)
		defer vcancel()
		_, err := versions.Version(vctx, &version.Request{})
		switch {
		case err == nil || ctx.Err() != nil:
			return err
		case status.Code(err) == codes.DeadlineExceeded: // no answer: a refused or missing socket fails at once
			return &Error{Code: CodeUnavailable, Cause: fmt.Errorf("%w: %w", ErrHung, err), Message: fmt.Sprintf(
				"Falco at %s did not answer a liveness check within %s: it is hung or unreachable", s.client.endpoint.Text, live/2)}
		}
		return s.client.describe(err)
	}
	// Falco answers `version` from a pool of its own: an answer says it is up.
	if err := probe(); err != nil {
		var e *Error
		if !errors.As(err, &e) {
			err = s.client.describe(err)
		}
		return ending{err: err}
	}
	s.connected = true
	s.update(func(st *Status) { st.Connected = true })
	s.emit(StatusEvent{Name: EventConnected, Endpoint: s.client.endpoint.Text})
	callCtx, cancel := context.WithCancel(ctx)
	defer cancel() // RST_STREAM: the call is never half-closed
	stream, err := outputs.NewServiceClient(conn).Sub(callCtx)
	if err != nil {
		return ending{err: s.client.describe(err)}
	}
	limit := s.client.opts.MaxBufferedAlerts
	// The reader takes a message only while fewer than 4 x limit are received
	// and not taken (after Falco's GOAWAY, up to afterGoawayLimit more).
	hard := 4 * limit
	buf := make(chan received, hard+afterGoawayLimit+1)
	poke := make(chan struct{}, 1)
	pollSoon := func() {
		select {
		case poke <- struct{}{}:
		default:
		}
	}
	room := make(chan struct{}, 1) // the consumer took an alert
	tookOne := func() {
		select {
		case room <- struct{}{}:
		default:
		}
	}
	drain := newDrainState(s.client.opts.PollInterval, cancel)
	defer drain.stop()
	go watchGoaway(callCtx, conn, drain)
	var sinceAlert atomic.Int64 // liveness ticks without an alert
	var hung atomic.Pointer[error]
	watch := &starvation{
		client: outputs.NewServiceClient(conn),
		ctx:    callCtx,
		quiet:  live / 4,
		deliver: func(m *outputs.Response) bool {
			s.pending.Add(1)
			select {
			case buf <- received{message: m}:
				sinceAlert.Store(0)
				return true
			case <-callCtx.Done():
				s.pending.Add(-1)
				return false
			}
		},
		mayFetch: func() bool { return len(buf) < limit && !drain.draining() },
		onStarved: func(starved bool) {
			s.update(func(st *Status) { st.Starved = starved })
			if starved {
				s.emit(StatusEvent{Name: EventStarved, Endpoint: s.client.endpoint.Text, Err: starvedError(s.client.endpoint.Text)})
			} else {
				s.emit(StatusEvent{Name: EventConnected, Endpoint: s.client.endpoint.Text})
			}
		},
	}
	watch.subActiveAt = time.Now()
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()
	wg.Add(3)
	go func() { // reader: at 4 x limit it waits, and HTTP/2 flow control holds Falco's drain
		defer wg.Done()
		defer watch.close()
		for {
			for s.pending.Load() >= int64(drain.limit(hard)) {
				if drain.draining() {
					drain.overLimit.Store(true) // the grace timer cancels the call
				}
				select {
				case <-room:
				case <-drain.started:
				case <-callCtx.Done():
					return
				}
			}
			m, err := stream.Recv()
			if err != nil {
				watch.close() // what a running get took comes before the end
			} else {
				watch.subDelivered()
				s.pending.Add(1)
				drain.received()
			}
			select {
			case buf <- received{m, err}:
			case <-callCtx.Done():
				if err == nil {
					s.pending.Add(-1)
				}
				return
			}
			if err != nil {
				return
			}
			sinceAlert.Store(0)
			pollSoon() // alerts flow: ask again at once
		}
	}()
	go func() { // poller: every PollInterval, and at once when poked, unless the consumer lags
		defer wg.Done()
		ticker := time.NewTicker(s.client.opts.PollInterval)
		defer ticker.Stop()
		for {
			// After Falco's GOAWAY, never poll: Falco would pop an alert for the request and discard it.
			if len(buf) < limit && !drain.draining() {
				if stream.Send(&outputs.Request{}) != nil {
					return // the stream ended: the reader reports why
				}
				watch.sent.Add(1)
			}
			select {
			case <-ticker.C:
				watch.poll()
			case <-poke:
			case <-callCtx.Done():
				return
			}
		}
	}()
	go func() { // liveness: a version call when `sub` has been silent for a check period
		defer wg.Done()
		ticker := time.NewTicker(live / 4)
		defer ticker.Stop()
		for {
			select {
			case <-ticker.C:
			case <-callCtx.Done():
				return
			}
			if drain.draining() {
				return // the connection takes no new calls: the grace timer ends the stream
			}
			watch.check()
			if sinceAlert.Add(1) < 2 {
				continue
			}
			if err := probe(); err != nil && callCtx.Err() == nil {
				hung.Store(&err)
				cancel()
				return
			}
		}
	}()
	established := false
	for {
		var item received
		select {
		case item = <-buf:
		case <-ctx.Done():
			s.dropBuffered(buf)
			return ending{established: established, err: ctx.Err()}
		case <-callCtx.Done(): // the liveness check ended the call: deliver what came first
			select {
			case item = <-buf:
			default:
				if ctx.Err() != nil {
					return ending{established: established, err: ctx.Err()}
				}
				if h := hung.Load(); h != nil {
					return ending{established: established, err: *h, mayHaveLost: established}
				}
				if drain.cancelled.Load() {
					// Silent for a grace period after Falco's GOAWAY: Falco waited for a
					// request that never came and popped nothing, unless it wrote past the limit.
					return ending{established: true, mayHaveLost: drain.overLimit.Load()}
				}
				return ending{established: established, err: s.client.describe(callCtx.Err())}
			}
		}
		if errors.Is(item.err, io.EOF) {
			// Falco ended the call with OK: its stop or reload. Falco pops one more alert
			// after the write in flight when its stop began, and discards it (or one for a
			// request it reads while stopping). At most one alert per stream.
			return ending{established: true, mayHaveLost: true}
		}
		if item.err != nil && drain.cancelled.Load() {
			// The grace timer cancelled the call after the GOAWAY (see above).
			return ending{established: true, mayHaveLost: drain.overLimit.Load()}
		}
		if item.err != nil {
			if h := hung.Load(); h != nil {
				return ending{established: established, err: *h, mayHaveLost: established}
			}
			return ending{established: established, err: s.client.describe(item.err), mayHaveLost: established}
		}
		established = true
		s.update(func(st *Status) { st.Connected = true; st.Received++ })
		select {
		case s.alerts <- AlertFromResponse(item.message):
			s.pending.Add(-1)
			tookOne()
			pollSoon()
		case <-ctx.Done():
			s.dropped++
			s.dropBuffered(buf)
			return ending{established: established, err: ctx.Err()}
		}
	}
}

// codeOf is err's Code (CodeUnavailable when it has none), reasonOf its TLSReason.
func codeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeUnavailable
}

func reasonOf(err error) TLSReason {
	var e *Error
	if errors.As(err, &e) {
		return e.Reason
	}
	return ""
}

// dropBuffered counts the alerts received but never delivered.
func (s *Subscription) dropBuffered(buf chan received) {
	defer s.pending.Store(0)
	for {
		select {
		case item := <-buf:
			if item.err == nil {
				s.dropped++
			}
		default:
			return
		}
	}
}
