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
}

impl Error {
    pub(crate) fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error {
            code,
            message: message.into(),
            source: None,
            hung: false,
        }
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
