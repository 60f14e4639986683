//! One `sub` call on a connection of its own: polls, a liveness check, a starvation watch.

use crate::alert::Alert;
use crate::client::Client;
use crate::error::{Error, ErrorCode};
use crate::proto::{outputs, version};
use crate::starvation::Starvation;
use crate::status::{Emitter, StatusEvent};
use crate::subscription::{End, Status};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Mutex;
use tokio::sync::{mpsc, Notify};

/// Kills the connection when dropped: on every way out of `stream`, aborts included.
pub(crate) struct KillOnDrop(pub(crate) crate::io::KillSwitch);
impl Drop for KillOnDrop {
    fn drop(&mut self) {
        self.0.kill();
    }
}

/// A `version` call within `liveness_timeout / 2`: Falco answers it from a pool of its own.
async fn probe(client: &Client, channel: &tonic::transport::Channel) -> Result<(), Error> {
    let half = client.options.liveness_timeout / 2;
    let mut versions = version::service_client::ServiceClient::new(channel.clone());
    match tokio::time::timeout(half, versions.version(version::Request {})).await {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(status)) => Err(client.describe(&status)),
        Err(_) => Err(Error::new(
            ErrorCode::Unavailable,
            format!(
                "Falco at {} did not answer a liveness check within {half:?}: it is hung or unreachable",
                client.endpoint
            ),
        )
        .hung()),
    }
}

pub(crate) async fn stream(
    client: &Client,
    tx: &mpsc::Sender<Result<Alert, Error>>,
    status: &Mutex<Status>,
    emitter: &Emitter,
) -> End {
    let (channel, switch) = match client.connect().await {
        Ok(connection) => connection,
        Err(error) => {
            return End::Broke {
                established: false,
                error,
            }
        }
    };
    let _guard = KillOnDrop(switch);
    if let Err(error) = probe(client, &channel).await {
        return End::Broke {
            established: false,
            error,
        };
    }
    status.lock().unwrap().connected = true;
    emitter.emit(StatusEvent::Connected {
        endpoint: client.endpoint.to_string(),
    });
    // Liveness periods since the last alert: 0 while alerts flow.
    let quiet = AtomicU32::new(0);
    let liveness = async {
        let mut ticker = tokio::time::interval(client.options.liveness_timeout / 4);
        ticker.tick().await;
        loop {
            ticker.tick().await;
            if quiet.fetch_add(1, Ordering::Relaxed) < 1 {
                continue;
            }
            if let Err(error) = probe(client, &channel).await {
                return error;
            }
        }
    };
    let limit = client.options.max_buffered_alerts;
    let starvation = Starvation::new(client, status, emitter);
    let capacity = tx.max_capacity();
    let buffered = || capacity - tx.capacity();
    // One pending poll at most: polls made while one is unsent collapse into it.
    // The sender outlives the call, so the request stream never ends (no half-close).
    let (poll_tx, poll_rx) = mpsc::channel::<outputs::Request>(1);
    let poke = Notify::new();
    let poller = async {
        let mut ticker = tokio::time::interval(client.options.poll_interval);
        loop {
            tokio::select! {
                _ = ticker.tick() => {}
                _ = poke.notified() => {}
            }
            if buffered() < limit && poll_tx.try_send(outputs::Request {}).is_ok() {
                starvation.sent.fetch_add(1, Ordering::Relaxed);
            }
        }
    };
    let reader = async {
        let mut grpc = outputs::service_client::ServiceClient::new(channel.clone());
        let mut stream = match grpc.sub(tokio_stream::wrappers::ReceiverStream::new(poll_rx)).await {
            Ok(response) => response.into_inner(),
            Err(s) if s.code() == tonic::Code::Ok => return End::FalcoStop { may_have_lost: true },
            Err(s) => {
                return End::Broke {
                    established: false,
                    error: client.describe(&s),
                }
            }
        };
        let mut established = false;
        loop {
            match stream.message().await {
                Ok(Some(message)) => {
                    established = true;
                    starvation.sub_delivered();
                    {
                        let mut st = status.lock().unwrap();
                        st.connected = true;
                        st.received += 1;
                    }
                    quiet.store(0, Ordering::Relaxed);
                    if tx.send(Ok(Alert::from(message))).await.is_err() {
                        return End::Closed;
                    }
                    poke.notify_one(); // alerts flow: ask again at once
                }
                // Falco ended the call with OK: its stop or reload. This client does not see
                // the GOAWAY before it, so it may have polled meanwhile; Falco pops one alert
                // for a request it reads while stopping, or after the write in flight when its
                // stop began, and discards it. At most one alert per stream.
                Ok(None) => return End::FalcoStop { may_have_lost: true },
                Err(s) => {
                    return End::Broke {
                        established,
                        error: client.describe(&s),
                    }
                }
            }
        }
    };
    let fetcher = starvation.run(
        &channel,
        tx,
        || {
            status.lock().unwrap().received += 1;
            quiet.store(0, Ordering::Relaxed);
        },
        || buffered() < limit,
    );
    let reader = async {
        let end = reader.await;
        starvation.close().await; // what a running get took comes before the end
        end
    };
    tokio::select! {
        end = reader => end,
        _ = fetcher => unreachable!("the fetcher never ends"),
        _ = poller => unreachable!("the poller never ends"),
        error = liveness => End::Broke { established: true, error },
        _ = tx.closed() => End::Closed,
    }
}
