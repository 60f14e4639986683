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

/// Status events on stderr, and exit 1 once Falco stays hung past the liveness window.
#[test]
fn prints_status_and_exits_1_when_falco_hangs() {
    use std::io::BufRead;
    for kind in ["node", "ccore"] {
        let mut server = Server::start(kind, "unix");
        let mut child = Command::new(BIN)
            .args(["--endpoint", &server.endpoint, "--liveness-timeout", "2s"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        server.emit(1);
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap(); // the alert: connected
        assert!(!line.is_empty(), "{kind}");
        server.cmd("pause");
        let out = child.wait_with_output().unwrap();
        server.cmd("resume");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{kind}: {stderr}");
        let lines: Vec<&str> = stderr.lines().collect();
        let endpoint = &server.endpoint;
        assert_eq!(
            lines[..2],
            [
                format!("status: connecting endpoint={endpoint}"),
                format!("status: connected endpoint={endpoint}")
            ],
            "{kind}: {stderr}"
        );
        assert!(
            lines[2].starts_with("status: disconnected alertsMayHaveBeenLost=true possibleLosses=1 error="),
            "{kind}: {stderr}"
        );
        assert!(
            stderr.contains(&format!(
                "rust-consumer: Falco at {endpoint} did not answer a liveness check within 1s: it is hung or \
                 unreachable; exiting (Falco stayed hung past --liveness-timeout 2s)"
            )),
            "{kind}: {stderr}"
        );
    }
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
