package falco_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/falco-sdk/falco-sdk/packages/go/falco/falcotest"
)

// A test of a module outside the clone, using falcotest from there.
const outsideTest = `package main

import (
	"context"
	"testing"

	"github.com/falco-sdk/falco-sdk/packages/go/falco/falcotest"
)

func TestFalcotestFromOutsideTheClone(t *testing.T) {
	s := falcotest.Start(t, "node", "unix")
	want := s.Emit(2)
	n := 0
	for alert, err := range s.Client(t).Get(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		doc, _ := alert.MarshalJSON()
		if got := falcotest.Canonical(t, doc); got != want[n] {
			t.Fatalf("got %s, want %s", got, want[n])
		}
		n++
	}
	if n != 2 {
		t.Fatalf("%d alerts", n)
	}
}
`

// module makes a module outside the clone with the README's example and a
// falcotest test, and runs one of the README's "Install from a clone" snippets in it.
func module(t *testing.T, snippet string) string {
	t.Helper()
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	code := regexp.MustCompile("(?s)```go\n(// main.go.*?)```").FindSubmatch(readme)
	if code == nil {
		t.Fatal("no example in README.md")
	}
	dir := t.TempDir()
	if falcotest.RepoRoot(dir) != "" {
		t.Fatalf("%s is inside a clone", dir)
	}
	files := map[string]string{"main.go": string(code[1]), "outside_test.go": outsideTest}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	clone := repoRoot(t)
	for _, args := range [][]string{
		{"go", "mod", "init", "example.com/consumer"},
		{"bash", "-euc", strings.ReplaceAll(snippet, "/path/to/falco-sdk", clone)},
		{"go", "build", "-o", "example", "."},
	} {
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOWORK=")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
	}
	return dir
}

// installSnippets are the shell blocks of the README's "Install from a clone".
func installSnippets(t *testing.T) []string {
	t.Helper()
	readme, _ := os.ReadFile("README.md")
	section := regexp.MustCompile("(?s)## Install from a clone\n(.*?)\n## ").FindSubmatch(readme)
	if section == nil {
		t.Fatal("no Install from a clone section in README.md")
	}
	var out []string
	for _, m := range regexp.MustCompile("(?s)```sh\n(.*?)```").FindAllSubmatch(section[1], -1) {
		out = append(out, string(m[1]))
	}
	if len(out) != 2 {
		t.Fatalf("%d snippets, want the replace and the go.work one", len(out))
	}
	return out
}

// TestInstallWithReplace: the README's replace directive, in a module outside
// the clone, runs the README's example and falcotest.
func TestInstallWithReplace(t *testing.T) {
	dir := module(t, installSnippets(t)[0])
	test := exec.Command("go", "test", "-count=1", ".")
	test.Dir = dir
	test.Env = append(os.Environ(), "GOWORK=")
	if out, err := test.CombinedOutput(); err != nil {
		t.Fatalf("go test outside the clone: %v\n%s", err, out)
	}
	for _, kind := range []string{"node", "ccore"} {
		t.Run(kind, func(t *testing.T) {
			s := falcotest.Start(t, kind, "unix")
			var first struct{ Priority, Rule string }
			if err := json.Unmarshal([]byte(s.Emit(1)[0]), &first); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(filepath.Join(dir, "example"), s.Endpoint).Output()
			if err != nil {
				t.Fatal(err)
			}
			if want := "Falco 0.43.1\n" + first.Priority + " " + first.Rule + "\n"; string(out) != want {
				t.Fatalf("output %q, want %q", out, want)
			}
		})
	}
}

// TestInstallWithGoWork: the README's go.work, go.mod untouched.
func TestInstallWithGoWork(t *testing.T) {
	dir := module(t, installSnippets(t)[1])
	if mod, _ := os.ReadFile(filepath.Join(dir, "go.mod")); strings.Contains(string(mod), "falco-sdk") {
		t.Fatalf("go.mod changed:\n%s", mod)
	}
}
