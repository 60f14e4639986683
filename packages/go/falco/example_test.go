package falco_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"testing"

	falco "github.com/falco-sdk/falco-sdk/packages/go/falco"
	"github.com/falco-sdk/falco-sdk/packages/go/falco/falcotest"
)

// The test servers the examples use in place of Falco, stopped at the end.
var testServers []*falcotest.Server

// testFalco starts a test server holding n alerts (the same ones each run)
// and returns its endpoint.
func testFalco(n int) string {
	s, err := falcotest.Launch("node", "unix")
	if err != nil {
		panic(err)
	}
	testServers = append(testServers, s)
	s.Emit(n)
	return s.Endpoint
}

func TestMain(m *testing.M) {
	code := m.Run()
	for _, s := range testServers {
		s.Close()
	}
	os.Exit(code)
}

// Version, then every alert from now on; Falco's default socket without an
// Endpoint.
func Example() {
	endpoint := testFalco(2) // Falco's socket: Endpoint "" (or "unix:///run/falco/falco.sock")
	client, err := falco.New(falco.Options{Endpoint: endpoint})
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	v, err := client.Version(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("Falco", v.GetVersion())
	sub := client.Subscribe(context.Background())
	defer sub.Close()
	n := 0
	for alert, err := range sub.All() {
		if err != nil {
			log.Fatal(err) // only after Backoff.MaxAttempts failures in a row
		}
		fmt.Println(alert.Priority, alert.Rule)
		if n++; n == 2 {
			break
		}
	}
	// Output:
	// Falco 0.43.1
	// Informational Launch Privileged Container
	// Informational K8s Secret Deleted
}

// Get drains what Falco holds now, one alert at a time.
func ExampleClient_Get() {
	endpoint := testFalco(3) // Falco's socket: Endpoint "" (or "unix:///run/falco/falco.sock")
	client, err := falco.New(falco.Options{Endpoint: endpoint})
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	for alert, err := range client.Get(context.Background()) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(alert.Priority, alert.Rule)
	}
	// Output:
	// Informational Launch Privileged Container
	// Informational K8s Secret Deleted
	// Notice Attach/Exec Pod
}

// The channel, with Err once it is closed.
func ExampleSubscription_Alerts() {
	endpoint := testFalco(1) // Falco's socket: Endpoint "" (or "unix:///run/falco/falco.sock")
	client, err := falco.New(falco.Options{Endpoint: endpoint})
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sub := client.Subscribe(ctx)
	for alert := range sub.Alerts() {
		fmt.Println(alert.Source, alert.Rule)
		cancel() // ends the subscription: Alerts is closed, Err is nil
	}
	fmt.Println("err:", sub.Err())
	// Output:
	// syscall Launch Privileged Container
	// err: <nil>
}

// Errors carry a Code for errors.Is, and the cause (a gRPC status) for errors.As.
func ExampleCode() {
	_, err := falco.New(falco.Options{Endpoint: "falco-host:5060"}) // TCP without TLS
	fmt.Println(errors.Is(err, falco.CodeConfiguration))
	var e *falco.Error
	if errors.As(err, &e) {
		fmt.Println(e.Code, "-", e.Message)
	}
	// Output:
	// true
	// configuration - falco-host:5060 is TCP, where Falco always requires mutual TLS: set Options.TLS (CA, Cert, Key)
}

// Mutual TLS, Falco's only TCP mode.
func ExampleTLS() {
	_, err := falco.New(falco.Options{
		Endpoint: "localhost:5060",
		TLS:      &falco.TLS{CA: "/etc/falco/certs/ca.crt", Cert: "client.crt", Key: "client.key"},
	})
	fmt.Println(errors.Is(err, falco.CodeConfiguration)) // no such files here
	// Output: true
}

func ExampleResolveEndpoint() {
	e, err := falco.ResolveEndpoint("https://[::1]:5060/")
	fmt.Println(e.Target, e.UnixPath == "", err)
	e, _ = falco.ResolveEndpoint("/run/falco/falco.sock")
	fmt.Println(e.Target, e.UnixPath)
	// Output:
	// [::1]:5060 true <nil>
	// unix:///run/falco/falco.sock /run/falco/falco.sock
}

// The defaults New uses for zero fields, the same in every falco-sdk client.
func ExampleDefaultOptions() {
	d := falco.DefaultOptions()
	fmt.Println(d.MaxBufferedAlerts, d.PollInterval, d.LivenessTimeout, d.Timeout)
	fmt.Println(d.Backoff.InitialDelay, d.Backoff.Multiplier, d.Backoff.MaxDelay, d.Backoff.Jitter)
	// Output:
	// 256 100ms 30s 15s
	// 1s 1.6 30s 0.2
}
