package falco

import (
	"errors"
	"fmt"
)

// Code is the kind of an [*Error]: stable across versions. A Code is an error
// itself, so errors.Is(err, falco.CodeUnavailable) tells the kind of any error
// this package returns, wrapped or not; errors.As(err, &e) with e *falco.Error
// gives the message, the Code and the cause.
type Code string

const (
	// CodeConfiguration: the endpoint or TLS settings cannot work.
	CodeConfiguration Code = "configuration"
	// CodeUnavailable: Falco could not be reached, or the call broke.
	CodeUnavailable Code = "unavailable"
	// CodeSubSlotsFull: Falco accepts the `sub` call but does not serve it, its
	// slots (grpc.threadiness x 10) being taken; the Err of an EventStarved.
	CodeSubSlotsFull Code = "sub-slots-full"
	// CodeCall: Falco (or the gRPC runtime) ended a call with another status.
	CodeCall Code = "call"
	// CodeTLS: the mutual-TLS handshake with Falco failed; the *Error's Reason
	// ([TLSReason]) says which side is wrong.
	CodeTLS Code = "tls"
)

// Error makes a Code an error, the target of errors.Is.
func (c Code) Error() string { return string(c) }

// Error is every error this package returns; its message names the endpoint
// and what to check.
type Error struct {
	Code    Code
	Message string
	// Reason of a CodeTLS error: which side of the handshake is wrong; "" otherwise.
	Reason TLSReason
	// Cause is the underlying error (a gRPC status, an I/O or TLS error), or nil.
	Cause error
}

func (e *Error) Error() string { return e.Message }

// Unwrap is the cause, for errors.Is/As (status.FromError finds a gRPC status in it).
func (e *Error) Unwrap() error { return e.Cause }

// Is reports whether target is e's Code: errors.Is(err, falco.CodeUnavailable).
func (e *Error) Is(target error) bool {
	c, ok := target.(Code)
	return ok && c == e.Code
}

func configError(format string, args ...any) error {
	return &Error{Code: CodeConfiguration, Message: fmt.Sprintf(format, args...)}
}

// IsUnavailable reports whether err says Falco could not be reached: the same
// as errors.Is(err, CodeUnavailable).
func IsUnavailable(err error) bool { return errors.Is(err, CodeUnavailable) }
