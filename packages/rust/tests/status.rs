//! Status events through a reload, and a hung Falco (a paused server) caught by the liveness check.

use falco_sdk::testkit::Server;
use falco_sdk::{Client, Options, StatusEvent};
use serde_json::json;
use std::sync::mpsc;
use std::time::Duration;
use tokio_stream::StreamExt;

fn watched(server: &Server, liveness: Duration) -> (Client, mpsc::Receiver<StatusEvent>) {
    let (tx, rx) = mpsc::channel();
    let tx = std::sync::Mutex::new(tx);
    let mut options = Options::default()
        .with_endpoint(server.endpoint.clone())
        .with_on_status(move |e| {
            let _ = tx.lock().unwrap().send(e.clone());
        });
    options.liveness_timeout = liveness;
    options.backoff.initial_delay = Duration::from_millis(50);
    options.backoff.max_delay = Duration::from_millis(200);
    (Client::new(options).unwrap(), rx)
}

/// The next event named `name` (blocking: the events come from the subscription's task).
fn next(events: &mpsc::Receiver<StatusEvent>, name: &str) -> StatusEvent {
    loop {
        let event = events.recv().expect("events ended");
        if event.name() == name {
            return event;
        }
        assert_ne!(event.name(), "closed", "no {name} event");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn status_events_through_a_reload() {
    for kind in ["node", "ccore"] {
        let mut server = Server::start(kind, "unix");
        let (client, events) = watched(&server, Duration::from_secs(30));
        let mut sub = client.subscribe();
        let first = events.recv().unwrap();
        assert_eq!(first.to_string(), format!("connecting endpoint={}", server.endpoint));
        server.emit(1);
        sub.next().await.unwrap().unwrap();
        next(&events, "connected");
        server.send(json!({"cmd": "waitSubscribers", "n": 1}));
        server.cmd("reload");
        let disconnected = next(&events, "disconnected").to_string();
        assert!(disconnected.contains("stopping or reloading"), "{kind}: {disconnected}");
        let reconnecting = next(&events, "reconnecting");
        assert!(
            reconnecting
                .to_string()
                .starts_with("reconnecting attempt=1 delayMs=0 "),
            "{kind}: {reconnecting}"
        );
        next(&events, "connected");
        let later = server.emit(1);
        assert_eq!(sub.next().await.unwrap().unwrap().to_json(), later[0]);
        drop(sub);
        let rest: Vec<StatusEvent> = events.try_iter().collect();
        assert_eq!(rest.last().map(StatusEvent::name), Some("closed"), "{kind}: {rest:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hung_falco_is_detected() {
    for kind in ["node", "ccore"] {
        let mut server = Server::start(kind, "unix");
        // A window well above a loaded machine's latency: a version call
        // unanswered for 1 s means the server is paused, not slow.
        let (client, events) = watched(&server, Duration::from_secs(2));
        let mut sub = client.subscribe();
        server.emit(1);
        sub.next().await.unwrap().unwrap();
        while events.try_recv().is_ok() {} // what came before the pause
        server.cmd("pause");
        let disconnected = tokio::task::spawn_blocking(move || (next(&events, "disconnected"), events))
            .await
            .unwrap();
        match &disconnected.0 {
            StatusEvent::Disconnected {
                error,
                alerts_may_have_been_lost,
                ..
            } => {
                assert!(error.is_hung(), "{kind}: {error}");
                assert!(*alerts_may_have_been_lost);
            }
            other => panic!("{other:?}"),
        }
        assert!(disconnected
            .0
            .to_string()
            .starts_with("disconnected alertsMayHaveBeenLost=true possibleLosses=1 error="));
        server.cmd("resume");
        let later = server.emit(1);
        assert_eq!(sub.next().await.unwrap().unwrap().to_json(), later[0], "{kind}");
    }
}
