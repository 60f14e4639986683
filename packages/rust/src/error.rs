//! Errors: one type with a stable [`ErrorCode`]; messages name the endpoint and what to check.

use std::fmt;

/// What kind of failure an [`Error`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    /// The endpoint or TLS settings cannot work.
    Configuration,
    /// Falco could not be reached, or the call broke.
    Unavailable,
    /// Falco (or the gRPC runtime) ended a call with another status.
    Call,
}

/// Every error of this crate.
#[derive(Debug, Clone)]
pub struct Error {
    /// The kind of failure.
    pub code: ErrorCode,
    message: String,
}

impl Error {
    pub(crate) fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error {
            code,
            message: message.into(),
        }
    }
    pub(crate) fn config(message: impl Into<String>) -> Self {
        Error::new(ErrorCode::Configuration, message)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

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
