//! Errors: one type with a stable [`ErrorCode`] and its cause; messages name the endpoint and what to check.

use std::fmt;
use std::sync::Arc;

/// What kind of failure an [`Error`] is.
///
/// ```
/// # use falco_sdk::{Client, ErrorCode, Options};
/// let error = Client::new(Options::default().with_endpoint("falco-host:5060")).err().unwrap();
/// assert_eq!(error.code, ErrorCode::Configuration); // TCP needs mutual TLS
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// The endpoint or TLS settings cannot work.
    Configuration,
    /// Falco could not be reached, or the call broke.
    Unavailable,
    /// Falco (or the gRPC runtime) ended a call with another status.
    Call,
    /// Falco accepts the `sub` call but does not serve it, its slots
    /// (`grpc.threadiness` x 10) being taken: the error of [`crate::StatusEvent::Starved`].
    SubSlotsFull,
    /// The mutual-TLS handshake with Falco failed: [`Error::tls_reason`] says which side is wrong.
    Tls,
}

/// Which side of a failed mutual-TLS handshake with Falco is wrong: the reason of an
/// [`ErrorCode::Tls`] error, named as in the other falco-sdk clients ([`TlsReason::as_str`]).
///
/// ```
/// # use falco_sdk::TlsReason;
/// assert_eq!(TlsReason::CaUntrusted.as_str(), "ca-untrusted");
/// assert_eq!(TlsReason::ClientCertRefused.to_string(), "client-cert-refused");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TlsReason {
    /// Falco's certificate is not signed by `Options::tls` `ca`.
    CaUntrusted,
    /// Falco's certificate does not name `Options::tls` `server_name`.
    NameMismatch,
    /// Falco refused this client's certificate (not signed by its grpc `root_certs`).
    ClientCertRefused,
    /// The handshake failed otherwise (not Falco's TLS port?).
    Handshake,
}

impl TlsReason {
    /// The name the other falco-sdk clients use: `ca-untrusted`, `name-mismatch`,
    /// `client-cert-refused`, `handshake`.
    ///
    /// ```
    /// # use falco_sdk::TlsReason;
    /// assert_eq!(TlsReason::NameMismatch.as_str(), "name-mismatch");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            TlsReason::CaUntrusted => "ca-untrusted",
            TlsReason::NameMismatch => "name-mismatch",
            TlsReason::ClientCertRefused => "client-cert-refused",
            TlsReason::Handshake => "handshake",
        }
    }

    pub(crate) fn advice(self) -> &'static str {
        match self {
            TlsReason::CaUntrusted => {
                "Falco's certificate is not signed by the CA you gave (Options::tls ca): pass the CA that signed Falco's cert_chain"
            }
            TlsReason::NameMismatch => {
                "Falco's certificate does not name Options::tls server_name: set server_name to a name in the certificate (Falco's docs issue it for \"localhost\")"
            }
            TlsReason::ClientCertRefused => {
                "Falco refused the TLS handshake: it requires a client certificate (Options::tls cert, key) signed by the CA in its grpc root_certs"
            }
            TlsReason::Handshake => {
                "the TLS handshake failed: check that the endpoint is Falco's TLS port and the certificates"
            }
        }
    }
}

impl fmt::Display for TlsReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

type Cause = Arc<dyn std::error::Error + Send + Sync + 'static>;

/// Every error of this crate: a [`code`](Error::code), a message naming the
/// endpoint, and the cause as [`std::error::Error::source`] (a
/// [`tonic::Status`], a transport or I/O error).
///
/// ```
/// # use falco_sdk::{Client, Options};
/// let error = Client::new(Options::default().with_endpoint("unix:relative.sock")).err().unwrap();
/// assert!(error.to_string().contains("needs an absolute path"));
/// assert!(std::error::Error::source(&error).is_none()); // nothing below a configuration error
/// ```
#[derive(Debug, Clone)]
pub struct Error {
    /// The kind of failure.
    pub code: ErrorCode,
    message: String,
    source: Option<Cause>,
    hung: bool,
    tls_reason: Option<TlsReason>,
}

impl Error {
    pub(crate) fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error {
            code,
            message: message.into(),
            source: None,
            hung: false,
            tls_reason: None,
        }
    }
    pub(crate) fn tls(reason: TlsReason, endpoint: impl fmt::Display, detail: &str) -> Self {
        let mut error = Error::new(
            ErrorCode::Tls,
            format!("{} (Falco at {endpoint}: {detail})", reason.advice()),
        );
        error.tls_reason = Some(reason);
        error
    }
    /// Keeps `cause`'s code and TLS reason, with a new message.
    pub(crate) fn rewording(cause: Error, message: String) -> Self {
        let mut error = Error::new(cause.code, message);
        error.tls_reason = cause.tls_reason;
        error.caused_by(cause)
    }
    pub(crate) fn config(message: impl Into<String>) -> Self {
        Error::new(ErrorCode::Configuration, message)
    }
    pub(crate) fn caused_by(mut self, cause: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Arc::new(cause));
        self
    }

    pub(crate) fn hung(mut self) -> Self {
        self.hung = true;
        self
    }

    /// Falco did not answer a liveness check (a `version` call) within
    /// `liveness_timeout / 2`: it is hung (SIGSTOP, a stuck process) or unreachable.
    ///
    /// ```
    /// # use falco_sdk::{Client, Options};
    /// let error = Client::new(Options::default().with_endpoint("nonsense")).err().unwrap();
    /// assert!(!error.is_hung());
    /// ```
    pub fn is_hung(&self) -> bool {
        self.hung
    }

    /// Which side of a failed mutual-TLS handshake is wrong, for an [`ErrorCode::Tls`] error.
    ///
    /// ```
    /// # use falco_sdk::{Client, Options};
    /// let error = Client::new(Options::default().with_endpoint("nonsense")).err().unwrap();
    /// assert_eq!(error.tls_reason(), None);
    /// ```
    pub fn tls_reason(&self) -> Option<TlsReason> {
        self.tls_reason
    }

    /// The gRPC status Falco (or tonic) ended the call with, when that is the cause.
    ///
    /// ```
    /// # use falco_sdk::{Client, Options};
    /// let error = Client::new(Options::default()).err();
    /// assert!(error.is_none_or(|e| e.status().is_none()));
    /// ```
    pub fn status(&self) -> Option<&tonic::Status> {
        self.source.as_ref()?.downcast_ref::<tonic::Status>()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_deref().map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// The error and its sources, joined: tonic's own messages say little alone.
pub(crate) fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let next = cause.to_string();
        if !text.contains(&next) {
            text.push_str(": ");
            text.push_str(&next);
        }
        source = cause.source();
    }
    text
}
