// Package falcotest runs the falco-sdk Falco test servers (Node, and one on
// gRPC's C core) for Go tests, through @falco-sdk/testing's
// falco-test-launcher: a unix socket or mutual TLS, fixture alerts, stop,
// crash, restart, reload. It needs Node on PATH and the launcher, found as
// [Launcher] says: in a built clone of falco-sdk, or installed from npm.
package falcotest

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	falco "github.com/falco-sdk/falco-sdk/packages/go/falco"
)

// Server is one running test server, driven over the launcher's JSON lines.
type Server struct {
	fatalf func(format string, args ...any)
	cmd    *exec.Cmd
	stdin  io.Closer
	in     *json.Encoder
	out    *bufio.Scanner
	// Endpoint: unix:///path or 127.0.0.1:PORT.
	Endpoint string
	// PKI: file paths ca, cert, key, rogueCa, rogueCert, rogueKey (mtls only).
	PKI map[string]string
}

// Servers is every kind and transport the tests run against.
var Servers = []struct{ Kind, Transport string }{
	{"node", "unix"}, {"node", "mtls"}, {"ccore", "unix"}, {"ccore", "mtls"},
}

// RepoRoot is the falco-sdk checkout above dir (the one holding
// packages/testing), or "" when there is none.
func RepoRoot(dir string) string {
	for {
		if _, err := os.Stat(filepath.Join(dir, "packages", "testing", "package.json")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// Launcher is the command that runs falco-test-launcher, the first of:
// $FALCO_TEST_LAUNCHER (its launcher.js, or an executable); the
// packages/testing/dist/launcher.js of a falco-sdk checkout above the working
// directory or above this package's source (a clone used through a go.mod
// replace directive or go.work); falco-test-launcher on PATH (npm install
// @falco-sdk/testing puts it in node_modules/.bin).
func Launcher() ([]string, error) {
	script := func(path string) []string {
		if filepath.Ext(path) == ".js" {
			return []string{"node", path}
		}
		return []string{path}
	}
	if env := os.Getenv("FALCO_TEST_LAUNCHER"); env != "" {
		if _, err := os.Stat(env); err != nil {
			return nil, fmt.Errorf("FALCO_TEST_LAUNCHER=%s: %w", env, err)
		}
		return script(env), nil
	}
	var roots []string
	if wd, err := os.Getwd(); err == nil {
		roots = append(roots, RepoRoot(wd))
	}
	if _, file, _, ok := runtime.Caller(0); ok {
		roots = append(roots, RepoRoot(filepath.Dir(file)))
	}
	for _, root := range roots {
		if root == "" {
			continue
		}
		js := filepath.Join(root, "packages", "testing", "dist", "launcher.js")
		if _, err := os.Stat(js); err != nil {
			return nil, fmt.Errorf("%s is missing: build the falco-sdk checkout first (npm test, or pnpm build)", js)
		}
		return script(js), nil
	}
	if path, err := exec.LookPath("falco-test-launcher"); err == nil {
		return []string{path}, nil
	}
	return nil, errors.New("falco-test-launcher not found: set FALCO_TEST_LAUNCHER to the launcher.js of a built falco-sdk clone " +
		"(packages/testing/dist/launcher.js), or put falco-test-launcher (npm install @falco-sdk/testing) on PATH")
}

// Start runs a server of kind "node" or "ccore" on transport "unix" or "mtls";
// it stops when the test ends. A failure fails the test.
func Start(t testing.TB, kind, transport string) *Server {
	t.Helper()
	return StartWith(t, kind, transport, nil)
}

// StartWith is Start with more fields of the launcher's start command, such as
// {"threadiness": 1} (Falco's grpc.threadiness: 10 `sub` slots per unit).
func StartWith(t testing.TB, kind, transport string, extra map[string]any) *Server {
	t.Helper()
	s, err := launch(kind, transport, extra, t.Fatalf)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// Launch is Start for where there is no testing.TB (TestMain, Example
// functions): Close the server when done; a failed command later panics.
func Launch(kind, transport string) (*Server, error) {
	return launch(kind, transport, nil, func(format string, args ...any) { panic(fmt.Sprintf(format, args...)) })
}

func launch(kind, transport string, extra map[string]any, fatalf func(string, ...any)) (*Server, error) {
	argv, err := Launcher()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("falco-test-launcher (%v): %w", argv, err)
	}
	l := &Server{cmd: cmd, stdin: stdin, in: json.NewEncoder(stdin), out: bufio.NewScanner(stdout)}
	l.out.Buffer(make([]byte, 1<<20), 16<<20)
	start := map[string]any{"kind": kind, "transport": transport}
	for k, v := range extra {
		start[k] = v
	}
	reply, err := l.send("start", start)
	if err != nil {
		l.Close()
		return nil, err
	}
	l.fatalf = fatalf
	l.Endpoint = reply["endpoint"].(string)
	if pki, ok := reply["pki"].(map[string]any); ok {
		l.PKI = map[string]string{}
		for k, v := range pki {
			l.PKI[k] = v.(string)
		}
	}
	return l, nil
}

// Close stops the server and the launcher.
func (l *Server) Close() {
	l.stdin.Close() // the launcher stops its server and exits
	done := make(chan error, 1)
	go func() { done <- l.cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		_ = l.cmd.Process.Kill()
		<-done
	}
}

func (l *Server) send(cmd string, args map[string]any) (map[string]any, error) {
	msg := map[string]any{"cmd": cmd}
	for k, v := range args {
		msg[k] = v
	}
	if err := l.in.Encode(msg); err != nil {
		return nil, fmt.Errorf("launcher %s: %w", cmd, err)
	}
	if !l.out.Scan() {
		return nil, fmt.Errorf("launcher exited during %s: %v", cmd, l.out.Err())
	}
	var reply map[string]any
	if err := json.Unmarshal(l.out.Bytes(), &reply); err != nil {
		return nil, err
	}
	if reply["ok"] != true {
		return nil, fmt.Errorf("launcher %s: %v", cmd, reply["error"])
	}
	return reply, nil
}

// Send sends one launcher command and returns its reply; a failed command
// fails the test (panics after Launch).
func (l *Server) Send(cmd string, args map[string]any) map[string]any {
	reply, err := l.send(cmd, args)
	if err != nil {
		l.fatalf("%v", err)
	}
	return reply
}

// Emit queues n fixture alerts and returns them as Falco JSON documents (Canonical form).
func (l *Server) Emit(n int) []string {
	var alerts []json.RawMessage
	raw, _ := json.Marshal(l.Send("emit", map[string]any{"count": n})["alerts"])
	if err := json.Unmarshal(raw, &alerts); err != nil {
		l.fatalf("%v", err)
	}
	out := make([]string, len(alerts))
	for i, a := range alerts {
		c, err := canonical(a)
		if err != nil {
			l.fatalf("%v", err)
		}
		out[i] = c
	}
	return out
}

// Canonical re-encodes a JSON document with sorted keys, for comparisons.
func Canonical(t testing.TB, doc []byte) string {
	t.Helper()
	c, err := canonical(doc)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func canonical(doc []byte) (string, error) {
	var v any
	if err := json.Unmarshal(doc, &v); err != nil {
		return "", fmt.Errorf("%s: %w", doc, err)
	}
	b, err := json.Marshal(v)
	return string(b), err
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
