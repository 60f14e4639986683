package falco

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/falco-sdk/falco-sdk/packages/go/falco/gen/outputs"
	"github.com/falco-sdk/falco-sdk/packages/go/falco/gen/schema"
)

// Priorities are Falco's priority names by number: lower is more severe.
var Priorities = [...]string{"Emergency", "Alert", "Critical", "Error", "Warning", "Notice", "Informational", "Debug"}

var sourceNames = map[schema.Source]string{
	schema.Source_SYSCALL: "syscall", schema.Source_K8S_AUDIT: "k8s_audit",
	schema.Source_INTERNAL: "internal", schema.Source_PLUGIN: "plugin",
}

// Alert is one Falco alert.
type Alert struct {
	// Time of the event, nanosecond precision, UTC.
	Time time.Time
	// Priority, Capitalised: "Warning".
	Priority     string
	Rule         string
	Output       string
	OutputFields map[string]string
	Hostname     string
	Tags         []string
	// Source: "syscall", "k8s_audit", "internal" or a plugin's source.
	Source string
}

// AlertFromResponse builds an Alert from falco.outputs.response: the source
// is field 9, or the deprecated field 3 from Falco before 0.31.
func AlertFromResponse(m *outputs.Response) Alert {
	p := min(max(int(m.GetPriority()), 0), len(Priorities)-1)
	source := m.GetSource()
	if source == "" {
		var ok bool
		//lint:ignore SA1019 field 3 is the only source before Falco 0.31
		if source, ok = sourceNames[m.GetSourceDeprecated()]; !ok {
			source = "unknown"
		}
	}
	fields := m.GetOutputFields()
	if fields == nil {
		fields = map[string]string{}
	}
	tags := m.GetTags()
	if tags == nil {
		tags = []string{}
	}
	ts := m.GetTime()
	return Alert{
		Time:         time.Unix(ts.GetSeconds(), int64(ts.GetNanos())).UTC(),
		Priority:     Priorities[p],
		Rule:         m.GetRule(),
		Output:       m.GetOutput(),
		OutputFields: fields,
		Hostname:     m.GetHostname(),
		Tags:         tags,
		Source:       source,
	}
}

// TimeRFC3339 is Time as Falco's JSON writes it: RFC 3339, UTC, 9 digits.
func (a Alert) TimeRFC3339() string {
	return a.Time.UTC().Format("2006-01-02T15:04:05.000000000Z")
}

type alertJSON struct {
	Hostname     string            `json:"hostname"`
	Output       string            `json:"output"`
	OutputFields map[string]string `json:"output_fields"`
	Priority     string            `json:"priority"`
	Rule         string            `json:"rule"`
	Source       string            `json:"source"`
	Tags         []string          `json:"tags"`
	Time         string            `json:"time"`
}

// MarshalJSON writes the alert in Falco's JSON output shape.
func (a Alert) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // "<NA>" stays readable
	err := enc.Encode(alertJSON{a.Hostname, a.Output, a.OutputFields, a.Priority, a.Rule, a.Source, a.Tags, a.TimeRFC3339()})
	if err != nil {
		return nil, fmt.Errorf("alert to JSON: %w", err)
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}
