//! One `sub` call on a connection of its own: polls, a liveness check, a starvation watch.

use crate::alert::Alert;
use crate::client::Client;
use crate::error::{Error, ErrorCode};
use crate::goaway_drain::{goaway_seen, Drain};
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
    let connection = match client.connect().await {
        Ok(connection) => connection,
        Err(error) => {
            return End::Broke {
                established: false,
                error,
            }
        }
    };
    let _guard = KillOnDrop(connection.switch.clone());
    let channel = connection.channel.clone();
    if let Err(error) = probe(client, &channel).await {
        // A call that failed because the TLS did says why.
        let error = match error.status() {
            Some(status) if error.code == ErrorCode::Unavailable => client.describe_on(&connection, status),
            _ => error,
        };
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
    let draining = || *connection.goaway.borrow();
    let liveness = async {
        let mut ticker = tokio::time::interval(client.options.liveness_timeout / 4);
        ticker.tick().await;
        loop {
            ticker.tick().await;
            if draining() {
                // After Falco's GOAWAY the connection takes no new calls: the grace timer ends the stream.
                std::future::pending::<()>().await;
            }
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
            // After Falco's GOAWAY, never poll: Falco would pop an alert for the request and discard it.
            if buffered() < limit && !draining() && poll_tx.try_send(outputs::Request {}).is_ok() {
                starvation.sent.fetch_add(1, Ordering::Relaxed);
            }
        }
    };
    let reader = async {
        let mut grpc = outputs::service_client::ServiceClient::new(channel.clone());
        let mut drain = Drain::new(client.options.poll_interval);
        let mut goaway = connection.goaway.clone();
        // Falco sends the response headers with its first alert: a call whose polls found the
        // queue empty has none yet when a stop or reload begins, and Falco then waits for a
        // request we will not send. The grace period covers this wait as well.
        let call = grpc.sub(tokio_stream::wrappers::ReceiverStream::new(poll_rx));
        tokio::pin!(call);
        let response = loop {
            tokio::select! {
                biased;
                response = &mut call => break response,
                _ = goaway_seen(&mut goaway), if !drain.draining => drain.start(),
                _ = drain.grace(), if drain.draining => {
                    // Nothing was written on the call, so nothing was popped for it.
                    connection.switch.kill();
                    return End::FalcoStop { may_have_lost: false };
                }
            }
        };
        let mut stream = match response {
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
            let next = tokio::select! {
                biased;
                next = stream.message() => next,
                // Falco's GOAWAY: read on whatever the consumer does (Falco's stop never waits on it).
                _ = goaway_seen(&mut goaway), if !drain.draining => {
                    drain.start();
                    continue;
                }
                // Silent for a grace period after the GOAWAY: Falco waits for a request that
                // will not come and popped nothing (unless it wrote past the limit).
                _ = drain.grace(), if drain.draining => {
                    // Ends the call now (the connection is this call's), not once the
                    // consumer has taken what is held: Falco's stop must not wait on it.
                    drop(stream);
                    connection.switch.kill();
                    let may_have_lost = drain.over_limit;
                    return match drain.flush(tx).await {
                        true => End::FalcoStop { may_have_lost },
                        false => End::Closed,
                    };
                }
            };
            match next {
                Ok(Some(message)) => {
                    established = true;
                    starvation.sub_delivered();
                    {
                        let mut st = status.lock().unwrap();
                        st.connected = true;
                        st.received += 1;
                    }
                    quiet.store(0, Ordering::Relaxed);
                    let alert = Ok(Alert::from(message));
                    if drain.draining {
                        drain.received();
                        if !drain.keep(alert, tx) {
                            return End::Closed;
                        }
                        continue;
                    }
                    // Before the GOAWAY: at 4 x limit wait for the consumer (flow control holds
                    // Falco back), unless the GOAWAY comes meanwhile.
                    let permit = tokio::select! {
                        permit = tx.reserve() => permit,
                        _ = goaway_seen(&mut goaway) => {
                            drain.start();
                            if !drain.keep(alert, tx) {
                                return End::Closed;
                            }
                            continue;
                        }
                    };
                    match permit {
                        Ok(permit) => permit.send(alert),
                        Err(_) => return End::Closed,
                    }
                    poke.notify_one(); // alerts flow: ask again at once
                }
                // Falco ended the call with OK: its stop or reload. Falco pops one more alert
                // after the write in flight when its stop began (or one for a request it reads
                // while stopping), and discards it. At most one alert per stream.
                Ok(None) => {
                    return match drain.flush(tx).await {
                        true => End::FalcoStop { may_have_lost: true },
                        false => End::Closed,
                    };
                }
                Err(s) => {
                    if !drain.flush(tx).await {
                        return End::Closed;
                    }
                    return End::Broke {
                        established,
                        error: client.describe_on(&connection, &s),
                    };
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
