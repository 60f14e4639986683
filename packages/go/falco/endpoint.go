package falco

import (
	"os"
	"regexp"
	"strconv"
	"strings"
)

const (
	// DefaultSocketPath is Falco's default grpc.bind_address since 0.33.
	DefaultSocketPath = "/run/falco/falco.sock"
	// LegacySocketPath is Falco's default grpc.bind_address before 0.33.
	LegacySocketPath = "/var/run/falco.sock"
)

// Endpoint is a parsed endpoint: Target is what gRPC dials.
type Endpoint struct {
	// Text is the endpoint as messages show it.
	Text string
	// Target is the gRPC target: unix:///path or host:port.
	Target string
	// UnixPath is the socket path, empty for TCP.
	UnixPath string
}

var hostPort = regexp.MustCompile(`^(?:\[([0-9a-fA-F:.]+)\]|([^:/\[\]]+)):(\d{1,5})$`)

// ResolveEndpoint parses unix:///path (or an absolute path) and host:port or
// https://host:port (mutual TLS, Falco's only TCP mode). "" means Falco's
// default socket, falling back to the pre-0.33 path when only that one exists.
func ResolveEndpoint(endpoint string) (Endpoint, error) {
	text := strings.TrimSpace(endpoint)
	if text == "" {
		path := DefaultSocketPath
		if !exists(DefaultSocketPath) && exists(LegacySocketPath) {
			path = LegacySocketPath
		}
		return Endpoint{Text: "unix://" + path, Target: "unix://" + path, UnixPath: path}, nil
	}
	if strings.HasPrefix(text, "unix:") || strings.HasPrefix(text, "/") {
		path := strings.TrimPrefix(strings.TrimPrefix(text, "unix:"), "//")
		if !strings.HasPrefix(path, "/") {
			return Endpoint{}, configError("unix endpoint %s needs an absolute path, e.g. unix:///run/falco/falco.sock", endpoint)
		}
		return Endpoint{Text: "unix://" + path, Target: "unix://" + path, UnixPath: path}, nil
	}
	if strings.HasPrefix(text, "http://") {
		return Endpoint{}, configError("%s is plaintext TCP, which Falco never serves: its TCP listener always requires mutual TLS; use host:port with Options.TLS", endpoint)
	}
	m := hostPort.FindStringSubmatch(strings.TrimSuffix(strings.TrimPrefix(text, "https://"), "/"))
	port := 0
	if m != nil {
		port, _ = strconv.Atoi(m[3])
	}
	if m == nil || port < 1 || port > 65535 {
		return Endpoint{}, configError("cannot read endpoint %q: use unix:///path/to/falco.sock or host:port", endpoint)
	}
	target := m[2] + ":" + m[3]
	if m[1] != "" {
		target = "[" + m[1] + "]:" + m[3]
	}
	return Endpoint{Text: target, Target: target}, nil
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
