package falco

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"sync/atomic"
	"time"

	"github.com/falco-sdk/falco-sdk/packages/go/falco/gen/outputs"
	"github.com/falco-sdk/falco-sdk/packages/go/falco/gen/version"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
)

// TLS is the mutual-TLS material for Falco's TCP listener: PEM file paths.
type TLS struct {
	// CA is Falco's root_certs: the CA that signed Falco's certificate.
	CA string
	// Cert and Key are this client's certificate and key.
	Cert, Key string
	// ServerName is checked in Falco's certificate whatever host is dialled.
	// Default "localhost" (Falco's docs make certificates for CN=localhost).
	ServerName string
}

// Options of New. The zero value connects to Falco's default unix socket.
type Options struct {
	// Endpoint: unix:///path or host:port. Default Falco's socket
	// /run/falco/falco.sock, or /var/run/falco.sock when only that exists.
	Endpoint string
	// TLS is required for host:port (Falco's TCP listener is always mutual TLS).
	TLS *TLS
	// PollInterval: how often Subscribe asks Falco for alerts (at once again
	// while alerts keep coming). Default 100 ms.
	PollInterval time.Duration
	// MaxBufferedAlerts received but not yet taken by the consumer, past which
	// polling pauses (and at 4x, reading). Default 256.
	MaxBufferedAlerts int
	// LivenessTimeout: while `sub` is silent, Subscribe checks every
	// LivenessTimeout/4 that Falco answers a version call within
	// LivenessTimeout/2; else it reconnects, with a disconnected event whose
	// Err wraps ErrHung. Default 30 s.
	LivenessTimeout time.Duration
	// OnStatus receives each StatusEvent of every Subscription, in order (one at
	// a time per subscription), on its goroutines: it must not block.
	// Default none.
	OnStatus func(StatusEvent)
	// WaitForServer: when Subscribe's first connection fails (no socket,
	// permission, TLS, refused), retry with Backoff, reporting each attempt,
	// instead of ending the subscription at once with that error (so a wrong
	// setting fails fast). Default false.
	WaitForServer bool
	// Backoff of Subscribe's reconnections.
	Backoff Backoff
	// NoReconnect ends a subscription at its first disconnection (its Err says
	// why) instead of reconnecting with Backoff. Default false.
	NoReconnect bool
	// Timeout of Version and Get when the context has no deadline (for Get,
	// each wait for Falco). Default LivenessTimeout / 2 (15 s).
	Timeout time.Duration
}

// DefaultOptions is what New uses for each zero field of Options: the
// defaults every falco-sdk client shares (conformance/defaults.json at the
// repository root). Endpoint stays "": New resolves it to Falco's socket.
func DefaultOptions() Options {
	return Options{
		PollInterval:      100 * time.Millisecond,
		MaxBufferedAlerts: 256,
		LivenessTimeout:   30 * time.Second,
		Backoff:           Backoff{}.withDefaults(),
		Timeout:           15 * time.Second, // LivenessTimeout / 2
	}
}

// Option is a setting of New beyond Options: [WithDialOptions].
type Option func(*Client)

// WithDialOptions adds gRPC dial options to every connection the client makes
// (Version, Get, and each Subscribe stream), after the client's own: an
// interceptor for tracing or metrics, a user agent, a custom dialer. They can
// break what Falco needs: a keepalive parameter gets the connection killed by
// Falco's server (it allows one ping per 5 minutes while idle), and transport
// credentials replace the ones the endpoint and Options.TLS call for.
func WithDialOptions(opts ...grpc.DialOption) Option {
	return func(c *Client) { c.dialOpts = append(c.dialOpts, opts...) }
}

// Client talks to one Falco. Safe for concurrent use; Close it when done.
type Client struct {
	opts     Options
	endpoint Endpoint
	creds    credentials.TransportCredentials
	tls      *tls.Config // of Options.TLS, to name a failed handshake
	dialOpts []grpc.DialOption
	conn     *grpc.ClientConn
	// possibleLosses and dropped: totals of the status events of every subscription.
	possibleLosses, dropped atomic.Uint64
}

// New checks the options and prepares a client; it does not connect yet.
func New(opts Options, options ...Option) (*Client, error) {
	endpoint, err := ResolveEndpoint(opts.Endpoint)
	if err != nil {
		return nil, err
	}
	defaults := DefaultOptions()
	if opts.PollInterval <= 0 {
		opts.PollInterval = defaults.PollInterval
	}
	if opts.MaxBufferedAlerts <= 0 {
		opts.MaxBufferedAlerts = defaults.MaxBufferedAlerts
	}
	if opts.LivenessTimeout <= 0 {
		opts.LivenessTimeout = defaults.LivenessTimeout
	}
	if opts.Timeout <= 0 {
		opts.Timeout = opts.LivenessTimeout / 2
	}
	c := &Client{opts: opts, endpoint: endpoint, creds: insecure.NewCredentials()}
	for _, o := range options {
		o(c)
	}
	switch {
	case endpoint.UnixPath != "" && opts.TLS != nil:
		return nil, configError("%s is a unix socket: Falco serves it in plaintext; drop Options.TLS", endpoint.Text)
	case endpoint.UnixPath == "" && opts.TLS == nil:
		return nil, configError("%s is TCP, where Falco always requires mutual TLS: set Options.TLS (CA, Cert, Key)", endpoint.Text)
	case opts.TLS != nil:
		if c.tls, err = loadTLS(*opts.TLS); err != nil {
			return nil, err
		}
		c.creds = credentials.NewTLS(c.tls)
	}
	if c.conn, err = c.dial(); err != nil {
		return nil, err
	}
	return c, nil
}

func loadTLS(t TLS) (*tls.Config, error) {
	ca, err := os.ReadFile(t.CA)
	if err != nil {
		return nil, configError("cannot read the CA file %s: %v", t.CA, err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(ca) {
		return nil, configError("the CA file %s holds no PEM certificate", t.CA)
	}
	pair, err := tls.LoadX509KeyPair(t.Cert, t.Key)
	if err != nil {
		return nil, configError("cannot load the client certificate %s and key %s: %v", t.Cert, t.Key, err)
	}
	name := t.ServerName
	if name == "" {
		name = "localhost"
	}
	return &tls.Config{RootCAs: pool, Certificates: []tls.Certificate{pair}, ServerName: name, MinVersion: tls.VersionTLS12}, nil
}

// dial makes a connection that sends no keepalive pings (Falco's server kills
// connections that ping more than once per 5 minutes while idle): no keepalive
// parameters, and fixed flow-control windows, which also switch off grpc-go's
// bandwidth-probing pings and bound what Falco can pop into our buffers.
func (c *Client) dial() (*grpc.ClientConn, error) {
	opts := append([]grpc.DialOption{
		grpc.WithTransportCredentials(c.creds),
		grpc.WithInitialWindowSize(256 << 10),
		grpc.WithInitialConnWindowSize(256 << 10),
	}, c.dialOpts...)
	conn, err := grpc.NewClient(c.endpoint.Target, opts...)
	if err != nil {
		return nil, configError("cannot use endpoint %s: %v", c.endpoint.Text, err)
	}
	return conn, nil
}

// Endpoint is where the client connects.
func (c *Client) Endpoint() Endpoint { return c.endpoint }

// Close closes the connection; open calls are cancelled.
func (c *Client) Close() error { return c.conn.Close() }

func (c *Client) withTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, c.opts.Timeout)
}

// Version is Falco's version answer.
func (c *Client) Version(ctx context.Context) (*version.Response, error) {
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	v, err := version.NewServiceClient(c.conn).Version(ctx, &version.Request{})
	if err != nil {
		return nil, c.describe(err)
	}
	return v, nil
}

// Get drains the alerts queued in Falco now (each goes to one consumer only),
// one at a time as Falco sends them: memory stays bounded however long the
// queue. A failure is the last pair, with a zero Alert. Options.Timeout (or
// ctx's deadline) bounds each wait for Falco, not the time the loop body takes.
// Breaking out of the loop cancels the call; the alerts Falco had already sent
// (popped from its queue) are lost with it.
//
//	for alert, err := range client.Get(ctx) {
//		if err != nil { return err }
//		fmt.Println(alert.Rule)
//	}
func (c *Client) Get(ctx context.Context) iter.Seq2[Alert, error] {
	return func(yield func(Alert, error) bool) {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel() // cancels the call if it is still open (RST_STREAM)
		var timedOut atomic.Bool
		var watchdog *time.Timer // ends the call when Falco is silent for Timeout
		if _, ok := ctx.Deadline(); !ok {
			watchdog = time.AfterFunc(c.opts.Timeout, func() { timedOut.Store(true); cancel() })
			defer watchdog.Stop()
		}
		fail := func(err error) {
			if timedOut.Load() {
				err = &Error{Code: CodeUnavailable, Cause: err, Message: fmt.Sprintf("Falco at %s did not answer within %s", c.endpoint.Text, c.opts.Timeout)}
			} else {
				err = c.describe(err)
			}
			yield(Alert{}, err)
		}
		stream, err := outputs.NewServiceClient(c.conn).Get(ctx, &outputs.Request{})
		if err != nil {
			fail(err)
			return
		}
		for {
			m, err := stream.Recv()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				fail(err)
				return
			}
			if watchdog != nil && !watchdog.Stop() { // it fired as this alert came
				if yield(AlertFromResponse(m), nil) {
					fail(context.DeadlineExceeded)
				}
				return
			}
			if !yield(AlertFromResponse(m), nil) {
				return
			}
			if watchdog != nil {
				watchdog.Reset(c.opts.Timeout)
			}
		}
	}
}

// describe turns a call's error into an *Error naming the endpoint.
func (c *Client) describe(err error) error {
	s, _ := status.FromError(err)
	switch s.Code() {
	case codes.Unavailable:
		if c.tls != nil {
			// A handshake that fails says which side is wrong (the TLS material or Falco's).
			if reason, cause := diagnoseTLS(c.endpoint.Target, c.tls, min(c.opts.Timeout, 5*time.Second)); reason != "" {
				return tlsError(reason, c.endpoint.Text, cause)
			}
		}
		hint := "and that the CA, client certificate and server name match Falco's"
		if c.endpoint.UnixPath != "" {
			hint = "and that this process may open the socket (often root-only)"
		}
		return &Error{Code: CodeUnavailable, Cause: err, Message: fmt.Sprintf(
			"cannot reach Falco at %s: %s; check that Falco runs with grpc.enabled and grpc_output.enabled and this bind_address, %s",
			c.endpoint.Text, s.Message(), hint)}
	case codes.DeadlineExceeded:
		return &Error{Code: CodeUnavailable, Cause: err, Message: fmt.Sprintf("Falco at %s did not answer in time: %s", c.endpoint.Text, s.Message())}
	}
	return &Error{Code: CodeCall, Cause: err, Message: fmt.Sprintf("call to Falco at %s failed: %s: %s", c.endpoint.Text, s.Code(), s.Message())}
}
