//! A `sub` call Falco accepted but does not serve (its slots are full), told
//! from one with nothing to deliver; the queued alerts fetched with `get` meanwhile.

use crate::alert::Alert;
use crate::client::Client;
use crate::error::{Error, ErrorCode};
use crate::proto::outputs;
use crate::status::{Emitter, StatusEvent};
use crate::subscription::Status;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, watch};

/// Falco arms `grpc.threadiness x 10` calls per method; calls beyond wait,
/// unanswered, for a slot (stale calls of crashed clients hold them,
/// falco#1268) while `version` and `get` (pools of their own) still answer.
/// Falco sends nothing on `sub` when its queue is empty either, so silence
/// alone says nothing. When the `sub` call has been silent for a liveness check
/// period although it was polled, a `get` drains Falco's queue: alerts found
/// there were not taken by our polls. Two such finds in a row, with nothing on
/// `sub` in between, mean the call is starved (one find may be alerts that
/// arrived just after a poll). While starved, `get` runs at every poll, so the
/// queued alerts are delivered all the same; the first alert on `sub` ends it.
/// Alerts `get` takes are delivered like the others: nothing is lost to a probe.
/// The TypeScript client's StarvationWatch.
pub(crate) struct Starvation<'a> {
    client: &'a Client,
    status: &'a Mutex<Status>,
    emitter: &'a Emitter,
    quiet: Duration,
    /// Polls sent on `sub`.
    pub(crate) sent: AtomicU64,
    state: Mutex<State>,
    /// True while a `get` runs.
    fetching: watch::Sender<bool>,
}

struct State {
    sub_active_at: Instant,
    sent_at_activity: u64,
    checked_at: Instant,
    finds: u32,
    starved: bool,
    closed: bool,
}

impl<'a> Starvation<'a> {
    pub(crate) fn new(client: &'a Client, status: &'a Mutex<Status>, emitter: &'a Emitter) -> Self {
        let now = Instant::now();
        Starvation {
            client,
            status,
            emitter,
            quiet: client.options.liveness_timeout / 4,
            sent: AtomicU64::new(0),
            state: Mutex::new(State {
                sub_active_at: now,
                sent_at_activity: 0,
                checked_at: now,
                finds: 0,
                starved: false,
                closed: false,
            }),
            fetching: watch::Sender::new(false),
        }
    }

    /// An alert arrived on `sub`: the call is served (`Connected` again after `Starved`).
    pub(crate) fn sub_delivered(&self) {
        let mut state = self.state.lock().unwrap();
        state.sub_active_at = Instant::now();
        state.sent_at_activity = self.sent.load(Ordering::Relaxed);
        state.finds = 0;
        if state.starved {
            state.starved = false;
            self.status.lock().unwrap().starved = false;
            self.emitter.emit(StatusEvent::Connected {
                endpoint: self.client.endpoint.to_string(),
            });
        }
    }

    /// Starts no more `get` calls and waits until none runs (what they took is sent by then).
    pub(crate) async fn close(&self) {
        self.state.lock().unwrap().closed = true;
        let mut fetching = self.fetching.subscribe();
        let _ = fetching.wait_for(|running| !running).await;
    }

    /// Runs every poll interval for the life of the `sub` call: while starved,
    /// a `get` at every poll; else, once per liveness check period, a `get`
    /// probe of a silent, polled `sub` call. `may_fetch` is false while the
    /// consumer lags. Never ends.
    pub(crate) async fn run(
        &self,
        channel: &tonic::transport::Channel,
        tx: &mpsc::Sender<Result<Alert, Error>>,
        on_alert: impl Fn(),
        may_fetch: impl Fn() -> bool,
    ) {
        let mut ticker = tokio::time::interval(self.client.options.poll_interval);
        loop {
            ticker.tick().await;
            let probe_since = {
                let mut state = self.state.lock().unwrap();
                let now = Instant::now();
                if state.closed || !may_fetch() {
                    continue;
                }
                let probe = if state.starved {
                    None
                } else if now.duration_since(state.checked_at) >= self.quiet
                    && now.duration_since(state.sub_active_at) >= self.quiet
                    && self.sent.load(Ordering::Relaxed) - state.sent_at_activity >= 2
                {
                    state.checked_at = now;
                    Some(state.sub_active_at)
                } else {
                    continue;
                };
                self.fetching.send_replace(true); // under the lock: close() waits for it
                probe
            };
            let found = drain_with_get(channel, tx, &on_alert).await;
            let mut state = self.state.lock().unwrap();
            self.fetching.send_replace(false);
            let Some(active_before) = probe_since else { continue };
            if found == 0 || state.sub_active_at != active_before {
                continue;
            }
            state.finds += 1;
            if state.finds >= 2 && !state.starved {
                state.starved = true;
                self.status.lock().unwrap().starved = true;
                self.emitter.emit(StatusEvent::Starved {
                    error: starved_error(self.client),
                });
            }
        }
    }
}

/// One `get`, each alert sent on as it comes; how many. A failed `get` says
/// nothing about the `sub` call (the liveness check watches the connection).
async fn drain_with_get(
    channel: &tonic::transport::Channel,
    tx: &mpsc::Sender<Result<Alert, Error>>,
    on_alert: &impl Fn(),
) -> usize {
    let mut grpc = outputs::service_client::ServiceClient::new(channel.clone());
    let Ok(response) = grpc.get(outputs::Request {}).await else {
        return 0;
    };
    let mut stream = response.into_inner();
    let mut found = 0;
    while let Ok(Some(message)) = stream.message().await {
        found += 1;
        on_alert();
        // Past the channel's capacity this waits, and flow control holds Falco's `get`.
        if tx.send(Ok(Alert::from(message))).await.is_err() {
            break;
        }
    }
    found
}

fn starved_error(client: &Client) -> Error {
    Error::new(
        ErrorCode::SubSlotsFull,
        format!(
            "{} accepts the alert subscription but does not serve it: all of Falco's sub slots \
             (grpc.threadiness x 10) are taken, usually by stale subscribers of crashed or restarted \
             clients. Stop the other subscribers or restart Falco to free the slots, or raise \
             grpc.threadiness in falco.yaml. Meanwhile alerts are fetched with get at every poll.",
            client.endpoint
        ),
    )
}
