//! Options of [`crate::Client::new`] and the mutual-TLS material.

use crate::backoff::Backoff;
use std::path::PathBuf;
use std::time::Duration;

/// Mutual-TLS material for Falco's TCP listener: PEM file paths.
///
/// ```
/// let tls = falco_sdk::Tls::new("ca.crt", "client.crt", "client.key");
/// assert_eq!(tls.server_name, None); // "localhost" is checked
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Tls {
    /// Falco's `root_certs`: the CA that signed Falco's certificate.
    pub ca: PathBuf,
    /// This client's certificate.
    pub cert: PathBuf,
    /// This client's key.
    pub key: PathBuf,
    /// Name checked in Falco's certificate whatever host is dialled.
    /// Default "localhost" (Falco's docs make certificates for CN=localhost).
    pub server_name: Option<String>,
}

impl Tls {
    /// Falco's CA, this client's certificate and key; `server_name` `None`.
    ///
    /// ```
    /// let mut tls = falco_sdk::Tls::new("/etc/falco/certs/ca.crt", "client.crt", "client.key");
    /// tls.server_name = Some("falco.example".into()); // when Falco's certificate is not for localhost
    /// assert_eq!(tls.ca, std::path::Path::new("/etc/falco/certs/ca.crt"));
    /// ```
    pub fn new(ca: impl Into<PathBuf>, cert: impl Into<PathBuf>, key: impl Into<PathBuf>) -> Tls {
        Tls {
            ca: ca.into(),
            cert: cert.into(),
            key: key.into(),
            server_name: None,
        }
    }
}

/// Options of [`crate::Client::new`]. `Options::default()` is Falco's unix socket;
/// set fields on it, or chain [`Options::with_endpoint`] and [`Options::with_tls`].
///
/// ```
/// use falco_sdk::{Options, Tls};
/// let mut options = Options::default()
///     .with_endpoint("falco-host:5060")
///     .with_tls(Tls::new("ca.crt", "client.crt", "client.key"));
/// options.poll_interval = std::time::Duration::from_millis(50);
/// options.backoff.max_attempts = Some(10);
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Options {
    /// `unix:///path` or `host:port`. Default: Falco's socket /run/falco/falco.sock,
    /// or /var/run/falco.sock when only that exists.
    pub endpoint: Option<String>,
    /// Required for `host:port` (Falco's TCP listener is always mutual TLS).
    pub tls: Option<Tls>,
    /// How often `subscribe` asks Falco for alerts (at once again while alerts
    /// keep coming). Default 100 ms.
    pub poll_interval: Duration,
    /// Received alerts waiting for the consumer, past which polling pauses
    /// (and at 4x, reading). Default 256.
    pub max_buffered_alerts: usize,
    /// While `sub` is silent, a subscription checks every `liveness_timeout / 4`
    /// that Falco answers a `version` call within `liveness_timeout / 2`; else it
    /// reconnects, with a `Disconnected` event whose error [`crate::Error::is_hung`]. Default 30 s.
    pub liveness_timeout: Duration,
    /// Receives each [`crate::StatusEvent`] of every subscription, in order; it
    /// must not block. Default none. Set with [`Options::with_on_status`].
    pub on_status: Option<crate::status::OnStatus>,
    /// When a subscription's first connection fails (no socket, permission,
    /// TLS, refused), retry with `backoff`, reporting each attempt, instead of
    /// ending the subscription at once with that error (so a wrong setting
    /// fails fast). Default false.
    pub wait_for_server: bool,
    /// Reconnection delays of `subscribe`.
    pub backoff: Backoff,
    /// Whether a subscription reconnects after a disconnection; false ends it at its first
    /// disconnection, with that error. Default true.
    ///
    /// ```
    /// let mut options = falco_sdk::Options::default();
    /// assert!(options.reconnect);
    /// options.reconnect = false; // the subscription's stream ends with the first error
    /// ```
    pub reconnect: bool,
    /// Deadline of connecting, `version` and each wait for Falco in `get`. Default 15 s (the
    /// default `liveness_timeout / 2`, TypeScript's `version` deadline).
    pub timeout: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            endpoint: None,
            tls: None,
            poll_interval: Duration::from_millis(100),
            max_buffered_alerts: 256,
            liveness_timeout: Duration::from_secs(30),
            on_status: None,
            wait_for_server: false,
            backoff: Backoff::default(),
            reconnect: true,
            timeout: Duration::from_secs(15), // liveness_timeout / 2
        }
    }
}

impl Options {
    /// With this endpoint: `unix:///path` or `host:port`.
    ///
    /// ```
    /// let options = falco_sdk::Options::default().with_endpoint("unix:///var/run/falco.sock");
    /// assert_eq!(options.endpoint.as_deref(), Some("unix:///var/run/falco.sock"));
    /// ```
    pub fn with_endpoint(mut self, endpoint: impl Into<String>) -> Options {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// With a status callback: each [`crate::StatusEvent`] of every subscription.
    ///
    /// ```
    /// let options = falco_sdk::Options::default().with_on_status(|event| eprintln!("status: {event}"));
    /// ```
    pub fn with_on_status(mut self, f: impl Fn(&crate::StatusEvent) + Send + Sync + 'static) -> Options {
        self.on_status = Some(crate::status::OnStatus(std::sync::Arc::new(f)));
        self
    }

    /// With mutual TLS (for `host:port`).
    ///
    /// ```
    /// use falco_sdk::{Options, Tls};
    /// let options = Options::default().with_endpoint("falco:5060").with_tls(Tls::new("ca.crt", "c.crt", "c.key"));
    /// assert!(options.tls.is_some());
    /// ```
    pub fn with_tls(mut self, tls: Tls) -> Options {
        self.tls = Some(tls);
        self
    }
}
