//! Status events of a subscription: the names of the TypeScript client's `ClientStatus`.

use crate::error::Error;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One event of a [`crate::Subscription`], given to [`crate::Options::on_status`].
///
/// ```
/// use falco_sdk::StatusEvent;
/// let event = StatusEvent::Reconnecting { attempt: 1, delay: std::time::Duration::ZERO, error: None };
/// assert_eq!(event.name(), "reconnecting");
/// assert_eq!(event.to_string(), "reconnecting attempt=1 delayMs=0");
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum StatusEvent {
    /// Opening a connection (first time or after a failure).
    Connecting {
        /// Where.
        endpoint: String,
    },
    /// Falco answered: alerts flow.
    Connected {
        /// Where.
        endpoint: String,
    },
    /// The connection failed or ended.
    Disconnected {
        /// Why; [`Error::is_hung`] when Falco did not answer a liveness check.
        error: Error,
        /// The alert stream was open when it broke (Falco removes an alert from its
        /// queue before writing it, so what was in flight is gone), or Falco's stop
        /// or reload ended a stream that was still receiving.
        alerts_may_have_been_lost: bool,
        /// This client's disconnections so far with `alerts_may_have_been_lost`.
        possible_losses: u64,
    },
    /// Waiting `delay` before reconnection attempt `attempt` (1-based).
    Reconnecting {
        /// 1-based.
        attempt: u32,
        /// Zero after Falco's stop or reload.
        delay: Duration,
        /// Why the last attempt ended, if it failed.
        error: Option<Error>,
    },
    /// Falco accepted the alert stream but does not serve it: its `sub` slots
    /// (`grpc.threadiness` x 10) are full. The subscription keeps waiting for a
    /// slot and fetches the queued alerts with `get` meanwhile; `Connected`
    /// follows once the stream is served.
    Starved {
        /// [`crate::ErrorCode::SubSlotsFull`], saying what to do.
        error: Error,
    },
    /// Alerts received from Falco but never delivered: still buffered when the
    /// subscription was dropped.
    Dropped {
        /// This time.
        count: u64,
        /// Of this client so far.
        total: u64,
    },
    /// The subscription ended: the last event.
    Closed,
}

impl StatusEvent {
    /// The event's name: "connecting", "connected", "disconnected", "reconnecting", "starved",
    /// "dropped", "closed".
    ///
    /// ```
    /// assert_eq!(falco_sdk::StatusEvent::Closed.name(), "closed");
    /// ```
    pub fn name(&self) -> &'static str {
        match self {
            StatusEvent::Connecting { .. } => "connecting",
            StatusEvent::Connected { .. } => "connected",
            StatusEvent::Disconnected { .. } => "disconnected",
            StatusEvent::Reconnecting { .. } => "reconnecting",
            StatusEvent::Starved { .. } => "starved",
            StatusEvent::Dropped { .. } => "dropped",
            StatusEvent::Closed => "closed",
        }
    }
}

impl fmt::Display for StatusEvent {
    /// One line: `disconnected alertsMayHaveBeenLost=true possibleLosses=1 error="..."`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())?;
        match self {
            StatusEvent::Connecting { endpoint } | StatusEvent::Connected { endpoint } => {
                write!(f, " endpoint={endpoint}")
            }
            StatusEvent::Disconnected {
                error,
                alerts_may_have_been_lost,
                possible_losses,
            } => write!(
                f,
                " alertsMayHaveBeenLost={alerts_may_have_been_lost} possibleLosses={possible_losses} error={:?}",
                error.to_string()
            ),
            StatusEvent::Starved { error } => write!(f, " error={:?}", error.to_string()),
            StatusEvent::Reconnecting { attempt, delay, error } => {
                write!(f, " attempt={attempt} delayMs={}", delay.as_millis())?;
                match error {
                    Some(e) => write!(f, " error={:?}", e.to_string()),
                    None => Ok(()),
                }
            }
            StatusEvent::Dropped { count, total } => write!(f, " count={count} total={total}"),
            StatusEvent::Closed => Ok(()),
        }
    }
}

/// A status callback: see [`crate::Options::on_status`]; made by [`crate::Options::with_on_status`].
///
/// ```
/// let options = falco_sdk::Options::default().with_on_status(|event| eprintln!("status: {event}"));
/// let callback: &falco_sdk::OnStatus = options.on_status.as_ref().unwrap();
/// assert_eq!(format!("{callback:?}"), "OnStatus(..)");
/// ```
#[derive(Clone)]
pub struct OnStatus(pub(crate) Arc<dyn Fn(&StatusEvent) + Send + Sync>);

impl fmt::Debug for OnStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("OnStatus(..)")
    }
}

/// Calls the callback in order, never after `Closed`.
#[derive(Clone, Default)]
pub(crate) struct Emitter {
    callback: Option<OnStatus>,
    closed: Arc<Mutex<bool>>,
}

impl Emitter {
    pub(crate) fn new(callback: Option<OnStatus>) -> Emitter {
        Emitter {
            callback,
            closed: Arc::default(),
        }
    }

    pub(crate) fn emit(&self, event: StatusEvent) {
        let Some(callback) = &self.callback else { return };
        let mut closed = self.closed.lock().unwrap();
        if *closed {
            return;
        }
        *closed = matches!(event, StatusEvent::Closed);
        (callback.0)(&event);
    }
}
