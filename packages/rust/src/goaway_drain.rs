//! A `sub` call after Falco's GOAWAY (its stop, or a rules or configuration reload): no more
//! polls, what Falco still writes is read whatever the consumer does, and a call that stays
//! silent for one grace period is cancelled, so that Falco's stop never waits on us.

use crate::alert::Alert;
use crate::error::Error;
use tokio::sync::mpsc;

/// What may still arrive after Falco's GOAWAY beyond the usual 4 x `max_buffered_alerts`:
/// Falco finishes a draining call right after its current write, so this is that write plus
/// what fits in the HTTP/2 window. It bounds memory against a server that would go on writing.
const AFTER_GOAWAY_LIMIT: usize = 4096;

/// A `sub` call after Falco's GOAWAY (its stop, or a rules or configuration reload), as in the
/// TypeScript client's AlertStream: no more polls; what Falco still writes is read whatever the
/// consumer does (past the channel's capacity it waits here, in order); the call is cancelled
/// once it stays silent for one grace period (a poll interval, 100 ms to 1 s).
pub(crate) struct Drain {
    pub(crate) draining: bool,
    grace: std::time::Duration,
    deadline: tokio::time::Instant,
    held: std::collections::VecDeque<Result<Alert, Error>>,
    pub(crate) over_limit: bool,
}

impl Drain {
    pub(crate) fn new(poll_interval: std::time::Duration) -> Drain {
        let grace = poll_interval.clamp(std::time::Duration::from_millis(100), std::time::Duration::from_secs(1));
        Drain {
            draining: false,
            grace,
            deadline: tokio::time::Instant::now() + grace,
            held: Default::default(),
            over_limit: false,
        }
    }

    pub(crate) fn start(&mut self) {
        self.draining = true;
        self.received();
    }

    pub(crate) fn received(&mut self) {
        self.deadline = tokio::time::Instant::now() + self.grace;
    }

    pub(crate) async fn grace(&self) {
        tokio::time::sleep_until(self.deadline).await;
    }

    /// Hands the alert over, or holds it (in order) while the channel is full; false once the
    /// subscription is gone.
    pub(crate) fn keep(&mut self, alert: Result<Alert, Error>, tx: &mpsc::Sender<Result<Alert, Error>>) -> bool {
        if self.held.is_empty() {
            match tx.try_send(alert) {
                Ok(()) => return true,
                Err(mpsc::error::TrySendError::Closed(_)) => return false,
                Err(mpsc::error::TrySendError::Full(alert)) => self.held.push_back(alert),
            }
        } else {
            self.held.push_back(alert);
        }
        if self.held.len() >= AFTER_GOAWAY_LIMIT {
            // Falco kept writing past what it does after a GOAWAY: stop taking more (the
            // grace timer cancels the call), and say alerts may have been lost.
            self.over_limit = true;
            self.held.pop_back();
        }
        true
    }

    /// Hands over what is held, waiting for the consumer; false once the subscription is gone.
    pub(crate) async fn flush(&mut self, tx: &mpsc::Sender<Result<Alert, Error>>) -> bool {
        while let Some(alert) = self.held.pop_front() {
            if tx.send(alert).await.is_err() {
                return false;
            }
        }
        true
    }
}

/// Resolves once Falco sent GOAWAY on the connection (never, once the connection is gone).
pub(crate) async fn goaway_seen(goaway: &mut tokio::sync::watch::Receiver<bool>) {
    let seen = goaway.wait_for(|g| *g).await.is_ok();
    if !seen {
        std::future::pending::<()>().await;
    }
}
