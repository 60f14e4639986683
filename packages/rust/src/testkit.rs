//! This repository's Falco test servers (Node, and one on gRPC's C core) for
//! tests, through packages/testing's falco-test-launcher: a unix socket or
//! mutual TLS, fixture alerts, stop, crash, restart, reload. Needs the
//! repository built (npm test, or pnpm build) and Node on PATH. Feature `testkit`.

use crate::{Backoff, Client, Options, Tls};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::Duration;

/// Every (kind, transport) the tests run against.
pub const SERVERS: [(&str, &str); 4] = [("node", "unix"), ("node", "mtls"), ("ccore", "unix"), ("ccore", "mtls")];

/// The repository root above the current directory (the one holding packages/testing).
pub fn repo_root() -> PathBuf {
    let mut dir = std::env::current_dir().expect("current directory");
    loop {
        if dir.join("packages/testing/package.json").exists() {
            return dir;
        }
        assert!(
            dir.pop(),
            "not inside the falco-sdk repository (no packages/testing above the working directory)"
        );
    }
}

/// One running test server; stopped when dropped.
pub struct Server {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
    /// `unix:///path` or `127.0.0.1:PORT`.
    pub endpoint: String,
    /// File paths `ca`, `cert`, `key`, `rogueCa`, `rogueCert`, `rogueKey` (mtls only).
    pub pki: Option<Value>,
}

impl Server {
    /// Starts a server of kind "node" or "ccore" on transport "unix" or "mtls".
    pub fn start(kind: &str, transport: &str) -> Server {
        let script = repo_root().join("packages/testing/dist/launcher.js");
        assert!(
            script.exists(),
            "{} is missing: build first (npm test, or pnpm build)",
            script.display()
        );
        let mut child = Command::new("node")
            .arg(&script)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("node (falco-test-launcher)");
        let stdin = child.stdin.take();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let mut server = Server {
            child,
            stdin,
            stdout,
            endpoint: String::new(),
            pki: None,
        };
        let reply = server.send(json!({"cmd": "start", "kind": kind, "transport": transport}));
        server.endpoint = reply["endpoint"].as_str().unwrap().to_string();
        server.pki = reply.get("pki").cloned();
        server
    }

    /// Sends one launcher command (`{"cmd": ...}`) and returns its reply; panics when it failed.
    pub fn send(&mut self, command: Value) -> Value {
        let stdin = self.stdin.as_mut().unwrap();
        writeln!(stdin, "{command}")
            .and_then(|_| stdin.flush())
            .expect("launcher stdin");
        let mut line = String::new();
        self.stdout.read_line(&mut line).expect("launcher stdout");
        assert!(!line.is_empty(), "the launcher exited during {command}");
        let reply: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(reply["ok"], true, "launcher {command}: {}", reply["error"]);
        reply
    }

    /// Sends a command without arguments: "stop", "crash", "restart", "reload", "stats".
    pub fn cmd(&mut self, name: &str) -> Value {
        self.send(json!({ "cmd": name }))
    }

    /// Queues `count` fixture alerts; returns them as Falco JSON documents.
    pub fn emit(&mut self, count: usize) -> Vec<Value> {
        let reply = self.send(json!({"cmd": "emit", "count": count}));
        reply["alerts"].as_array().unwrap().clone()
    }

    /// The path of one PKI file (mtls only).
    pub fn pki_file(&self, name: &str) -> Option<PathBuf> {
        self.pki.as_ref().map(|p| PathBuf::from(p[name].as_str().unwrap()))
    }

    /// Client TLS material: the server's CA and the client pair, or the rogue pair (another CA).
    pub fn tls(&self, rogue: bool) -> Option<Tls> {
        let (cert, key) = if rogue {
            ("rogueCert", "rogueKey")
        } else {
            ("cert", "key")
        };
        Some(Tls {
            ca: self.pki_file("ca")?,
            cert: self.pki_file(cert)?,
            key: self.pki_file(key)?,
            server_name: None,
        })
    }

    /// A client of this server with short reconnection delays.
    pub fn client(&self) -> Client {
        Client::new(Options {
            endpoint: Some(self.endpoint.clone()),
            tls: self.tls(false),
            backoff: Backoff {
                initial_delay: Duration::from_millis(50),
                max_delay: Duration::from_millis(500),
                ..Backoff::default()
            },
            ..Options::default()
        })
        .expect("client options")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        drop(self.stdin.take()); // the launcher stops its server and exits
        let _ = self.child.wait();
    }
}
