//! A starved `sub`: Falco arms `grpc.threadiness x 10` `sub` calls; a call beyond is accepted
//! and never served while `version` still answers. The client must report a `starved` event,
//! deliver the queued alerts all the same (through `get`), and recover once a slot frees.

use falco_sdk::proto::outputs;
use falco_sdk::testkit::Server;
use falco_sdk::{Client, ErrorCode, Options, StatusEvent};
use hyper_util::rt::TokioIo;
use serde_json::json;
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio_stream::StreamExt;

/// A `sub` call that never polls, on a connection of its own: a crashed client's stale call.
/// Aborting the task closes its connection.
fn stale_subscriber(path: String) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let channel = tonic::transport::Endpoint::from_static("http://localhost")
            .connect_with_connector(tower::service_fn(move |_| {
                let path = path.clone();
                async move { Ok::<_, std::io::Error>(TokioIo::new(tokio::net::UnixStream::connect(path).await?)) }
            }))
            .await
            .expect("connect");
        let mut grpc = outputs::service_client::ServiceClient::new(channel);
        let _call = grpc.sub(tokio_stream::pending::<outputs::Request>()).await;
        std::future::pending::<()>().await;
    })
}

fn names(events: &Mutex<Vec<StatusEvent>>) -> Vec<&'static str> {
    events.lock().unwrap().iter().map(StatusEvent::name).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_starved_sub_is_reported_and_still_delivers() {
    for kind in ["node", "ccore"] {
        let mut server = Server::start_with(kind, "unix", json!({"threadiness": 1}));
        let path = server.endpoint.strip_prefix("unix://").unwrap().to_string();
        // Ten stale subscribers (crashed clients' calls) hold every sub slot.
        let stale: Vec<_> = (0..10).map(|_| stale_subscriber(path.clone())).collect();
        server.send(json!({"cmd": "waitSubscribers", "n": 10}));
        let mut want: Vec<String> = server.emit(20).iter().map(|a| a.to_string()).collect(); // queued

        let events = Arc::new(Mutex::new(Vec::new()));
        let recorded = events.clone();
        let mut options = Options::default()
            .with_endpoint(server.endpoint.clone())
            .with_on_status(move |e| recorded.lock().unwrap().push(e.clone()));
        // A window well above a loaded machine's latency: no false "hung".
        options.liveness_timeout = Duration::from_secs(2);
        let client = Client::new(options).unwrap();
        let mut sub = client.subscribe();
        let mut got = Vec::new();
        for _ in 0..20 {
            // The queued alerts arrive anyway (get).
            got.push(sub.next().await.unwrap().unwrap().to_json().to_string());
        }
        // Alerts keep coming: the client tells "not served" from "nothing to send".
        let starved = || names(&events).iter().position(|n| *n == "starved");
        while starved().is_none() {
            want.extend(server.emit(1).iter().map(|a| a.to_string()));
            got.push(sub.next().await.unwrap().unwrap().to_json().to_string());
        }
        let at = starved().unwrap();
        match &events.lock().unwrap()[at] {
            StatusEvent::Starved { error } => {
                assert_eq!(error.code, ErrorCode::SubSlotsFull, "{kind}");
                assert!(error.to_string().contains("grpc.threadiness"), "{kind}: {error}");
            }
            other => panic!("{other:?}"),
        }
        assert!(sub.status().starved, "{kind}");
        assert_eq!(names(&events)[..3], ["connecting", "connected", "starved"], "{kind}");

        stale[0].abort(); // a slot frees: the waiting sub call is served
        while !names(&events)[at..].contains(&"connected") {
            want.extend(server.emit(1).iter().map(|a| a.to_string()));
            got.push(sub.next().await.unwrap().unwrap().to_json().to_string());
        }
        assert!(!sub.status().starved, "{kind}");
        // Every alert exactly once, whichever call took it from Falco's queue.
        assert_eq!(got.len(), want.len(), "{kind}");
        assert_eq!(
            got.iter().collect::<BTreeSet<_>>(),
            want.iter().collect::<BTreeSet<_>>(),
            "{kind}"
        );
        assert!(
            !names(&events).contains(&"disconnected"),
            "{kind}: {:?}",
            names(&events)
        );
        drop(sub);
        stale.iter().for_each(|task| task.abort());
    }
}
