// Package falco consumes Falco's alerts over its gRPC outputs API (Falco 0.24
// to 0.43.x): Version, Get, and a Subscribe that polls `sub` (every 100 ms, at
// once again while alerts flow), ends calls by cancelling them (never by
// half-closing: Falco answers a half-close with nothing), and reconnects with
// backoff and jitter after a break or after Falco's stop or reload.
//
// Subscribe also checks that Falco answers while `sub` is silent (liveness), and
// reports connecting, connected, disconnected, reconnecting, dropped and closed
// events to Options.OnStatus. Get and Subscription.All are iterators (iter.Seq2).
//
// The generated stubs are in the gen/schema, gen/outputs and gen/version
// packages (buf generate; never edited by hand).
//
//	client, err := falco.New(falco.Options{}) // Falco's unix socket
//	if err != nil { ... }
//	defer client.Close()
//	sub := client.Subscribe(ctx)
//	defer sub.Close()
//	for alert, err := range sub.All() {
//		if err != nil { ... } // only after Backoff.MaxAttempts failures in a row
//		fmt.Println(alert.Rule, alert.Priority)
//	}
package falco
