//! What needs no server: errors before any Falco answers, and the protoc-encoded vectors.

use falco_sdk::proto::{outputs, version};
use falco_sdk::testkit::repo_root;
use falco_sdk::{Alert, Client, ErrorCode, Options, Priority};
use prost::Message;
use serde_json::json;
use std::time::Duration;
use tokio_stream::StreamExt;

fn vector(name: &str) -> Vec<u8> {
    let root = repo_root(&std::env::current_dir().unwrap()).expect("inside the falco-sdk repository");
    std::fs::read(root.join("packages/proto/vectors").join(format!("{name}.bin"))).unwrap()
}

#[test]
fn full_response() {
    let alert = Alert::from(outputs::Response::decode(vector("response-full").as_slice()).unwrap());
    assert_eq!(
        alert.to_json(),
        json!({
            "hostname": "web-1",
            "output": "23:29:32.918828894: Warning A shell was spawned in a container with an attached terminal (user=root container_id=bfb9637a47a6)",
            "output_fields": {
                "container.id": "bfb9637a47a6",
                "evt.time": "1651447772918828894",
                "user.loginuid": "0",
                "container.image.repository": "<NA>",
                "proc.cmdline": "bash -il \"x=1\" ünïcødé",
            },
            "priority": "Warning",
            "rule": "Terminal shell in container",
            "source": "k8s_audit",
            "tags": ["container", "mitre_execution", "shell"],
            "time": "2022-05-01T23:29:32.918828894Z",
        })
    );
}

#[test]
fn legacy_and_zero_responses() {
    let legacy = Alert::from(outputs::Response::decode(vector("response-legacy").as_slice()).unwrap());
    assert_eq!(
        (legacy.source.as_str(), legacy.priority, legacy.hostname.as_str()),
        ("plugin", Priority::Debug, "old-host")
    );
    assert_eq!(legacy.time_rfc3339(), "2020-09-13T12:26:40.000000000Z");
    let zero = Alert::from(outputs::Response::decode(vector("response-zero").as_slice()).unwrap());
    assert_eq!(
        (zero.priority, zero.source.as_str(), zero.rule.as_str()),
        (Priority::Emergency, "syscall", "Zero")
    );
}

#[test]
fn version_response() {
    let v = version::Response::decode(vector("version-full").as_slice()).unwrap();
    assert_eq!(v.version, "0.43.1-rc2+abc123");
    assert_eq!((v.engine_major, v.engine_minor, v.engine_patch), (0, 50, 2));
    assert_eq!(v.engine_version, "0.50.2");
}

#[tokio::test]
async fn missing_socket_names_the_endpoint() {
    let dir = std::env::temp_dir().join(format!("falco-sdk-rs-{}", std::process::id()));
    let endpoint = format!("unix://{}/falco.sock", dir.display());
    let mut options = Options::default().with_endpoint(endpoint.clone());
    options.backoff.initial_delay = Duration::from_millis(1);
    options.backoff.max_attempts = Some(2);
    let client = Client::new(options.clone()).unwrap();
    let error = client.version().await.unwrap_err();
    assert_eq!(error.code, ErrorCode::Unavailable);
    // The cause is kept: the transport error, below it the I/O error of the missing socket.
    let mut sources = Vec::new();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        sources.push(cause);
        source = cause.source();
    }
    assert!(
        sources.iter().any(|c| c.downcast_ref::<std::io::Error>().is_some()),
        "{sources:?}"
    );
    assert!(
        error.to_string().contains(&format!("cannot reach Falco at {endpoint}")),
        "{error}"
    );
    // Without wait_for_server (the default) the first failure ends the subscription, naming the option.
    let mut alerts = client.subscribe();
    let error = alerts.next().await.unwrap().unwrap_err();
    assert_eq!(error.code, ErrorCode::Unavailable);
    assert!(
        error.to_string().contains(&format!("cannot reach Falco at {endpoint}")),
        "{error}"
    );
    assert!(error.to_string().contains("set Options::wait_for_server"), "{error}");
    assert!(alerts.next().await.is_none());
    options.wait_for_server = true;
    let error = Client::new(options)
        .unwrap()
        .subscribe()
        .next()
        .await
        .unwrap()
        .unwrap_err();
    assert!(error.to_string().contains("gave up after 3 failed attempts"), "{error}");
}

#[test]
fn a_missing_tls_file_keeps_its_io_error() {
    let options = Options::default()
        .with_endpoint("127.0.0.1:5060")
        .with_tls(falco_sdk::Tls::new("/nonexistent/ca.crt", "c", "k"));
    let error = Client::new(options).err().unwrap();
    let io = std::error::Error::source(&error).and_then(|e| e.downcast_ref::<std::io::Error>());
    assert_eq!(io.map(|e| e.kind()), Some(std::io::ErrorKind::NotFound), "{error}");
}

#[test]
fn priorities_and_times() {
    assert_eq!("Warning".parse::<Priority>(), Ok(Priority::Warning));
    assert!("loud"
        .parse::<Priority>()
        .unwrap_err()
        .to_string()
        .contains("unknown priority"));
    let before_1970 = Alert::from(outputs::Response {
        time: Some(prost_types::Timestamp { seconds: -1, nanos: 5 }),
        ..outputs::Response::default()
    });
    assert_eq!(before_1970.time_rfc3339(), "1969-12-31T23:59:59.000000005Z");
}

#[test]
fn configuration_errors() {
    for (endpoint, want) in [
        ("127.0.0.1:5060", "mutual TLS"),
        ("http://127.0.0.1:5060", "plaintext TCP"),
        ("unix:relative.sock", "absolute path"),
        ("nonsense", "cannot read endpoint"),
    ] {
        let error = Client::new(Options::default().with_endpoint(endpoint)).err().unwrap();
        assert_eq!(error.code, ErrorCode::Configuration);
        assert!(error.to_string().contains(want), "{endpoint}: {error}");
    }
}
