package falco_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/falco-sdk/falco-sdk/packages/go/falco/falcotest"
)

// TestReadmeExample runs the README's example as a program of its own module.
func TestReadmeExample(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	code := regexp.MustCompile("(?s)```go\n(// main.go.*?)```").FindSubmatch(readme)
	if code == nil {
		t.Fatal("no example in README.md")
	}
	pkg, _ := filepath.Abs(".")
	dir := t.TempDir()
	sum, _ := os.ReadFile("go.sum")
	files := map[string][]byte{
		"main.go": code[1],
		"go.sum":  sum,
		"go.mod": []byte("module example\n\ngo 1.26.0\n\nrequire github.com/falco-sdk/falco-sdk/packages/go/falco v0.0.0\n\n" +
			"replace github.com/falco-sdk/falco-sdk/packages/go/falco => " + pkg + "\n"),
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), content, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tidy := exec.Command("go", "mod", "tidy")
	tidy.Dir = dir
	if out, err := tidy.CombinedOutput(); err != nil {
		t.Fatalf("go mod tidy: %v\n%s", err, out)
	}
	build := exec.Command("go", "build", "-o", "example", ".")
	build.Dir = dir
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
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
