//! The example as a user runs it, against every test server.

use falco_sdk::testkit::{Server, SERVERS};
use serde_json::Value;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_rust-consumer");

#[test]
fn prints_count_alerts_as_falco_json() {
    for (kind, transport) in SERVERS {
        let mut server = Server::start(kind, transport);
        let expected = server.emit(3);
        let mut cmd = Command::new(BIN);
        cmd.args(["--endpoint", &server.endpoint, "--count", "3"]);
        if server.pki.is_some() {
            for (flag, file) in [("--ca", "ca"), ("--cert", "cert"), ("--key", "key")] {
                cmd.arg(flag).arg(server.pki_file(file).unwrap());
            }
        }
        let out = cmd.output().unwrap();
        assert!(
            out.status.success(),
            "{kind}-{transport}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let got: Vec<Value> = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(got, expected, "{kind}-{transport}");
    }
}

#[test]
fn unreachable_falco_exits_1_naming_the_endpoint() {
    let endpoint = format!(
        "unix://{}/no-falco-{}.sock",
        std::env::temp_dir().display(),
        std::process::id()
    );
    let out = Command::new(BIN)
        .args(["--endpoint", &endpoint, "--count", "1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("cannot reach Falco at {endpoint}")),
        "{stderr}"
    );
}

#[test]
fn tcp_without_certificates_is_a_usage_error() {
    let out = Command::new(BIN)
        .args(["--endpoint", "127.0.0.1:5060"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("give --ca, --cert and --key"));
}
