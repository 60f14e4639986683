package falco

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"
)

// TLSReason says which side of a failed mutual-TLS handshake with Falco is
// wrong: the Reason of an *Error with CodeTLS. The same names as the other
// falco-sdk clients (TypeScript's TlsError.reason, Python's TLSError.reason).
type TLSReason string

const (
	// ReasonCAUntrusted: Falco's certificate is not signed by TLS.CA.
	ReasonCAUntrusted TLSReason = "ca-untrusted"
	// ReasonNameMismatch: Falco's certificate does not name TLS.ServerName.
	ReasonNameMismatch TLSReason = "name-mismatch"
	// ReasonClientCertRefused: Falco refused this client's certificate (not
	// signed by the CA of its grpc root_certs).
	ReasonClientCertRefused TLSReason = "client-cert-refused"
	// ReasonHandshake: the handshake failed otherwise (not Falco's TLS port?).
	ReasonHandshake TLSReason = "handshake"
)

var tlsAdvice = map[TLSReason]string{
	ReasonCAUntrusted:       "Falco's certificate is not signed by the CA you gave (Options.TLS.CA): pass the CA that signed Falco's cert_chain",
	ReasonNameMismatch:      `Falco's certificate does not name Options.TLS.ServerName: set ServerName to a name in the certificate (Falco's docs issue it for "localhost")`,
	ReasonClientCertRefused: "Falco refused the TLS handshake: it requires a client certificate (Options.TLS.Cert, Key) signed by the CA in its grpc root_certs",
	ReasonHandshake:         "the TLS handshake failed: check that the endpoint is Falco's TLS port and the certificates",
}

// tlsError is the *Error of a failed handshake: CodeTLS, its reason, what to do.
func tlsError(reason TLSReason, endpoint string, cause error) error {
	return &Error{Code: CodeTLS, Reason: reason, Cause: cause,
		Message: fmt.Sprintf("%s (Falco at %s: %v)", tlsAdvice[reason], endpoint, cause)}
}

// diagnoseTLS tells why a connection to addr with config fails its TLS
// handshake, or "" when it does not (or the failure is not TLS's: refused,
// timeout). grpc-go's message alone cannot tell a refused client certificate
// from a closed connection, so this handshakes once more with crypto/tls. With
// TLS 1.3 the server checks the client certificate after the handshake: a
// server that accepted it speaks first (HTTP/2's SETTINGS); one that refused it
// sends an alert, or hangs up, unasked.
func diagnoseTLS(addr string, config *tls.Config, timeout time.Duration) (TLSReason, error) {
	config = config.Clone()
	config.NextProtos = []string{"h2"}
	dialer := &net.Dialer{Timeout: timeout}
	conn, err := tls.DialWithDialer(dialer, "tcp", addr, config)
	if err != nil {
		return handshakeReason(err, false), err
	}
	defer conn.Close()
	_ = conn.SetReadDeadline(time.Now().Add(timeout))
	if _, err := conn.Read(make([]byte, 1)); err != nil {
		var nerr net.Error
		if errors.As(err, &nerr) && nerr.Timeout() {
			return "", nil // a server that says nothing (hung): not a TLS failure
		}
		return handshakeReason(err, true), err
	}
	return "", nil
}

func handshakeReason(err error, handshakeDone bool) TLSReason {
	var unknownAuthority x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var verification *tls.CertificateVerificationError
	switch {
	case errors.As(err, &hostname):
		return ReasonNameMismatch
	case errors.As(err, &unknownAuthority):
		return ReasonCAUntrusted
	case errors.As(err, &verification):
		return ReasonCAUntrusted
	}
	text := strings.ToLower(err.Error())
	switch {
	case strings.Contains(text, "remote error"):
		return ReasonClientCertRefused // Falco's alert: certificate required, bad or unknown CA
	case strings.Contains(text, "connection refused"), strings.Contains(text, "no such host"), strings.Contains(text, "i/o timeout"):
		return ""
	case handshakeDone:
		return ReasonClientCertRefused // hung up unasked after the handshake
	case strings.Contains(text, "tls"):
		return ReasonHandshake
	}
	return ""
}
