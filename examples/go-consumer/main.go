// Command go-consumer prints Falco alerts as Falco JSON lines (priority
// Capitalised, time RFC 3339 with nanoseconds).
//
//	go run . --endpoint unix:///run/falco/falco.sock --count 10
//	go run . --endpoint localhost:5060 --ca ca.crt --cert client.crt --key client.key --count 10
//
// Each status event goes to stderr as one line: "status: disconnected
// alertsMayHaveBeenLost=true possibleLosses=1 error=...". Exits 0 after --count alerts (default:
// runs until interrupted), 1 when Falco cannot be reached (the message names the
// endpoint) or stays hung past the liveness window (--liveness-timeout), 2 on a
// usage error.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	falco "github.com/falco-sdk/falco-sdk/packages/go/falco"
)

func main() { os.Exit(run()) }

func usage(format string, args ...any) int {
	fmt.Fprintf(os.Stderr, "go-consumer: "+format+"\n", args...)
	return 2
}

func run() int {
	endpoint := flag.String("endpoint", "", "unix:///path or host:port (default: Falco's socket)")
	count := flag.Int("count", 0, "stop after N alerts (default: never)")
	ca := flag.String("ca", "", "CA of Falco's certificate (host:port only)")
	cert := flag.String("cert", "", "client certificate (host:port only)")
	key := flag.String("key", "", "client key (host:port only)")
	serverName := flag.String("server-name", "localhost", "name in Falco's certificate")
	liveness := flag.Duration("liveness-timeout", 30*time.Second, "exit 1 when Falco does not answer a check for half of this")
	flag.Parse()
	if *count < 0 {
		return usage("--count must be >= 0")
	}
	hung := make(chan error, 1)
	opts := falco.Options{Endpoint: *endpoint, LivenessTimeout: *liveness, OnStatus: func(e falco.StatusEvent) {
		fmt.Fprintf(os.Stderr, "status: %s\n", e)
		if e.Name == falco.EventDisconnected && errors.Is(e.Err, falco.ErrHung) {
			select {
			case hung <- e.Err:
			default:
			}
		}
	}}
	given := (*ca != "") || (*cert != "") || (*key != "")
	switch {
	case given && (*ca == "" || *cert == "" || *key == ""):
		return usage("mutual TLS needs all of --ca, --cert and --key")
	case given:
		opts.TLS = &falco.TLS{CA: *ca, Cert: *cert, Key: *key, ServerName: *serverName}
	case *endpoint != "" && !strings.HasPrefix(*endpoint, "unix:") && !strings.HasPrefix(*endpoint, "/"):
		return usage("%s is TCP, where Falco always requires mutual TLS: give --ca, --cert and --key", *endpoint)
	}
	client, err := falco.New(opts)
	if err != nil {
		return usage("%v", err)
	}
	defer client.Close()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// Fails at once, naming the endpoint, when Falco is unreachable.
	if _, err := client.Version(ctx); err != nil {
		fmt.Fprintf(os.Stderr, "go-consumer: %v\n", err)
		return 1
	}
	sub := client.Subscribe(ctx)
	defer sub.Close()
	out := json.NewEncoder(os.Stdout)
	out.SetEscapeHTML(false)
	printed := 0
	for {
		var alert falco.Alert
		select {
		case err := <-hung:
			fmt.Fprintf(os.Stderr, "go-consumer: %v; exiting (Falco stayed hung past --liveness-timeout %s)\n", err, *liveness)
			return 1
		case a, ok := <-sub.Alerts():
			if !ok {
				if err := sub.Err(); err != nil {
					fmt.Fprintf(os.Stderr, "go-consumer: %v\n", err)
					return 1
				}
				return 130 // interrupted
			}
			alert = a
		}
		if err := out.Encode(alert); err != nil {
			if errors.Is(err, syscall.EPIPE) {
				return 0 // the reader went away
			}
			fmt.Fprintf(os.Stderr, "go-consumer: writing: %v\n", err)
			return 1
		}
		if printed++; printed == *count {
			return 0
		}
	}
}
