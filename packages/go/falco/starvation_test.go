package falco_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	falco "github.com/falco-sdk/falco-sdk/packages/go/falco"
	"github.com/falco-sdk/falco-sdk/packages/go/falco/falcotest"
	"github.com/falco-sdk/falco-sdk/packages/go/falco/gen/outputs"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// recorder keeps every status event of a client.
type recorder struct {
	mu     sync.Mutex
	events []falco.StatusEvent
}

func (r *recorder) add(e falco.StatusEvent) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
}

func (r *recorder) names() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]string, len(r.events))
	for i, e := range r.events {
		out[i] = e.Name
	}
	return out
}

func (r *recorder) snapshot() []falco.StatusEvent {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.events)
}

func (r *recorder) get(i int) falco.StatusEvent {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.events[i]
}

// Falco arms grpc.threadiness x 10 `sub` calls; a call beyond is accepted and
// never served while `version` still answers. The client must notice, report a
// starved event, deliver the queued alerts all the same (through `get`), and
// recover once a slot frees.
func TestStarvedSubscriptionIsReportedAndStillDelivers(t *testing.T) {
	for _, kind := range []string{"node", "ccore"} {
		t.Run(kind, func(t *testing.T) {
			l := falcotest.StartWith(t, kind, "unix", map[string]any{"threadiness": 1})
			// Ten stale subscribers (crashed clients' calls) hold every sub slot.
			stale := make([]*grpc.ClientConn, 10)
			for i := range stale {
				conn, err := grpc.NewClient(l.Endpoint, grpc.WithTransportCredentials(insecure.NewCredentials()))
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { conn.Close() })
				if _, err := outputs.NewServiceClient(conn).Sub(context.Background()); err != nil {
					t.Fatal(err)
				}
				stale[i] = conn
			}
			l.Send("waitSubscribers", map[string]any{"n": 10})
			want := l.Emit(20) // sits in Falco's queue

			var status recorder
			c, err := falco.New(falco.Options{
				Endpoint: l.Endpoint,
				// A window well above a loaded machine's latency: no false "hung".
				LivenessTimeout: 2 * time.Second,
				OnStatus:        status.add,
			})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { c.Close() })
			sub := c.Subscribe(context.Background())
			defer sub.Close()
			got := take(t, sub, 20) // the queued alerts arrive anyway (get)

			// Alerts keep coming: the client tells "not served" from "nothing to send".
			starved := func() int { return slices.Index(status.names(), falco.EventStarved) }
			for starved() < 0 {
				want = append(want, l.Emit(1)...)
				got = append(got, take(t, sub, 1)...)
			}
			report := status.get(starved())
			if !errors.Is(report.Err, falco.CodeSubSlotsFull) || !strings.Contains(report.Err.Error(), "grpc.threadiness") {
				t.Fatalf("starved %v", report)
			}
			if !sub.Status().Starved {
				t.Fatal("Status().Starved is false")
			}
			if names := status.names()[:3]; !slices.Equal(names, []string{"connecting", "connected", "starved"}) {
				t.Fatalf("events %v", names)
			}

			stale[0].Close() // a slot frees: the waiting sub call is served
			recovered := func() bool { return slices.Contains(status.names()[starved():], falco.EventConnected) }
			for !recovered() {
				want = append(want, l.Emit(1)...)
				got = append(got, take(t, sub, 1)...)
			}
			if sub.Status().Starved {
				t.Fatal("Status().Starved after connected")
			}
			// Every alert exactly once, whichever call took it from Falco's queue.
			slices.Sort(want)
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Fatalf("got %d alerts, want %d, each once", len(got), len(want))
			}
			if slices.Contains(status.names(), falco.EventDisconnected) {
				t.Fatalf("events %v", status.names())
			}
		})
	}
}
