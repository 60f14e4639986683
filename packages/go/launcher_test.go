package falco_test

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

// launcher drives packages/testing's falco-test-launcher (Node or C-core
// Falco test server) over JSON lines.
type launcher struct {
	t        *testing.T
	cmd      *exec.Cmd
	in       *json.Encoder
	out      *bufio.Scanner
	endpoint string
	pki      map[string]string
}

var servers = []struct{ kind, transport string }{
	{"node", "unix"}, {"node", "mtls"}, {"ccore", "unix"}, {"ccore", "mtls"},
}

func repoRoot(t *testing.T) string {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func startServer(t *testing.T, kind, transport string) *launcher {
	t.Helper()
	script := filepath.Join(repoRoot(t), "packages", "testing", "dist", "launcher.js")
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
	l := &launcher{t: t, cmd: cmd, in: json.NewEncoder(stdin), out: bufio.NewScanner(stdout)}
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
	reply := l.send("start", map[string]any{"kind": kind, "transport": transport})
	l.endpoint = reply["endpoint"].(string)
	if pki, ok := reply["pki"].(map[string]any); ok {
		l.pki = map[string]string{}
		for k, v := range pki {
			l.pki[k] = v.(string)
		}
	}
	return l
}

func (l *launcher) send(cmd string, args map[string]any) map[string]any {
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

// emit queues n fixture alerts and returns them as Falco JSON (re-encoded compactly).
func (l *launcher) emit(n int) []string {
	l.t.Helper()
	var alerts []json.RawMessage
	raw, _ := json.Marshal(l.send("emit", map[string]any{"count": n})["alerts"])
	if err := json.Unmarshal(raw, &alerts); err != nil {
		l.t.Fatal(err)
	}
	out := make([]string, len(alerts))
	for i, a := range alerts {
		out[i] = canonical(l.t, a)
	}
	return out
}

// canonical re-encodes a JSON document with sorted keys, for comparisons.
func canonical(t *testing.T, doc []byte) string {
	t.Helper()
	var v any
	if err := json.Unmarshal(doc, &v); err != nil {
		t.Fatalf("%s: %v", doc, err)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func (l *launcher) tls(rogue bool) *falco.TLS {
	if l.pki == nil {
		return nil
	}
	if rogue {
		return &falco.TLS{CA: l.pki["ca"], Cert: l.pki["rogueCert"], Key: l.pki["rogueKey"]}
	}
	return &falco.TLS{CA: l.pki["ca"], Cert: l.pki["cert"], Key: l.pki["key"]}
}

func (l *launcher) client(t *testing.T) *falco.Client {
	t.Helper()
	c, err := falco.New(falco.Options{
		Endpoint: l.endpoint,
		TLS:      l.tls(false),
		Backoff:  falco.Backoff{InitialDelay: 50 * time.Millisecond, MaxDelay: 500 * time.Millisecond},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func forEachServer(t *testing.T, test func(t *testing.T, l *launcher)) {
	for _, s := range servers {
		t.Run(fmt.Sprintf("%s-%s", s.kind, s.transport), func(t *testing.T) {
			test(t, startServer(t, s.kind, s.transport))
		})
	}
}
