#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

mod alert;
mod backoff;
mod client;
mod drain;
mod endpoint;
mod error;
mod goaway_drain;
mod io;
mod options;
mod priority;
mod sniff;
mod starvation;
mod status;
mod sub_call;
mod subscription;
#[cfg(feature = "testkit")]
pub mod testkit;
mod tls;

pub use alert::Alert;
pub use backoff::Backoff;
pub use client::Client;
pub use drain::Drain;
pub use endpoint::{Endpoint, DEFAULT_SOCKET_PATH, LEGACY_SOCKET_PATH};
pub use error::{Error, ErrorCode, TlsReason};
pub use options::{Options, Tls};
pub use priority::{Priority, UnknownPriority};
pub use status::{OnStatus, StatusEvent};
pub use subscription::{Status, Subscription};

/// The stubs `buf generate` writes (prost messages, tonic clients); never edited by hand.
#[allow(clippy::all, missing_docs, rustdoc::all)]
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
