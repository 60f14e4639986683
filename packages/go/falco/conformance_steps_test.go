package falco_test

// The client steps and expectations of a conformance scenario.

import (
	"context"
	"fmt"
	"iter"
	"time"

	falco "github.com/falco-sdk/falco-sdk/packages/go/falco"
)

// clientOptions maps a scenario's options (TypeScript's names) to Options.
// Go sets maxBufferedAlerts and pollIntervalMs on the client, not per
// subscription: subscribe with options makes a client of its own.
func (r *run) clientOptions(options map[string]any) (falco.Options, error) {
	o := falco.Options{Endpoint: r.server.Endpoint, OnStatus: r.status.add}
	pki := r.server.PKI
	tls := "valid"
	for k, v := range options {
		switch k {
		case "livenessTimeoutMs":
			o.LivenessTimeout = time.Duration(v.(float64)) * time.Millisecond
		case "waitForServer":
			o.WaitForServer = v.(bool)
		case "maxBufferedAlerts":
			o.MaxBufferedAlerts = int(v.(float64))
		case "pollIntervalMs":
			o.PollInterval = time.Duration(v.(float64)) * time.Millisecond
		case "tls":
			tls = v.(string)
		case "reconnect":
			rc, ok := v.(map[string]any)
			if !ok {
				if v != false {
					return o, fmt.Errorf("reconnect: %v has no Go equivalent", v)
				}
				o.NoReconnect = true
				continue
			}
			for rk, rv := range rc {
				switch n := rv.(float64); rk {
				case "initialDelayMs":
					o.Backoff.InitialDelay = time.Duration(n) * time.Millisecond
				case "maxDelayMs":
					o.Backoff.MaxDelay = time.Duration(n) * time.Millisecond
				case "multiplier":
					o.Backoff.Multiplier = n
				case "jitter":
					o.Backoff.Jitter = n
				case "maxAttempts":
					o.Backoff.MaxAttempts = int(n)
				}
			}
		default:
			return o, fmt.Errorf("unknown option %s", k)
		}
	}
	if pki != nil {
		t := &falco.TLS{CA: pki["ca"], Cert: pki["cert"], Key: pki["key"]}
		switch tls {
		case "wrongCa":
			t.CA = pki["rogueCa"]
		case "rogueClientCert":
			t.Cert, t.Key = pki["rogueCert"], pki["rogueKey"]
		case "noClientCert":
			t.Cert, t.Key = "", ""
		case "wrongServerName":
			t.ServerName = "falco.example.org"
		}
		o.TLS = t
	}
	return o, nil
}

func (r *run) newClient(options map[string]any) (*falco.Client, error) {
	o, err := r.clientOptions(options)
	if err != nil {
		r.t.Fatal(err)
	}
	c, err := falco.New(o)
	if err == nil {
		r.clients = append(r.clients, c)
	}
	return c, err
}

func (r *run) clientStep(step map[string]any) error {
	options, _ := step["options"].(map[string]any)
	want, wantErr := step["error"].(map[string]any)
	var err error
	switch step["client"] {
	case "create":
		r.options = options
		_, err = r.newClient(options)
	case "version":
		_, err = r.clients[len(r.clients)-1].Version(context.Background())
	case "subscribe":
		c := r.clients[len(r.clients)-1]
		if options != nil {
			merged := map[string]any{}
			for k, v := range r.options {
				merged[k] = v
			}
			for k, v := range options {
				merged[k] = v
			}
			if c, err = r.newClient(merged); err != nil {
				return err
			}
		}
		r.sub = c.Subscribe(context.Background())
		r.received = r.sub.Alerts()
		if wantErr {
			_, _, err = r.take(timeoutOf(step))
			if err == nil {
				return fmt.Errorf("an alert, want error %v", compact(want))
			}
			err = r.sub.Err()
		}
	case "get":
		r.received = nil
		r.get(step)
	case "unsubscribe":
		r.sub.Close()
	case "slowConsume":
		return r.slowConsume(step)
	case "close":
		if r.sub != nil {
			r.sub.Close() // Go's subscriptions have connections of their own
		}
		for _, c := range r.clients {
			c.Close()
		}
		r.clients = nil
	default:
		return fmt.Errorf("unknown client step")
	}
	if wantErr {
		return errorMatches(err, want)
	}
	return err
}

// get reads Falco's queue: to its end, or `take` alerts and then cancels the call.
func (r *run) get(step map[string]any) {
	seq := r.clients[len(r.clients)-1].Get(context.Background())
	if n, ok := step["take"].(float64); ok {
		next, stop := iter.Pull2(seq)
		var alerts []falco.Alert
		for range int(n) {
			a, err, ok := next()
			if !ok || err != nil {
				r.t.Fatalf("get: %v", err)
			}
			alerts = append(alerts, a)
		}
		stop()
		r.next = sliceSource(alerts)
		return
	}
	var alerts []falco.Alert
	for a, err := range seq {
		if err != nil {
			r.t.Fatalf("get: %v", err)
		}
		alerts = append(alerts, a)
	}
	r.next = sliceSource(alerts)
}

func sliceSource(alerts []falco.Alert) func() (falco.Alert, bool) {
	return func() (falco.Alert, bool) {
		if len(alerts) == 0 {
			return falco.Alert{}, false
		}
		a := alerts[0]
		alerts = alerts[1:]
		return a, true
	}
}

func (r *run) slowConsume(step map[string]any) error {
	count, pause, most := int(step["count"].(float64)), step["pauseMs"].(float64), int(step["maxPending"].(float64))
	for i := range count {
		if p := r.sub.Pending(); p > most {
			return fmt.Errorf("alert %d: %d pending, want at most %d", i, p, most)
		}
		if err := r.expectAlerts(1, timeoutOf(step)); err != nil {
			return err
		}
		time.Sleep(time.Duration(pause) * time.Millisecond)
	}
	return nil
}

// expectAlerts: the next n alerts equal the next n emitted ones, in order.
func (r *run) expectAlerts(n int, timeout time.Duration) error {
	for range n {
		if r.matched >= len(r.emitted) {
			return fmt.Errorf("%w: more alerts expected than emitted", errFinal)
		}
		a, ok, err := r.take(timeout)
		if err != nil {
			return fmt.Errorf("%w: %v", errFinal, err)
		}
		if !ok {
			return fmt.Errorf("%w: the alert source ended", errFinal)
		}
		if got := r.canonical(a); got != r.emitted[r.matched] {
			return fmt.Errorf("%w: alert %d is %s, want %s", errFinal, r.matched+1, got, r.emitted[r.matched])
		}
		r.matched++
	}
	return nil
}

// alertsThroughLast takes alerts until the last emitted one: the emitted ones
// in order, some possibly missing (then a possible loss must have been reported).
func (r *run) alertsThroughLast(step map[string]any) error {
	missing := 0
	for r.matched < len(r.emitted) {
		a, ok, err := r.take(timeoutOf(step))
		if err != nil || !ok {
			return fmt.Errorf("%w: %d of %d matched: %v", errFinal, r.matched, len(r.emitted), err)
		}
		got := r.canonical(a)
		i := r.matched
		for i < len(r.emitted) && r.emitted[i] != got {
			i++
		}
		if i == len(r.emitted) {
			return fmt.Errorf("%w: alert %s was not emitted after alert %d (repeated or reordered)", errFinal, got, r.matched)
		}
		missing += i - r.matched
		r.matched = i + 1
	}
	limit := step["missing"].(map[string]any)["atMost"]
	most := 0
	if limit == "serverDropped" {
		most = int(r.server.Send("stats", nil)["dropped"].(float64))
	} else {
		most = int(limit.(float64))
	}
	if missing > most {
		return fmt.Errorf("%w: %d alerts missing, at most %d allowed", errFinal, missing, most)
	}
	if missing > 0 && r.findEvent(map[string]any{"type": "disconnected", "alertsMayHaveBeenLost": true}, 0) < 0 {
		return fmt.Errorf("%w: %d alerts missing and no disconnected event said alerts may have been lost", errFinal, missing)
	}
	return nil
}

func (r *run) expect(step map[string]any) error {
	switch step["expect"] {
	case "alerts":
		return r.expectAlerts(int(step["count"].(float64)), timeoutOf(step))
	case "alertsThroughLast":
		return r.alertsThroughLast(step)
	case "end":
		if _, ok, err := r.take(timeoutOf(step)); ok || err != nil {
			return fmt.Errorf("%w: the alert source did not end (%v)", errFinal, err)
		}
	case "pending":
		return bound(r.sub.Pending(), map[string]any{"atLeast": step["atLeast"]})
	case "status":
		return r.expectStatus(step)
	case "noStatus":
		if i := r.findEvent(map[string]any{"type": step["type"]}, 0); i >= 0 {
			return fmt.Errorf("%w: a %v event: %v", errFinal, step["type"], r.status.snapshot()[i])
		}
	case "serverStats":
		stats := r.server.Send("stats", nil)
		for k, v := range step {
			if k == "expect" || k == "timeoutMs" {
				continue
			}
			if err := bound(int(stats[k].(float64)), v); err != nil {
				return fmt.Errorf("stats %s: %v", k, err)
			}
		}
	default:
		return fmt.Errorf("%w: unknown expectation", errFinal)
	}
	return nil
}

// expectStatus: each listed event in order after the cursor (exact: the very next ones).
func (r *run) expectStatus(step map[string]any) error {
	events := r.status.snapshot()
	at := r.cursor
	for _, w := range step["events"].([]any) {
		want := w.(map[string]any)
		if exact, _ := step["exact"].(bool); exact {
			if at >= len(events) {
				return fmt.Errorf("no event %v after %v", compact(want), r.status.names())
			}
			if err := eventMatches(events[at], want); err != nil {
				return fmt.Errorf("%w: event %d: %v", errFinal, at+1, err)
			}
			at++
			continue
		}
		i := r.findEvent(want, at)
		if i < 0 {
			return fmt.Errorf("no event %v among %v (from %d): %v", compact(want), r.status.names(), at, events)
		}
		at = i + 1
	}
	r.cursor = at
	return nil
}
