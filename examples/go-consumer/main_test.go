package main

import (
	"bufio"
	"bytes"
	"errors"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/falco-sdk/falco-sdk/packages/go/falco/falcotest"
)

// binary builds the example once per test run, as `go run .` would.
func binary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "go-consumer")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func TestPrintsCountAlertsAsFalcoJSON(t *testing.T) {
	bin := binary(t)
	falcotest.ForEach(t, func(t *testing.T, s *falcotest.Server) {
		want := s.Emit(3)
		args := []string{"--endpoint", s.Endpoint, "--count", "3"}
		if s.PKI != nil {
			args = append(args, "--ca", s.PKI["ca"], "--cert", s.PKI["cert"], "--key", s.PKI["key"])
		}
		var stderr bytes.Buffer
		cmd := exec.Command(bin, args...)
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%v: %s", err, stderr.String())
		}
		var got []string
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			got = append(got, falcotest.Canonical(t, []byte(line)))
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("got %v\nwant %v", got, want)
		}
	})
}

func TestUnreachableExits1NamingTheEndpoint(t *testing.T) {
	endpoint := "unix://" + filepath.Join(t.TempDir(), "falco.sock")
	var stderr bytes.Buffer
	cmd := exec.Command(binary(t), "--endpoint", endpoint, "--count", "1")
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 || len(out) != 0 {
		t.Fatalf("want exit 1 and no output, got %v, %q", err, out)
	}
	if !strings.Contains(stderr.String(), "cannot reach Falco at "+endpoint) {
		t.Fatalf("stderr %q", stderr.String())
	}
}

// Status events on stderr, and exit 1 once Falco stays hung past the liveness window.
func TestPrintsStatusAndExits1WhenFalcoHangs(t *testing.T) {
	bin := binary(t)
	for _, kind := range []string{"node", "ccore"} {
		t.Run(kind, func(t *testing.T) {
			s := falcotest.Start(t, kind, "unix")
			cmd := exec.Command(bin, "--endpoint", s.Endpoint, "--liveness-timeout", "2s")
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			s.Emit(1)
			if _, err := bufio.NewReader(stdout).ReadString('\n'); err != nil { // the alert: connected
				t.Fatal(err)
			}
			s.Send("pause", nil)
			err = cmd.Wait()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != 1 {
				t.Fatalf("want exit 1, got %v: %s", err, stderr.String())
			}
			lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
			want := []string{"status: connecting endpoint=" + s.Endpoint, "status: connected endpoint=" + s.Endpoint}
			if len(lines) < 4 || !reflect.DeepEqual(lines[:2], want) ||
				!strings.HasPrefix(lines[2], "status: disconnected alertsMayHaveBeenLost=true possibleLosses=1 error=") ||
				!strings.Contains(stderr.String(), "go-consumer: Falco at "+s.Endpoint+" did not answer a liveness check within 1s: it is hung or unreachable; exiting (Falco stayed hung past --liveness-timeout 2s)\n") ||
				lines[len(lines)-1] != "status: closed" {
				t.Fatalf("stderr:\n%s", stderr.String())
			}
			s.Send("resume", nil)
		})
	}
}

func TestTCPWithoutCertificatesIsAUsageError(t *testing.T) {
	cmd := exec.Command(binary(t), "--endpoint", "127.0.0.1:5060")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 2 || !strings.Contains(stderr.String(), "give --ca, --cert and --key") {
		t.Fatalf("got %v, %q", err, stderr.String())
	}
}
