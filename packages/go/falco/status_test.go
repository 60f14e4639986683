package falco_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	falco "github.com/falco-sdk/falco-sdk/packages/go/falco"
	"github.com/falco-sdk/falco-sdk/packages/go/falco/falcotest"
)

// watched is a client whose status events go to a channel.
func watched(t *testing.T, l *falcotest.Server, liveness time.Duration) (*falco.Client, chan falco.StatusEvent) {
	t.Helper()
	events := make(chan falco.StatusEvent, 10000)
	c, err := falco.New(falco.Options{
		Endpoint:        l.Endpoint,
		TLS:             l.TLS(false),
		LivenessTimeout: liveness,
		Backoff:         falco.Backoff{InitialDelay: 50 * time.Millisecond, MaxDelay: 200 * time.Millisecond},
		OnStatus:        func(e falco.StatusEvent) { events <- e },
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c, events
}

// next returns the next event named name, failing on the subscription's end.
func next(t *testing.T, events chan falco.StatusEvent, name string) falco.StatusEvent {
	t.Helper()
	for e := range events {
		if e.Name == name {
			return e
		}
		if e.Name == falco.EventClosed {
			break
		}
	}
	t.Fatalf("no %s event", name)
	return falco.StatusEvent{}
}

func TestStatusEventsThroughAReload(t *testing.T) {
	for _, kind := range []string{"node", "ccore"} {
		t.Run(kind, func(t *testing.T) {
			l := falcotest.Start(t, kind, "unix")
			c, events := watched(t, l, 30*time.Second)
			sub := c.Subscribe(context.Background())
			if e := <-events; e.Name != falco.EventConnecting || e.Endpoint != l.Endpoint {
				t.Fatalf("first event %v", e)
			}
			next(t, events, falco.EventConnected)
			l.Emit(1)
			take(t, sub, 1)
			l.Send("waitSubscribers", map[string]any{"n": 1})
			l.Send("reload", nil)
			d := next(t, events, falco.EventDisconnected)
			if !strings.Contains(d.Err.Error(), "stopping or reloading") {
				t.Fatalf("disconnected %v", d)
			}
			if r := next(t, events, falco.EventReconnecting); r.Attempt != 1 || r.Delay != 0 {
				t.Fatalf("after Falco's stop: %v, want attempt 1 at once", r)
			}
			next(t, events, falco.EventConnected)
			later := l.Emit(1)
			if got := take(t, sub, 1); got[0] != later[0] {
				t.Fatalf("got %v want %v", got, later)
			}
			sub.Close()
			var last falco.StatusEvent
			for len(events) > 0 {
				last = <-events
			}
			if last.Name != falco.EventClosed {
				t.Fatalf("last event %v", last)
			}
		})
	}
}

// A hung Falco (its server paused, as by SIGSTOP) is detected by the
// liveness check: disconnected with ErrHung; alerts flow again once it answers.
func TestHungFalcoIsDetected(t *testing.T) {
	for _, kind := range []string{"node", "ccore"} {
		t.Run(kind, func(t *testing.T) {
			l := falcotest.Start(t, kind, "unix")
			// A window well above a loaded machine's latency: a version call
			// unanswered for 1 s means the server is paused, not slow.
			c, events := watched(t, l, 2*time.Second)
			sub := c.Subscribe(context.Background())
			defer sub.Close()
			l.Emit(1)
			take(t, sub, 1)
			for len(events) > 0 {
				<-events // what came before the pause
			}
			l.Send("pause", nil)
			d := next(t, events, falco.EventDisconnected)
			if !errors.Is(d.Err, falco.ErrHung) || !errors.Is(d.Err, falco.CodeUnavailable) || !d.AlertsMayHaveBeenLost {
				t.Fatalf("disconnected %v", d)
			}
			if !strings.Contains(d.String(), "disconnected alertsMayHaveBeenLost=true possibleLosses=1 error=") {
				t.Fatalf("String() %q", d.String())
			}
			l.Send("resume", nil)
			later := l.Emit(1)
			if got := take(t, sub, 1); got[0] != later[0] {
				t.Fatalf("got %v want %v", got, later)
			}
		})
	}
}
