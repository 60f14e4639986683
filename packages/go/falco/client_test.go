package falco_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	falco "github.com/falco-sdk/falco-sdk/packages/go/falco"
	"github.com/falco-sdk/falco-sdk/packages/go/falco/falcotest"
	"github.com/falco-sdk/falco-sdk/packages/go/falco/gen/outputs"
	"github.com/falco-sdk/falco-sdk/packages/go/falco/gen/version"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
)

func repoRoot(t *testing.T) string {
	t.Helper()
	wd, _ := os.Getwd()
	root := falcotest.RepoRoot(wd)
	if root == "" {
		t.Fatal("not inside the falco-sdk repository")
	}
	return root
}

func jsonOf(t *testing.T, a falco.Alert) string {
	t.Helper()
	b, err := a.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	return falcotest.Canonical(t, b)
}

func take(t *testing.T, sub *falco.Subscription, n int) []string {
	t.Helper()
	out := make([]string, 0, n)
	for len(out) < n {
		a, ok := <-sub.Alerts()
		if !ok {
			t.Fatalf("subscription ended after %d alerts: %v", len(out), sub.Err())
		}
		out = append(out, jsonOf(t, a))
	}
	return out
}

func TestVersion(t *testing.T) {
	falcotest.ForEach(t, func(t *testing.T, l *falcotest.Server) {
		v, err := l.Client(t).Version(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if v.GetMajor() != 0 || v.GetMinor() != 43 || v.GetVersion() != "0.43.1" {
			t.Fatalf("version %v", v)
		}
	})
}

func getAll(t *testing.T, c *falco.Client) []string {
	t.Helper()
	got := []string{}
	for a, err := range c.Get(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, jsonOf(t, a))
	}
	return got
}

func TestGetDrainsTheQueue(t *testing.T) {
	falcotest.ForEach(t, func(t *testing.T, l *falcotest.Server) {
		want := l.Emit(5)
		c := l.Client(t)
		if got := getAll(t, c); !reflect.DeepEqual(got, want) {
			t.Fatalf("got %v\nwant %v", got, want)
		}
		if again := getAll(t, c); len(again) != 0 {
			t.Fatalf("second get: %d alerts", len(again))
		}
	})
}

// Get yields each alert as it comes: breaking out after the first ends the
// call, and the next Get drains what Falco had not sent yet.
func TestGetStreamsAndStopsWhenTheLoopBreaks(t *testing.T) {
	l := falcotest.Start(t, "node", "unix")
	const n = 3000 // more than HTTP/2's windows hold: Falco is still writing when we break
	want := l.Emit(n)
	c := l.Client(t)
	var first string
	for a, err := range c.Get(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		first = jsonOf(t, a)
		break
	}
	if first != want[0] {
		t.Fatalf("first %s, want %s", first, want[0])
	}
	rest := getAll(t, c)
	if len(rest) == 0 || len(rest) >= n-1 || rest[len(rest)-1] != want[n-1] {
		t.Fatalf("after the break: %d alerts left of %d (want some, fewer than %d: the call ended early)", len(rest), n, n-1)
	}
}

func TestWithDialOptionsReachEveryCall(t *testing.T) {
	falcotest.ForEach(t, func(t *testing.T, l *falcotest.Server) {
		var mu sync.Mutex
		var methods []string
		record := func(m string) {
			mu.Lock()
			defer mu.Unlock()
			methods = append(methods, m)
		}
		c, err := falco.New(falco.Options{Endpoint: l.Endpoint, TLS: l.TLS(false)}, falco.WithDialOptions(
			grpc.WithUnaryInterceptor(func(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
				record(method)
				return invoker(ctx, method, req, reply, cc, opts...)
			}),
			grpc.WithStreamInterceptor(func(ctx context.Context, desc *grpc.StreamDesc, cc *grpc.ClientConn, method string, streamer grpc.Streamer, opts ...grpc.CallOption) (grpc.ClientStream, error) {
				record(method)
				return streamer(ctx, desc, cc, method, opts...)
			}),
		))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if _, err := c.Version(context.Background()); err != nil {
			t.Fatal(err)
		}
		getAll(t, c)
		l.Emit(1)
		sub := c.Subscribe(context.Background())
		for _, err := range sub.All() {
			if err != nil {
				t.Fatal(err)
			}
			break
		}
		sub.Close()
		mu.Lock()
		defer mu.Unlock()
		// Subscribe's connection checks that Falco answers (version) before it opens sub.
		want := []string{"/falco.version.service/version", "/falco.outputs.service/get", "/falco.version.service/version", "/falco.outputs.service/sub"}
		if len(methods) < 4 || !reflect.DeepEqual(methods[:4], want) {
			t.Fatalf("intercepted %v, want %v first", methods, want)
		}
	})
}

func TestSubscribePollsAndDeliversInOrder(t *testing.T) {
	falcotest.ForEach(t, func(t *testing.T, l *falcotest.Server) {
		before := l.Emit(3)
		sub := l.Client(t).Subscribe(context.Background())
		defer sub.Close()
		got := take(t, sub, 3)
		l.Send("waitSubscribers", map[string]any{"n": 1})
		after := l.Emit(4) // only reach us if we keep polling
		got = append(got, take(t, sub, 4)...)
		if want := append(before, after...); !reflect.DeepEqual(got, want) {
			t.Fatalf("got %v\nwant %v", got, want)
		}
		if st := sub.Status(); st.Received != 7 {
			t.Fatalf("status %+v", st)
		}
	})
}

func TestSubscribeReconnectsAcrossARestart(t *testing.T) {
	falcotest.ForEach(t, func(t *testing.T, l *falcotest.Server) {
		sub := l.Client(t).Subscribe(context.Background())
		defer sub.Close()
		first := l.Emit(2)
		if got := take(t, sub, 2); !reflect.DeepEqual(got, first) {
			t.Fatalf("got %v want %v", got, first)
		}
		l.Send("reload", nil) // Falco's stop ends our polling stream with OK, then it listens again
		second := l.Emit(3)
		if got := take(t, sub, 3); !reflect.DeepEqual(got, second) {
			t.Fatalf("got %v want %v", got, second)
		}
		if st := sub.Status(); st.FalcoStops != 1 || st.Reconnects < 1 {
			t.Fatalf("status %+v", st)
		}
		if dropped := l.Send("stats", nil)["dropped"]; dropped != 0.0 {
			t.Fatalf("dropped %v", dropped)
		}
	})
}

func TestSubscribeCountsACrash(t *testing.T) {
	falcotest.ForEach(t, func(t *testing.T, l *falcotest.Server) {
		sub := l.Client(t).Subscribe(context.Background())
		defer sub.Close()
		l.Emit(1)
		take(t, sub, 1)
		l.Send("crash", nil)
		l.Send("restart", nil)
		later := l.Emit(2)
		if got := take(t, sub, 2); !reflect.DeepEqual(got, later) {
			t.Fatalf("got %v want %v", got, later)
		}
		if st := sub.Status(); st.Interruptions != 1 {
			t.Fatalf("status %+v", st)
		}
	})
}

func TestCloseCancelsSoFalcoCanStop(t *testing.T) {
	falcotest.ForEach(t, func(t *testing.T, l *falcotest.Server) {
		sub := l.Client(t).Subscribe(context.Background())
		l.Emit(1)
		take(t, sub, 1)
		l.Send("waitSubscribers", map[string]any{"n": 1})
		sub.Close()
		if sub.Err() != nil {
			t.Fatalf("err after Close: %v", sub.Err())
		}
		l.Send("stop", nil) // fails (timeout) if a subscriber was left open
		if n := l.Send("stats", nil)["subscribers"]; n != 0.0 {
			t.Fatalf("subscribers %v", n)
		}
	})
}

func TestRogueClientCertificateIsRefused(t *testing.T) {
	for _, kind := range []string{"node", "ccore"} {
		t.Run(kind, func(t *testing.T) {
			l := falcotest.Start(t, kind, "mtls")
			c, err := falco.New(falco.Options{Endpoint: l.Endpoint, TLS: l.TLS(true)})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			_, err = c.Version(context.Background())
			var e *falco.Error
			if !errors.Is(err, falco.CodeTLS) || !errors.As(err, &e) || e.Reason != falco.ReasonClientCertRefused || !strings.Contains(err.Error(), l.Endpoint) {
				t.Fatalf("want CodeTLS, ReasonClientCertRefused, naming %s; got %v", l.Endpoint, err)
			}
		})
	}
}

func TestUnreachableNamesTheEndpoint(t *testing.T) {
	endpoint := "unix://" + filepath.Join(t.TempDir(), "falco.sock")
	c, err := falco.New(falco.Options{Endpoint: endpoint})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, err = c.Version(context.Background())
	if !falco.IsUnavailable(err) || !strings.Contains(err.Error(), "cannot reach Falco at "+endpoint) {
		t.Fatalf("got %v", err)
	}
	var e *falco.Error
	if !errors.As(err, &e) || e.Code != falco.CodeUnavailable {
		t.Fatalf("errors.As: %v", err)
	}
	if s, ok := status.FromError(e.Cause); !ok || s.Code() != codes.Unavailable {
		t.Fatalf("cause %v: want the gRPC status", e.Cause)
	}
	c2, err := falco.New(falco.Options{Endpoint: endpoint, WaitForServer: true, Backoff: falco.Backoff{InitialDelay: 1, MaxAttempts: 2}})
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	sub := c2.Subscribe(context.Background())
	var last error
	n := 0
	for _, err := range sub.All() {
		n++
		last = err
	}
	if n != 1 || !errors.Is(last, falco.CodeUnavailable) || !strings.Contains(last.Error(), "gave up after 3 failed attempts") {
		t.Fatalf("got %d items, last %v", n, last)
	}
	// Without WaitForServer (the default) the first failure ends the subscription, naming the option.
	var names []string
	c3, err := falco.New(falco.Options{Endpoint: endpoint, OnStatus: func(e falco.StatusEvent) { names = append(names, e.Name) }})
	if err != nil {
		t.Fatal(err)
	}
	defer c3.Close()
	sub = c3.Subscribe(context.Background())
	for range sub.Alerts() {
	}
	if err := sub.Err(); !errors.Is(err, falco.CodeUnavailable) || !strings.Contains(err.Error(), "cannot reach Falco at "+endpoint) ||
		!strings.Contains(err.Error(), "set Options.WaitForServer") {
		t.Fatalf("got %v", err)
	}
	if want := []string{"connecting", "disconnected", "closed"}; !slices.Equal(names, want) {
		t.Fatalf("events %v, want %v", names, want)
	}
}

func TestConfigurationErrors(t *testing.T) {
	for endpoint, want := range map[string]string{
		"127.0.0.1:5060":        "mutual TLS",
		"http://127.0.0.1:5060": "plaintext TCP",
		"unix:relative.sock":    "absolute path",
		"nonsense":              "cannot read endpoint",
	} {
		_, err := falco.New(falco.Options{Endpoint: endpoint})
		wrapped := fmt.Errorf("starting: %w", err)
		if !errors.Is(wrapped, falco.CodeConfiguration) || errors.Is(wrapped, falco.CodeUnavailable) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want %q", endpoint, err, want)
		}
	}
}

func vector(t *testing.T, name string, m proto.Message) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot(t), "packages", "proto", "vectors", name+".bin"))
	if err != nil {
		t.Fatal(err)
	}
	if err := proto.Unmarshal(b, m); err != nil {
		t.Fatal(err)
	}
}

func TestVectors(t *testing.T) {
	var full outputs.Response
	vector(t, "response-full", &full)
	want := `{"hostname":"web-1","output":"23:29:32.918828894: Warning A shell was spawned in a container with an attached terminal (user=root container_id=bfb9637a47a6)","output_fields":{"container.id":"bfb9637a47a6","container.image.repository":"<NA>","evt.time":"1651447772918828894","proc.cmdline":"bash -il \"x=1\" ünïcødé","user.loginuid":"0"},"priority":"Warning","rule":"Terminal shell in container","source":"k8s_audit","tags":["container","mitre_execution","shell"],"time":"2022-05-01T23:29:32.918828894Z"}`
	got, _ := falco.AlertFromResponse(&full).MarshalJSON()
	if string(got) != want {
		t.Fatalf("full:\n got %s\nwant %s", got, want)
	}
	var legacy outputs.Response
	vector(t, "response-legacy", &legacy)
	if a := falco.AlertFromResponse(&legacy); a.Source != "plugin" || a.Priority != "Debug" || a.TimeRFC3339() != "2020-09-13T12:26:40.000000000Z" {
		t.Fatalf("legacy %+v", a)
	}
	var zero outputs.Response
	vector(t, "response-zero", &zero)
	if a := falco.AlertFromResponse(&zero); a.Priority != "Emergency" || a.Source != "syscall" || a.Rule != "Zero" {
		t.Fatalf("zero %+v", a)
	}
	var v version.Response
	vector(t, "version-full", &v)
	if v.GetVersion() != "0.43.1-rc2+abc123" || v.GetEngineMinor() != 50 || v.GetEnginePatch() != 2 || v.GetEngineVersion() != "0.50.2" {
		t.Fatalf("version %v", &v)
	}
}
