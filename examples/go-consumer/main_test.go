package main

import (
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
