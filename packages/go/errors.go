package falco

import (
	"errors"
	"fmt"
)

// Error codes, stable across versions: compare with errors.As and Error.Code.
const (
	// CodeConfiguration: the endpoint or TLS settings cannot work.
	CodeConfiguration = "configuration"
	// CodeUnavailable: Falco could not be reached, or the call broke.
	CodeUnavailable = "unavailable"
	// CodeCall: Falco (or the gRPC runtime) ended a call with another status.
	CodeCall = "call"
)

// Error is every error this package returns; its message names the endpoint
// and what to check.
type Error struct {
	Code    string
	Message string
	Cause   error
}

func (e *Error) Error() string { return e.Message }
func (e *Error) Unwrap() error { return e.Cause }

func configError(format string, args ...any) error {
	return &Error{Code: CodeConfiguration, Message: fmt.Sprintf(format, args...)}
}

// IsUnavailable reports whether err says Falco could not be reached.
func IsUnavailable(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == CodeUnavailable
}

// Must returns c, and panics on err: for examples and tests.
func Must(c *Client, err error) *Client {
	if err != nil {
		panic(err)
	}
	return c
}
