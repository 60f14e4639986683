// Package falcotest runs this repository's Falco test servers (Node, and one on
// gRPC's C core) for Go tests, through packages/testing's falco-test-launcher:
// a unix socket or mutual TLS, fixture alerts, stop, crash, restart, reload.
// It needs the repository built (npm test, or pnpm build) and Node on PATH.
package falcotest

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	falco "github.com/falco-sdk/falco-sdk/packages/go"
)

// Server is one running test server, driven over the launcher's JSON lines.
type Server struct {
	t   testing.TB
	cmd *exec.Cmd
	in  *json.Encoder
	out *bufio.Scanner
	// Endpoint: unix:///path or 127.0.0.1:PORT.
	Endpoint string
	// PKI: file paths ca, cert, key, rogueCa, rogueCert, rogueKey (mtls only).
	PKI map[string]string
}

// Servers is every kind and transport the tests run against.
var Servers = []struct{ Kind, Transport string }{
	{"node", "unix"}, {"node", "mtls"}, {"ccore", "unix"}, {"ccore", "mtls"},
}

// RepoRoot finds the repository root above the working directory (the one
// holding packages/testing).
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "packages", "testing", "package.json")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("not inside the falco-sdk repository (no packages/testing above the working directory)")
		}
		dir = parent
	}
}

// Start runs a server of kind "node" or "ccore" on transport "unix" or "mtls"; it stops when the test ends.
func Start(t testing.TB, kind, transport string) *Server {
	t.Helper()
	script := filepath.Join(RepoRoot(t), "packages", "testing", "dist", "launcher.js")
	if _, err := os.Stat(script); err != nil {
		t.Fatalf("%s is missing: build first (npm test, or pnpm build)", script)
	}
	cmd := exec.Command("node", script)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	l := &Server{t: t, cmd: cmd, in: json.NewEncoder(stdin), out: bufio.NewScanner(stdout)}
	l.out.Buffer(make([]byte, 1<<20), 16<<20)
	t.Cleanup(func() {
		stdin.Close() // the launcher stops its server and exits
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	})
	reply := l.Send("start", map[string]any{"kind": kind, "transport": transport})
	l.Endpoint = reply["endpoint"].(string)
	if pki, ok := reply["pki"].(map[string]any); ok {
		l.PKI = map[string]string{}
		for k, v := range pki {
			l.PKI[k] = v.(string)
		}
	}
	return l
}

// Send sends one launcher command and returns its reply; a failed command fails the test.
func (l *Server) Send(cmd string, args map[string]any) map[string]any {
	l.t.Helper()
	msg := map[string]any{"cmd": cmd}
	for k, v := range args {
		msg[k] = v
	}
	if err := l.in.Encode(msg); err != nil {
		l.t.Fatalf("launcher %s: %v", cmd, err)
	}
	if !l.out.Scan() {
		l.t.Fatalf("launcher exited during %s: %v", cmd, l.out.Err())
	}
	var reply map[string]any
	if err := json.Unmarshal(l.out.Bytes(), &reply); err != nil {
		l.t.Fatal(err)
	}
	if reply["ok"] != true {
		l.t.Fatalf("launcher %s: %v", cmd, reply["error"])
	}
	return reply
}

// Emit queues n fixture alerts and returns them as Falco JSON documents (Canonical form).
func (l *Server) Emit(n int) []string {
	l.t.Helper()
	var alerts []json.RawMessage
	raw, _ := json.Marshal(l.Send("emit", map[string]any{"count": n})["alerts"])
	if err := json.Unmarshal(raw, &alerts); err != nil {
		l.t.Fatal(err)
	}
	out := make([]string, len(alerts))
	for i, a := range alerts {
		out[i] = Canonical(l.t, a)
	}
	return out
}

// Canonical re-encodes a JSON document with sorted keys, for comparisons.
func Canonical(t testing.TB, doc []byte) string {
	t.Helper()
	var v any
	if err := json.Unmarshal(doc, &v); err != nil {
		t.Fatalf("%s: %v", doc, err)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// TLS is the client material for an mtls server (nil for unix); rogue: a
// certificate from another CA, which the server refuses.
func (l *Server) TLS(rogue bool) *falco.TLS {
	if l.PKI == nil {
		return nil
	}
	if rogue {
		return &falco.TLS{CA: l.PKI["ca"], Cert: l.PKI["rogueCert"], Key: l.PKI["rogueKey"]}
	}
	return &falco.TLS{CA: l.PKI["ca"], Cert: l.PKI["cert"], Key: l.PKI["key"]}
}

// Client is a client of the server with short reconnection delays; closed when the test ends.
func (l *Server) Client(t testing.TB) *falco.Client {
	t.Helper()
	c, err := falco.New(falco.Options{
		Endpoint: l.Endpoint,
		TLS:      l.TLS(false),
		Backoff:  falco.Backoff{InitialDelay: 50 * time.Millisecond, MaxDelay: 500 * time.Millisecond},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// ForEach runs test as a subtest against each of Servers.
func ForEach(t *testing.T, test func(t *testing.T, s *Server)) {
	for _, s := range Servers {
		t.Run(fmt.Sprintf("%s-%s", s.Kind, s.Transport), func(t *testing.T) {
			test(t, Start(t, s.Kind, s.Transport))
		})
	}
}
