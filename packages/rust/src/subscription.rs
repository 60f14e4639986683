//! A `sub` stream that polls, cancels (never half-closes) and reconnects.

use crate::alert::Alert;
use crate::client::Client;
use crate::error::{Error, ErrorCode};
use crate::status::{Emitter, StatusEvent};
use crate::sub_call::stream;
use std::pin::Pin;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_stream::Stream;

/// What a subscription went through.
///
/// ```no_run
/// # async fn f(client: falco_sdk::Client) {
/// let alerts = client.subscribe();
/// let status = alerts.status();
/// println!("{} received, {} interruptions", status.received, status.interruptions);
/// # }
/// ```
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Status {
    /// A `sub` stream is open now.
    pub connected: bool,
    /// Alerts received, in total.
    pub received: u64,
    /// Reconnections after a break or a Falco stop.
    pub reconnects: u64,
    /// Streams that broke: Falco pops an alert before writing it, so each may
    /// have lost the alerts that were in flight.
    pub interruptions: u64,
    /// Streams Falco ended with OK (its stop, or a rules/config reload).
    pub falco_stops: u64,
    /// Falco does not serve the open `sub` call (its slots are full); the
    /// queued alerts are fetched with `get` (see [`crate::StatusEvent::Starved`]).
    pub starved: bool,
    /// Why the last stream failed or broke.
    pub last_error: Option<Error>,
}

/// Alerts from Falco's `sub`, as a [`Stream`]: polls every `poll_interval`
/// (and at once while alerts keep coming), ends calls by cancelling them, and
/// reconnects with backoff and jitter after a break or after Falco's stop or
/// reload. Yields `Err` once, then ends, after `backoff.max_attempts`
/// consecutive failed attempts. Dropping it (or [`Subscription::close`])
/// cancels the call at once.
///
/// ```no_run
/// # async fn f(client: falco_sdk::Client) -> Result<(), falco_sdk::Error> {
/// use tokio_stream::StreamExt;
/// let mut alerts = client.subscribe();
/// while let Some(alert) = alerts.next().await {
///     println!("{}", alert?.rule);
/// }
/// # Ok(()) }
/// ```
pub struct Subscription {
    alerts: mpsc::Receiver<Result<Alert, Error>>,
    status: Arc<Mutex<Status>>,
    emitter: Emitter,
    task: JoinHandle<()>,
    totals: Arc<crate::client::Totals>,
}

impl Subscription {
    pub(crate) fn start(client: Client) -> Subscription {
        // Past 4 x max_buffered_alerts (the one in the reader's hand included) the reader
        // waits, and HTTP/2 flow control holds Falco's drain.
        let (tx, rx) = mpsc::channel((client.options.max_buffered_alerts * 4 - 1).max(1));
        let status = Arc::new(Mutex::new(Status::default()));
        let emitter = Emitter::new(client.options.on_status.clone());
        let totals = client.totals.clone();
        let task = tokio::spawn(run(client, tx, status.clone(), emitter.clone()));
        Subscription {
            alerts: rx,
            status,
            emitter,
            task,
            totals,
        }
    }

    /// Alerts received from Falco and not yet taken: at most 4 x
    /// `max_buffered_alerts` (polling pauses at 1 x).
    ///
    /// ```no_run
    /// # async fn f(client: falco_sdk::Client) {
    /// let alerts = client.subscribe();
    /// assert!(alerts.pending() <= 4 * 256);
    /// # }
    /// ```
    pub fn pending(&self) -> usize {
        self.alerts.len()
    }

    /// A snapshot of the counters.
    ///
    /// ```no_run
    /// # async fn f(client: falco_sdk::Client) {
    /// let alerts = client.subscribe();
    /// if alerts.status().interruptions > 0 {
    ///     eprintln!("alerts in flight may have been lost: {:?}", alerts.status().last_error);
    /// }
    /// # }
    /// ```
    pub fn status(&self) -> Status {
        self.status.lock().unwrap().clone()
    }

    /// Cancels the open call and stops reconnecting (same as dropping it).
    ///
    /// ```no_run
    /// # async fn f(client: falco_sdk::Client) {
    /// let alerts = client.subscribe();
    /// alerts.close(); // a `dropped` event counts the alerts still buffered, then `closed`
    /// # }
    /// ```
    pub fn close(self) {}
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.task.abort(); // its stream's guard kills the connection
        let count = self.alerts.len() as u64;
        if count > 0 {
            let total = self.totals.dropped.fetch_add(count, Ordering::Relaxed) + count;
            self.emitter.emit(StatusEvent::Dropped { count, total });
        }
        self.emitter.emit(StatusEvent::Closed);
    }
}

impl Stream for Subscription {
    type Item = Result<Alert, Error>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.alerts.poll_recv(cx)
    }
}

pub(crate) enum End {
    /// Falco ended the stream with OK: it is stopping or reloading.
    FalcoStop {
        may_have_lost: bool,
    },
    Broke {
        established: bool,
        error: Error,
    },
    /// The consumer dropped the subscription.
    Closed,
}

async fn run(client: Client, tx: mpsc::Sender<Result<Alert, Error>>, status: Arc<Mutex<Status>>, emitter: Emitter) {
    let mut failures = 0u32;
    let mut ever_connected = false;
    loop {
        emitter.emit(StatusEvent::Connecting {
            endpoint: client.endpoint.to_string(),
        });
        let end = stream(&client, &tx, &status, &emitter).await;
        let (error, lost, at_once) = {
            let mut st = status.lock().unwrap();
            ever_connected |= st.connected; // Falco answered on this connection
            st.connected = false;
            st.starved = false;
            let (error, lost, at_once) = match end {
                End::Closed => return,
                End::FalcoStop { may_have_lost } => {
                    st.falco_stops += 1;
                    failures = 0;
                    let error = Error::new(
                        ErrorCode::Unavailable,
                        format!(
                            "Falco at {} ended the alert stream: it is stopping or reloading its rules or configuration",
                            client.endpoint
                        ),
                    );
                    (error, may_have_lost, true)
                }
                End::Broke { established, error } => {
                    if established {
                        st.interruptions += 1;
                        failures = 0;
                    } else {
                        failures += 1;
                    }
                    (error, established, false)
                }
            };
            st.last_error = Some(error.clone());
            (error, lost, at_once)
        };
        let losses = &client.totals.possible_losses;
        let possible_losses = match lost {
            true => losses.fetch_add(1, Ordering::Relaxed) + 1,
            false => losses.load(Ordering::Relaxed),
        };
        emitter.emit(StatusEvent::Disconnected {
            error: error.clone(),
            alerts_may_have_been_lost: lost,
            possible_losses,
        });
        if !ever_connected && !client.options.wait_for_server {
            let message = format!("{error} (set Options::wait_for_server to wait for Falco to come up instead)");
            let error = Error::rewording(error, message);
            let _ = tx.send(Err(error)).await;
            return;
        }
        if !client.options.reconnect {
            let message =
                format!("{error} (Options::reconnect is false: the subscription ends at its first disconnection)");
            let _ = tx.send(Err(Error::rewording(error, message))).await;
            return;
        }
        let delay = match client.options.backoff.delay(failures.max(1)) {
            Some(_) if at_once => std::time::Duration::ZERO, // Falco listens again within a few hundred ms
            Some(delay) => delay,
            None => {
                let error = Error::new(
                    ErrorCode::Unavailable,
                    format!("gave up after {failures} failed attempts: {error}"),
                )
                .caused_by(error);
                let _ = tx.send(Err(error)).await;
                return;
            }
        };
        emitter.emit(StatusEvent::Reconnecting {
            attempt: failures.max(1),
            delay,
            error: Some(error),
        });
        tokio::select! {
            _ = tokio::time::sleep(delay) => {}
            _ = tx.closed() => return,
        }
        status.lock().unwrap().reconnects += 1;
    }
}
