package falco_test

// One run of a conformance scenario: its steps against one server kind and
// transport (conformance/README.md says what each step means).

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	falco "github.com/falco-sdk/falco-sdk/packages/go/falco"
	"github.com/falco-sdk/falco-sdk/packages/go/falco/falcotest"
)

type run struct {
	t        *testing.T
	server   *falcotest.Server
	options  map[string]any // of the last create
	clients  []*falco.Client
	sub      *falco.Subscription
	status   recorder
	cursor   int                        // status events before it are matched
	next     func() (falco.Alert, bool) // the current alert source, blocking
	emitted  []string                   // canonical Falco JSON
	matched  int                        // emitted alerts matched so far
	received <-chan falco.Alert         // the subscription's alerts, when it is the source
}

func runScenario(t *testing.T, sc scenario, kind, transport string) {
	r := &run{t: t, server: falcotest.StartWith(t, kind, transport, sc.Server)}
	defer r.closeAll()
	for i, step := range sc.Steps {
		if err := r.step(step); err != nil {
			t.Fatalf("step %d %v: %v", i+1, compact(step), err)
		}
	}
}

func compact(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func (r *run) closeAll() {
	if r.sub != nil {
		r.sub.Close()
	}
	for _, c := range r.clients {
		c.Close()
	}
}

func (r *run) step(step map[string]any) error {
	switch {
	case step["server"] != nil:
		return r.serverStep(step)
	case step["client"] != nil:
		return r.clientStep(step)
	case step["expect"] != nil:
		return r.waitFor(step, func() error { return r.expect(step) })
	case step["repeat"] != nil:
		return r.repeat(step)
	}
	return fmt.Errorf("unknown step")
}

func (r *run) serverStep(step map[string]any) error {
	args := map[string]any{}
	for k, v := range step {
		if k != "server" {
			args[k] = v
		}
	}
	reply := r.server.Send(step["server"].(string), args)
	if step["server"] == "emit" {
		for _, a := range reply["alerts"].([]any) {
			b, _ := json.Marshal(a)
			r.emitted = append(r.emitted, falcotest.Canonical(r.t, b))
		}
	}
	return nil
}

// waitFor re-checks check until it holds, failing after the step's timeoutMs
// (default 30 s): that bound only turns a hang into a message.
func (r *run) waitFor(step map[string]any, check func() error) error {
	deadline := time.Now().Add(timeoutOf(step))
	for {
		err := check()
		if err == nil || errors.Is(err, errFinal) || time.Now().After(deadline) {
			return err
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// errFinal marks a failure waiting cannot mend (a wrong alert).
var errFinal = errors.New("final")

func timeoutOf(step map[string]any) time.Duration {
	if ms, ok := step["timeoutMs"].(float64); ok {
		return time.Duration(ms) * time.Millisecond
	}
	return 30 * time.Second
}

// take is the next alert of the current source, or false at its end (or after timeout).
func (r *run) take(timeout time.Duration) (falco.Alert, bool, error) {
	if r.received != nil {
		select {
		case a, ok := <-r.received:
			if !ok {
				return a, false, fmt.Errorf("the subscription ended: %v", r.sub.Err())
			}
			return a, true, nil
		case <-time.After(timeout):
			return falco.Alert{}, false, fmt.Errorf("no alert within %s", timeout)
		}
	}
	if r.next == nil {
		return falco.Alert{}, false, errors.New("no alert source (subscribe or get first)")
	}
	a, ok := r.next()
	return a, ok, nil
}

func (r *run) canonical(a falco.Alert) string {
	b, err := a.MarshalJSON()
	if err != nil {
		r.t.Fatal(err)
	}
	return falcotest.Canonical(r.t, b)
}

func (r *run) repeat(step map[string]any) error {
	until := step["until"].(map[string]any)
	for range int(step["atMost"].(float64)) {
		if i := r.findEvent(until, r.cursor); i >= 0 {
			r.cursor = i + 1
			return nil
		}
		for _, s := range step["repeat"].([]any) {
			if err := r.step(s.(map[string]any)); err != nil {
				return err
			}
		}
	}
	return fmt.Errorf("no %v after %v repeats: events %v", compact(until), step["atMost"], r.status.names())
}

// findEvent is the index of the first event from `from` matching want, or -1.
func (r *run) findEvent(want map[string]any, from int) int {
	events := r.status.snapshot()
	for i := from; i < len(events); i++ {
		if eventMatches(events[i], want) == nil {
			return i
		}
	}
	return -1
}

// eventMatches: the type is the event's Name; each other field given must be equal.
func eventMatches(e falco.StatusEvent, want map[string]any) error {
	if want["type"] != e.Name {
		return fmt.Errorf("%s is not %v", e.Name, want["type"])
	}
	for k, v := range want {
		var got any
		switch k {
		case "type":
			continue
		case "alertsMayHaveBeenLost":
			got = e.AlertsMayHaveBeenLost
		case "count":
			got = float64(e.Count)
		case "total":
			got = float64(e.Total)
		case "attempt":
			got = float64(e.Attempt)
		case "possibleLosses":
			got = float64(e.PossibleLosses)
		case "error":
			if err := errorMatches(e.Err, v.(map[string]any)); err != nil {
				return err
			}
			continue
		default:
			return fmt.Errorf("unknown event field %s", k)
		}
		if got != v {
			return fmt.Errorf("%s: %s is %v, want %v", e.Name, k, got, v)
		}
	}
	return nil
}

// goCodes: this package's Codes by the TypeScript FalcoError codes the scenarios use.
var goCodes = map[string]falco.Code{
	"connection":     falco.CodeUnavailable,
	"configuration":  falco.CodeConfiguration,
	"sub-slots-full": falco.CodeSubSlotsFull,
	"tls":            falco.CodeTLS,
}

func errorMatches(err error, want map[string]any) error {
	if err == nil {
		return fmt.Errorf("no error, want %v", compact(want))
	}
	code, ok := goCodes[fmt.Sprint(want["code"])]
	if !ok {
		return fmt.Errorf("error code %v has no Go Code", want["code"])
	}
	if !errors.Is(err, code) {
		return fmt.Errorf("error %q is not %s", err, code)
	}
	if want["reason"] != nil {
		var e *falco.Error
		if !errors.As(err, &e) || string(e.Reason) != fmt.Sprint(want["reason"]) {
			return fmt.Errorf("error %q: reason %v, want %v", err, reasonText(e), want["reason"])
		}
	}
	if s, ok := want["messageIncludes"].(string); ok && !strings.Contains(strings.ToLower(err.Error()), strings.ToLower(s)) {
		return fmt.Errorf("error %q does not say %q", err, s)
	}
	return nil
}

func reasonText(e *falco.Error) string {
	if e == nil {
		return "none"
	}
	return string(e.Reason)
}

func bound(got int, want any) error {
	switch w := want.(type) {
	case float64:
		if got != int(w) {
			return fmt.Errorf("%d, want %v", got, w)
		}
	case map[string]any:
		if least, ok := w["atLeast"].(float64); ok && got < int(least) {
			return fmt.Errorf("%d, want at least %v", got, least)
		}
		if most, ok := w["atMost"].(float64); ok && got > int(most) {
			return fmt.Errorf("%d, want at most %v", got, most)
		}
	}
	return nil
}
