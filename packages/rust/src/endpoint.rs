//! Where Falco listens: `unix:///path` (plaintext) or `host:port` (mutual TLS, Falco's only TCP mode).

use crate::error::Error;
use std::path::Path;

/// Falco's default `grpc.bind_address` since 0.33.
///
/// ```
/// assert_eq!(falco_sdk::DEFAULT_SOCKET_PATH, "/run/falco/falco.sock");
/// ```
pub const DEFAULT_SOCKET_PATH: &str = "/run/falco/falco.sock";
/// Falco's default `grpc.bind_address` before 0.33.
///
/// ```
/// assert_eq!(falco_sdk::LEGACY_SOCKET_PATH, "/var/run/falco.sock");
/// ```
pub const LEGACY_SOCKET_PATH: &str = "/var/run/falco.sock";

/// A parsed endpoint.
///
/// ```
/// use falco_sdk::Endpoint;
/// assert_eq!(Endpoint::parse(Some("https://[::1]:5060/")).unwrap(), Endpoint::Tcp("[::1]:5060".into()));
/// assert_eq!(Endpoint::parse(Some("/run/falco/falco.sock")).unwrap().to_string(), "unix:///run/falco/falco.sock");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Endpoint {
    /// A unix socket path.
    Unix(String),
    /// `host:port` (IPv6 hosts in brackets).
    Tcp(String),
}

impl Endpoint {
    /// Parses `unix:///path` (or an absolute path), `host:port` or `https://host:port`.
    /// `None` or `""` is Falco's default socket, or the pre-0.33 one when only that exists.
    ///
    /// ```
    /// use falco_sdk::{Endpoint, ErrorCode};
    /// assert_eq!(Endpoint::parse(Some("unix:///tmp/f.sock")).unwrap(), Endpoint::Unix("/tmp/f.sock".into()));
    /// assert_eq!(Endpoint::parse(Some("localhost:5060")).unwrap(), Endpoint::Tcp("localhost:5060".into()));
    /// assert_eq!(Endpoint::parse(Some("unix:f.sock")).unwrap_err().code, ErrorCode::Configuration);
    /// ```
    pub fn parse(endpoint: Option<&str>) -> Result<Endpoint, Error> {
        let text = endpoint.unwrap_or("").trim();
        if text.is_empty() {
            let legacy = !Path::new(DEFAULT_SOCKET_PATH).exists() && Path::new(LEGACY_SOCKET_PATH).exists();
            let path = if legacy {
                LEGACY_SOCKET_PATH
            } else {
                DEFAULT_SOCKET_PATH
            };
            return Ok(Endpoint::Unix(path.to_string()));
        }
        if text.starts_with("unix:") || text.starts_with('/') {
            let rest = text.strip_prefix("unix:").unwrap_or(text);
            let path = rest.strip_prefix("//").unwrap_or(rest);
            if !path.starts_with('/') {
                return Err(Error::config(format!(
                    "unix endpoint {text} needs an absolute path, e.g. unix:///run/falco/falco.sock"
                )));
            }
            return Ok(Endpoint::Unix(path.to_string()));
        }
        if text.starts_with("http://") {
            return Err(Error::config(format!(
                "{text} is plaintext TCP, which Falco never serves: its TCP listener always requires \
                 mutual TLS; use host:port with Options::tls"
            )));
        }
        let rest = text.strip_prefix("https://").unwrap_or(text).trim_end_matches('/');
        let bad = || {
            Error::config(format!(
                "cannot read endpoint {text:?}: use unix:///path/to/falco.sock or host:port"
            ))
        };
        let (host, port) = rest.rsplit_once(':').ok_or_else(bad)?;
        let port: u16 = port.parse().map_err(|_| bad())?;
        let bracketed = host.starts_with('[') && host.ends_with(']');
        if port == 0 || host.is_empty() || host.contains('/') || (host.contains(':') && !bracketed) {
            return Err(bad());
        }
        Ok(Endpoint::Tcp(format!("{host}:{port}")))
    }
}

impl std::fmt::Display for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Endpoint::Unix(path) => write!(f, "unix://{path}"),
            Endpoint::Tcp(target) => f.write_str(target),
        }
    }
}
