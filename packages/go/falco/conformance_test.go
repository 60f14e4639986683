package falco_test

// The conformance runner: every scenario of conformance/scenarios (the
// language-neutral suite, conformance/README.md) against the test servers,
// with the skips of conformance/skips.json ("go"). One summary line goes to the
// test log and, when FALCO_CONFORMANCE_SUMMARY names a file, to that file (npm
// test prints it: go test shows nothing of a passing test).

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	falco "github.com/falco-sdk/falco-sdk/packages/go/falco"
	"github.com/falco-sdk/falco-sdk/packages/go/falco/falcotest"
)

type scenario struct {
	Description string
	Servers     []string
	Transports  []string
	Server      map[string]any
	Steps       []map[string]any
}

// conformanceDir is the suite: $FALCO_CONFORMANCE_DIR, or conformance/ of this checkout.
func conformanceDir(t *testing.T) string {
	if dir := os.Getenv("FALCO_CONFORMANCE_DIR"); dir != "" {
		return dir
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	root := falcotest.RepoRoot(wd)
	if root == "" {
		t.Skip("not in a falco-sdk checkout: no conformance/ (set FALCO_CONFORMANCE_DIR)")
	}
	return filepath.Join(root, "conformance")
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func TestConformance(t *testing.T) {
	dir := conformanceDir(t)
	t.Run("defaults", func(t *testing.T) { checkDefaults(t, filepath.Join(dir, "defaults.json")) })
	skips := goSkips(t, dir)
	files, err := filepath.Glob(filepath.Join(dir, "scenarios", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no scenarios in %s: %v", dir, err)
	}
	slices.Sort(files)
	var passed, skipped, failed, results []string
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".json")
		var sc scenario
		readJSON(t, file, &sc)
		if reason, ok := skips[name]; ok { // listed, with the reason, in README.md
			t.Run(name, func(t *testing.T) { t.Skip(reason) })
			skipped = append(skipped, name)
			results = append(results, name+": skipped")
			continue
		}
		ok := t.Run(name, func(t *testing.T) {
			for _, kind := range sc.Servers {
				for _, transport := range sc.Transports {
					t.Run(kind+"-"+transport, func(t *testing.T) { runScenario(t, sc, kind, transport) })
				}
			}
		})
		if ok {
			passed = append(passed, name)
			results = append(results, name+": passed")
		} else {
			failed = append(failed, name)
			results = append(results, name+": FAILED")
		}
	}
	summary := fmt.Sprintf("conformance go: %d passed, %d skipped", len(passed), len(skipped))
	if len(failed) > 0 {
		summary += fmt.Sprintf(", %d failed", len(failed))
	}
	summary += " (" + strings.Join(results, ", ") + ")"
	t.Log(summary)
	if path := os.Getenv("FALCO_CONFORMANCE_SUMMARY"); path != "" {
		f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		fmt.Fprintln(f, summary)
	}
}

// goSkips: the scenarios Go skips, with the reason (skips.json's "go").
func goSkips(t *testing.T, dir string) map[string]string {
	var all struct{ Go map[string]string }
	readJSON(t, filepath.Join(dir, "skips.json"), &all)
	return all.Go
}

// Every skip of skips.json is listed, with its reason, in the README's Conformance section.
func TestConformanceSkipsInReadme(t *testing.T) {
	skips := goSkips(t, conformanceDir(t))
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "## Conformance")
	if !ok {
		t.Fatal(`README.md has no "## Conformance" section`)
	}
	for name, reason := range skips {
		if !strings.Contains(section, "`"+name+"`") || !strings.Contains(strings.Join(strings.Fields(section), " "), reason) {
			t.Errorf("README.md's Conformance section does not list `%s` with its reason %q", name, reason)
		}
	}
}

// checkDefaults compares DefaultOptions with the table. Go derives the
// liveness check period (LivenessTimeout / 4) and the version deadline of a
// liveness check (LivenessTimeout / 2) from LivenessTimeout, as TypeScript does.
func checkDefaults(t *testing.T, path string) {
	var want struct {
		MaxBufferedAlerts    int
		ReadAheadFactor      int
		PollIntervalMs       int64
		LivenessTimeoutMs    int64
		LivenessCheckEveryMs int64
		VersionTimeoutMs     int64
		WaitForServer        bool
		Reconnect            struct {
			Enabled                    bool
			InitialDelayMs, MaxDelayMs int64
			Multiplier, Jitter         float64
			MaxAttempts                *int
		}
	}
	readJSON(t, path, &want)
	d := falco.DefaultOptions()
	ms := func(d time.Duration) int64 { return d.Milliseconds() }
	got := []any{d.MaxBufferedAlerts, ms(d.PollInterval), ms(d.LivenessTimeout), ms(d.LivenessTimeout / 4), ms(d.Timeout),
		d.WaitForServer, ms(d.Backoff.InitialDelay), ms(d.Backoff.MaxDelay), d.Backoff.Multiplier, d.Backoff.Jitter, d.Backoff.MaxAttempts == 0}
	r := want.Reconnect
	table := []any{want.MaxBufferedAlerts, want.PollIntervalMs, want.LivenessTimeoutMs, want.LivenessCheckEveryMs, want.VersionTimeoutMs,
		want.WaitForServer, r.InitialDelayMs, r.MaxDelayMs, r.Multiplier, r.Jitter, r.MaxAttempts == nil}
	if !slices.Equal(got, table) || !r.Enabled || want.ReadAheadFactor != readAheadFactor {
		t.Fatalf("DefaultOptions %v, read-ahead x%d; the table (%s) %v, x%d", got, readAheadFactor, path, table, want.ReadAheadFactor)
	}
}

// readAheadFactor: a Subscription holds at most this many times
// MaxBufferedAlerts (slow-consumer checks it through Pending).
const readAheadFactor = 4
