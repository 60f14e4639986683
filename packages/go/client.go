package falco

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/falco-sdk/falco-sdk/packages/go/gen/outputs"
	"github.com/falco-sdk/falco-sdk/packages/go/gen/version"
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
	// polling pauses (and at 4x, reading). Default 1000.
	MaxBufferedAlerts int
	// Backoff of Subscribe's reconnections.
	Backoff Backoff
	// Timeout of Version and Get when the context has no deadline. Default 5 s.
	Timeout time.Duration
}

// Client talks to one Falco. Safe for concurrent use; Close it when done.
type Client struct {
	opts     Options
	endpoint Endpoint
	creds    credentials.TransportCredentials
	conn     *grpc.ClientConn
}

// New checks the options and prepares a client; it does not connect yet.
func New(opts Options) (*Client, error) {
	endpoint, err := ResolveEndpoint(opts.Endpoint)
	if err != nil {
		return nil, err
	}
	if opts.PollInterval <= 0 {
		opts.PollInterval = 100 * time.Millisecond
	}
	if opts.MaxBufferedAlerts <= 0 {
		opts.MaxBufferedAlerts = 1000
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 5 * time.Second
	}
	c := &Client{opts: opts, endpoint: endpoint, creds: insecure.NewCredentials()}
	switch {
	case endpoint.UnixPath != "" && opts.TLS != nil:
		return nil, configError("%s is a unix socket: Falco serves it in plaintext; drop Options.TLS", endpoint.Text)
	case endpoint.UnixPath == "" && opts.TLS == nil:
		return nil, configError("%s is TCP, where Falco always requires mutual TLS: set Options.TLS (CA, Cert, Key)", endpoint.Text)
	case opts.TLS != nil:
		if c.creds, err = loadTLS(*opts.TLS); err != nil {
			return nil, err
		}
	}
	if c.conn, err = c.dial(); err != nil {
		return nil, err
	}
	return c, nil
}

func loadTLS(t TLS) (credentials.TransportCredentials, error) {
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
	return credentials.NewTLS(&tls.Config{RootCAs: pool, Certificates: []tls.Certificate{pair}, ServerName: name, MinVersion: tls.VersionTLS12}), nil
}

// dial makes a connection that sends no keepalive pings (Falco's server kills
// connections that ping more than once per 5 minutes while idle): no keepalive
// parameters, and fixed flow-control windows, which also switch off grpc-go's
// bandwidth-probing pings and bound what Falco can pop into our buffers.
func (c *Client) dial() (*grpc.ClientConn, error) {
	conn, err := grpc.NewClient(c.endpoint.Target,
		grpc.WithTransportCredentials(c.creds),
		grpc.WithInitialWindowSize(256<<10),
		grpc.WithInitialConnWindowSize(256<<10),
	)
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

// Get drains the alerts queued in Falco now (each goes to one consumer only).
func (c *Client) Get(ctx context.Context) ([]Alert, error) {
	ctx, cancel := c.withTimeout(ctx)
	defer cancel() // cancels the call if it is still open
	stream, err := outputs.NewServiceClient(c.conn).Get(ctx, &outputs.Request{})
	if err != nil {
		return nil, c.describe(err)
	}
	alerts := []Alert{}
	for {
		m, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return alerts, nil
		}
		if err != nil {
			return alerts, c.describe(err)
		}
		alerts = append(alerts, AlertFromResponse(m))
	}
}

// describe turns a call's error into an *Error naming the endpoint.
func (c *Client) describe(err error) error {
	s, _ := status.FromError(err)
	switch s.Code() {
	case codes.Unavailable:
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
