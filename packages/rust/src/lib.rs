//! Consume Falco's alerts over its gRPC outputs API (Falco 0.24 to 0.43.x).
//!
//! [`Client::subscribe`] polls `sub` (every 100 ms, at once again while alerts
//! flow), ends calls by cancelling them (never by half-closing: Falco answers a
//! half-close with nothing), and reconnects with backoff and jitter after a
//! break or after Falco's stop or reload. The generated stubs are in [`proto`].
//!
//! ```no_run
//! use tokio_stream::StreamExt;
//! # async fn run() -> Result<(), falco_sdk::Error> {
//! let client = falco_sdk::Client::new(falco_sdk::Options::default())?; // Falco's unix socket
//! let mut alerts = client.subscribe();
//! while let Some(alert) = alerts.next().await {
//!     let alert = alert?;
//!     println!("{} {}", alert.priority, alert.rule);
//! }
//! # Ok(()) }
//! ```

mod alert;
mod backoff;
mod client;
mod endpoint;
mod error;
mod io;
mod subscription;
#[cfg(feature = "testkit")]
pub mod testkit;

pub use alert::{Alert, PRIORITIES};
pub use backoff::Backoff;
pub use client::{Client, Options, Tls};
pub use endpoint::{Endpoint, DEFAULT_SOCKET_PATH, LEGACY_SOCKET_PATH};
pub use error::{Error, ErrorCode};
pub use subscription::{Status, Subscription};

/// The stubs `buf generate` writes (prost messages, tonic clients); never edited by hand.
#[allow(clippy::all, missing_docs)]
pub mod proto {
    /// `falco.schema`: the priority and source enums.
    pub mod schema {
        include!("gen/falco/schema/falco.schema.rs");
    }
    /// `falco.outputs`: `service` with `sub` and `get`, `request`, `response`.
    pub mod outputs {
        include!("gen/falco/outputs/falco.outputs.rs");
    }
    /// `falco.version`: `service` with `version`, `request`, `response`.
    pub mod version {
        include!("gen/falco/version/falco.version.rs");
    }
}
