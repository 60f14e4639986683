//! What needs no server: errors before any Falco answers, and the protoc-encoded vectors.

use falco_sdk::proto::{outputs, version};
use falco_sdk::testkit::repo_root;
use falco_sdk::{Alert, Backoff, Client, ErrorCode, Options};
use prost::Message;
use serde_json::json;
use std::time::Duration;
use tokio_stream::StreamExt;

fn vector(name: &str) -> Vec<u8> {
    std::fs::read(repo_root().join("packages/proto/vectors").join(format!("{name}.bin"))).unwrap()
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
        ("plugin", "Debug", "old-host")
    );
    assert_eq!(legacy.time_rfc3339(), "2020-09-13T12:26:40.000000000Z");
    let zero = Alert::from(outputs::Response::decode(vector("response-zero").as_slice()).unwrap());
    assert_eq!(
        (zero.priority, zero.source.as_str(), zero.rule.as_str()),
        ("Emergency", "syscall", "Zero")
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
    let client = Client::new(Options {
        endpoint: Some(endpoint.clone()),
        backoff: Backoff {
            initial_delay: Duration::from_millis(1),
            max_attempts: Some(2),
            ..Backoff::default()
        },
        ..Options::default()
    })
    .unwrap();
    let error = client.version().await.unwrap_err();
    assert_eq!(error.code, ErrorCode::Unavailable);
    assert!(
        error.to_string().contains(&format!("cannot reach Falco at {endpoint}")),
        "{error}"
    );
    let error = client.subscribe().next().await.unwrap().unwrap_err();
    assert!(error.to_string().contains("gave up after 3 failed attempts"), "{error}");
}

#[test]
fn configuration_errors() {
    for (endpoint, want) in [
        ("127.0.0.1:5060", "mutual TLS"),
        ("http://127.0.0.1:5060", "plaintext TCP"),
        ("unix:relative.sock", "absolute path"),
        ("nonsense", "cannot read endpoint"),
    ] {
        let error = Client::new(Options {
            endpoint: Some(endpoint.into()),
            ..Options::default()
        })
        .err()
        .unwrap();
        assert_eq!(error.code, ErrorCode::Configuration);
        assert!(error.to_string().contains(want), "{endpoint}: {error}");
    }
}
