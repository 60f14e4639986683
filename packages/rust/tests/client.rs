//! Client against the Node and C-core test servers, over a unix socket and mutual TLS.

use falco_sdk::testkit::{Server, SERVERS};
use falco_sdk::{Client, ErrorCode, Options, Subscription, TlsReason};
use serde_json::{json, Value};
use tokio_stream::StreamExt;

async fn take(sub: &mut Subscription, n: usize) -> Vec<Value> {
    let mut out = Vec::new();
    while out.len() < n {
        let alert = sub.next().await.expect("subscription ended").expect("alert");
        out.push(alert.to_json());
    }
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn version() {
    for (kind, transport) in SERVERS {
        let server = Server::start(kind, transport);
        let answer = server.client().version().await.unwrap();
        assert_eq!(
            (answer.major, answer.minor, answer.version.as_str()),
            (0, 43, "0.43.1"),
            "{kind}-{transport}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn get_drains_the_queue_as_falco_json() {
    for (kind, transport) in SERVERS {
        let mut server = Server::start(kind, transport);
        let expected = server.emit(5);
        let client = server.client();
        assert_eq!(get_all(&client).await, expected, "{kind}-{transport}");
        assert!(get_all(&client).await.is_empty(), "{kind}-{transport}: drained");
    }
}

async fn get_all(client: &Client) -> Vec<Value> {
    let mut out = Vec::new();
    let mut alerts = client.get().await.unwrap();
    while let Some(alert) = alerts.next().await {
        out.push(alert.unwrap().to_json());
    }
    out
}

/// `get` yields each alert as it comes: dropping the stream after the first ends
/// the call, and the next `get` drains what Falco had not sent yet.
#[tokio::test(flavor = "multi_thread")]
async fn get_streams_and_dropping_it_ends_the_call() {
    let mut server = Server::start("node", "unix");
    let n = 3000; // more than HTTP/2's windows hold: Falco is still writing when we drop
    let expected = server.emit(n);
    let client = server.client();
    let mut alerts = client.get().await.unwrap();
    let first = alerts.next().await.unwrap().unwrap().to_json();
    assert_eq!(first, expected[0]);
    drop(alerts);
    let rest = get_all(&client).await;
    assert!(
        !rest.is_empty() && rest.len() < n - 1 && rest.last() == expected.last(),
        "after the drop: {} of {n} left",
        rest.len()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn subscribe_polls_and_delivers_in_order() {
    for (kind, transport) in SERVERS {
        let mut server = Server::start(kind, transport);
        let mut expected = server.emit(3);
        let mut sub = server.client().subscribe();
        let mut got = take(&mut sub, 3).await;
        server.send(json!({"cmd": "waitSubscribers", "n": 1}));
        expected.extend(server.emit(4)); // only reach us if we keep polling
        got.extend(take(&mut sub, 4).await);
        assert_eq!(got, expected, "{kind}-{transport}");
        assert_eq!(sub.status().received, 7);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn subscribe_reconnects_across_a_restart() {
    for (kind, transport) in SERVERS {
        let mut server = Server::start(kind, transport);
        let mut sub = server.client().subscribe();
        let first = server.emit(2);
        assert_eq!(take(&mut sub, 2).await, first, "{kind}-{transport}");
        server.cmd("reload"); // Falco's stop ends our polling stream with OK, then it listens again
        let second = server.emit(3);
        assert_eq!(take(&mut sub, 3).await, second, "{kind}-{transport}");
        let status = sub.status();
        assert_eq!(status.falco_stops, 1, "{kind}-{transport}: {status:?}");
        assert!(status.reconnects >= 1);
        assert_eq!(server.cmd("stats")["dropped"], 0);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn subscribe_counts_a_crash() {
    for (kind, transport) in SERVERS {
        let mut server = Server::start(kind, transport);
        let mut sub = server.client().subscribe();
        server.emit(1);
        take(&mut sub, 1).await;
        server.cmd("crash");
        server.cmd("restart");
        let later = server.emit(2);
        assert_eq!(take(&mut sub, 2).await, later, "{kind}-{transport}");
        assert_eq!(sub.status().interruptions, 1, "{kind}-{transport}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn dropping_cancels_the_call_so_falco_can_stop() {
    for (kind, transport) in SERVERS {
        let mut server = Server::start(kind, transport);
        let mut sub = server.client().subscribe();
        server.emit(1);
        take(&mut sub, 1).await;
        server.send(json!({"cmd": "waitSubscribers", "n": 1}));
        sub.close();
        server.cmd("stop"); // fails (timeout) if a subscriber was left open
        assert_eq!(server.cmd("stats")["subscribers"], 0, "{kind}-{transport}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn rogue_client_certificate_is_refused() {
    for kind in ["node", "ccore"] {
        let server = Server::start(kind, "mtls");
        let mut options = Options::default().with_endpoint(server.endpoint.clone());
        options.tls = server.tls(true);
        let client = Client::new(options).unwrap();
        let error = client.version().await.unwrap_err();
        assert_eq!(error.code, ErrorCode::Tls, "{kind}: {error}");
        assert_eq!(
            error.tls_reason(),
            Some(TlsReason::ClientCertRefused),
            "{kind}: {error}"
        );
        assert!(std::error::Error::source(&error).is_some(), "{kind}: the cause is kept");
        assert!(error.to_string().contains(&server.endpoint), "{error}");
    }
}
