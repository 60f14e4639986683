package falco

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Status event names, the same as the TypeScript client's ClientStatus.
const (
	// EventConnecting: opening a connection (first time or after a failure).
	EventConnecting = "connecting"
	// EventConnected: Falco answered; alerts flow.
	EventConnected = "connected"
	// EventDisconnected: the connection failed or ended; see AlertsMayHaveBeenLost.
	EventDisconnected = "disconnected"
	// EventReconnecting: waiting Delay before reconnection attempt Attempt.
	EventReconnecting = "reconnecting"
	// EventStarved: Falco accepted the alert stream but does not serve it: its
	// `sub` slots (grpc.threadiness x 10) are full. Err is an *Error with
	// CodeSubSlotsFull. The subscription keeps waiting for a slot and fetches
	// the queued alerts with `get` meanwhile; connected follows once the stream
	// is served.
	EventStarved = "starved"
	// EventDropped: Count alerts received from Falco were still buffered when
	// the subscription ended (Close, the context's end); Total of this client so far.
	EventDropped = "dropped"
	// EventClosed: the subscription ended; the last event.
	EventClosed = "closed"
)

// ErrHung is the cause of a disconnection when Falco did not answer a liveness
// check (a version call) within Options.LivenessTimeout / 2: it is hung
// (SIGSTOP, a stuck process) or unreachable. errors.Is(event.Err, falco.ErrHung).
//
//lint:ignore ST1005 Falco is a name
var ErrHung = errors.New("Falco did not answer a liveness check")

// StatusEvent is one event of a Subscription, given to Options.OnStatus.
type StatusEvent struct {
	// Name: one of the Event* constants.
	Name string
	// Endpoint of connecting and connected.
	Endpoint string
	// Err: why, for disconnected and reconnecting.
	Err error
	// AlertsMayHaveBeenLost (disconnected): the alert stream was open when it
	// broke. Falco removes an alert from its queue before writing it, so what
	// was in flight is gone; also true when Falco's stop or reload ended a
	// stream that was still receiving (Falco pops one more alert then).
	AlertsMayHaveBeenLost bool
	// PossibleLosses (disconnected) counts this client's disconnections so far
	// with AlertsMayHaveBeenLost.
	PossibleLosses uint64
	// Attempt (1-based) and Delay of reconnecting.
	Attempt int
	Delay   time.Duration
	// Count and Total of dropped.
	Count, Total uint64
}

// String is the event on one line: "disconnected alertsMayHaveBeenLost=true possibleLosses=1 error=...".
func (e StatusEvent) String() string {
	parts := []string{e.Name}
	switch e.Name {
	case EventConnecting, EventConnected:
		parts = append(parts, "endpoint="+e.Endpoint)
	case EventDisconnected:
		parts = append(parts, fmt.Sprintf("alertsMayHaveBeenLost=%t possibleLosses=%d", e.AlertsMayHaveBeenLost, e.PossibleLosses))
	case EventReconnecting:
		parts = append(parts, fmt.Sprintf("attempt=%d delayMs=%d", e.Attempt, e.Delay.Milliseconds()))
	case EventDropped:
		parts = append(parts, fmt.Sprintf("count=%d total=%d", e.Count, e.Total))
	}
	if e.Err != nil {
		parts = append(parts, fmt.Sprintf("error=%q", e.Err.Error()))
	}
	return strings.Join(parts, " ")
}

func starvedError(endpoint string) error {
	return &Error{Code: CodeSubSlotsFull, Message: endpoint + " accepts the alert subscription but does not serve it: all of Falco's sub " +
		"slots (grpc.threadiness x 10) are taken, usually by stale subscribers of crashed or " +
		"restarted clients. Stop the other subscribers or restart Falco to free the slots, or " +
		"raise grpc.threadiness in falco.yaml. Meanwhile alerts are fetched with get at every poll."}
}
