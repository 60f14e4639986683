//! The falco-sdk Falco test servers (Node, and one on gRPC's C core) for
//! tests, through @falco-sdk/testing's falco-test-launcher: a unix socket or
//! mutual TLS, fixture alerts, stop, crash, restart, reload. Needs Node on PATH
//! and the launcher, found as [`launcher`] says. Feature `testkit`.

use crate::{Backoff, Client, Options, Tls};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::Duration;

/// Every (kind, transport) the tests run against.
///
/// ```
/// for (kind, transport) in falco_sdk::testkit::SERVERS {
///     assert!(["node", "ccore"].contains(&kind) && ["unix", "mtls"].contains(&transport));
/// }
/// ```
pub const SERVERS: [(&str, &str); 4] = [("node", "unix"), ("node", "mtls"), ("ccore", "unix"), ("ccore", "mtls")];

/// The falco-sdk checkout at or above `dir` (the one holding packages/testing).
///
/// ```
/// assert!(falco_sdk::testkit::repo_root(std::path::Path::new("/")).is_none());
/// ```
pub fn repo_root(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .find(|d| d.join("packages/testing/package.json").exists())
        .map(Path::to_path_buf)
}

/// The command that runs falco-test-launcher, the first of: `$FALCO_TEST_LAUNCHER`
/// (its launcher.js, or an executable); the packages/testing/dist/launcher.js of a
/// falco-sdk checkout above the working directory or above this crate's source
/// (a clone used as a path or git dependency); `falco-test-launcher` on PATH
/// (`npm install @falco-sdk/testing` puts it in node_modules/.bin).
///
/// ```
/// let argv = falco_sdk::testkit::launcher().expect("a built clone, $FALCO_TEST_LAUNCHER, or PATH");
/// assert!(argv.last().unwrap().contains("launcher"));
/// ```
pub fn launcher() -> Result<Vec<String>, String> {
    find_launcher(
        std::env::var_os("FALCO_TEST_LAUNCHER"),
        std::env::current_dir().ok().as_deref(),
        Path::new(env!("CARGO_MANIFEST_DIR")),
        std::env::var_os("PATH"),
    )
}

/// [`launcher`] with its inputs: `$FALCO_TEST_LAUNCHER`, the working directory,
/// this crate's source directory, `$PATH`. A checkout without a build (cargo's
/// checkout of a git dependency holds the sources only) is passed over for PATH.
fn find_launcher(
    env: Option<std::ffi::OsString>,
    cwd: Option<&Path>,
    manifest_dir: &Path,
    path: Option<std::ffi::OsString>,
) -> Result<Vec<String>, String> {
    let command = |path: PathBuf| {
        let path = path.display().to_string();
        if path.ends_with(".js") {
            vec!["node".to_string(), path]
        } else {
            vec![path]
        }
    };
    if let Some(env) = env.filter(|v| !v.is_empty()) {
        let path = PathBuf::from(env);
        if !path.exists() {
            return Err(format!("FALCO_TEST_LAUNCHER={} does not exist", path.display()));
        }
        return Ok(command(path));
    }
    let roots = [cwd.and_then(repo_root), repo_root(manifest_dir)];
    let mut unbuilt: Option<PathBuf> = None;
    for root in roots.into_iter().flatten() {
        let js = root.join("packages/testing/dist/launcher.js");
        if js.exists() {
            return Ok(command(js));
        }
        unbuilt.get_or_insert(js);
    }
    let on_path = path.and_then(|p| {
        std::env::split_paths(&p)
            .map(|d| d.join("falco-test-launcher"))
            .find(|f| f.exists())
    });
    on_path.map(command).ok_or_else(|| match unbuilt {
        Some(js) => format!(
            "{} is missing: build the falco-sdk checkout first (npm test, or pnpm build), set \
             FALCO_TEST_LAUNCHER to the launcher.js of a built clone, or put falco-test-launcher \
             (npm install @falco-sdk/testing) on PATH",
            js.display()
        ),
        None => "falco-test-launcher not found: set FALCO_TEST_LAUNCHER to the launcher.js of a built falco-sdk clone \
                 (packages/testing/dist/launcher.js), or put falco-test-launcher (npm install @falco-sdk/testing) on PATH"
            .to_string(),
    })
}

/// One running test server; stopped when dropped.
///
/// ```
/// use falco_sdk::testkit::Server;
/// use tokio_stream::StreamExt;
/// let mut server = Server::start("node", "unix");
/// let sent = server.emit(2); // queued in the server, as in Falco's queue
/// let client = server.client();
/// let runtime = tokio::runtime::Runtime::new().unwrap();
/// let got: Vec<_> = runtime.block_on(async {
///     let alerts = client.get().await.unwrap();
///     alerts.map(|alert| alert.unwrap().to_json()).collect().await
/// });
/// assert_eq!(got, sent);
/// ```
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
    ///
    /// ```no_run
    /// let server = falco_sdk::testkit::Server::start("ccore", "mtls"); // gRPC's C core, as Falco
    /// assert!(server.pki.is_some());
    /// ```
    pub fn start(kind: &str, transport: &str) -> Server {
        Server::start_with(kind, transport, json!({}))
    }

    /// [`Server::start`] with more fields of the launcher's start command, such
    /// as `{"threadiness": 1}` (Falco's `grpc.threadiness`: 10 `sub` slots per unit).
    ///
    /// ```no_run
    /// let server = falco_sdk::testkit::Server::start_with("node", "unix", serde_json::json!({"threadiness": 1}));
    /// ```
    pub fn start_with(kind: &str, transport: &str, extra: Value) -> Server {
        let argv = launcher().unwrap_or_else(|why| panic!("{why}"));
        let mut child = Command::new(&argv[0])
            .args(&argv[1..])
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
        let mut start = json!({"cmd": "start", "kind": kind, "transport": transport});
        if let (Some(start), Some(extra)) = (start.as_object_mut(), extra.as_object()) {
            start.extend(extra.clone());
        }
        let reply = server.send(start);
        server.endpoint = reply["endpoint"].as_str().unwrap().to_string();
        server.pki = reply.get("pki").cloned();
        server
    }

    /// Sends one launcher command (`{"cmd": ...}`) and returns its reply; panics when it failed.
    ///
    /// ```no_run
    /// # let mut server = falco_sdk::testkit::Server::start("node", "unix");
    /// server.send(serde_json::json!({"cmd": "waitSubscribers", "n": 1}));
    /// ```
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

    /// Sends a command without arguments: "stop", "crash", "restart", "reload", "stats",
    /// "pause" (a hung Falco, as after SIGSTOP), "resume".
    ///
    /// ```no_run
    /// # let mut server = falco_sdk::testkit::Server::start("node", "unix");
    /// server.cmd("reload");
    /// assert_eq!(server.cmd("stats")["queued"], 0);
    /// ```
    pub fn cmd(&mut self, name: &str) -> Value {
        self.send(json!({ "cmd": name }))
    }

    /// Queues `count` fixture alerts; returns them as Falco JSON documents.
    ///
    /// ```no_run
    /// # let mut server = falco_sdk::testkit::Server::start("node", "unix");
    /// let alerts = server.emit(3);
    /// assert_eq!(alerts.len(), 3);
    /// ```
    pub fn emit(&mut self, count: usize) -> Vec<Value> {
        let reply = self.send(json!({"cmd": "emit", "count": count}));
        reply["alerts"].as_array().unwrap().clone()
    }

    /// The path of one PKI file (mtls only).
    ///
    /// ```no_run
    /// # let server = falco_sdk::testkit::Server::start("node", "mtls");
    /// assert!(server.pki_file("rogueCa").unwrap().exists());
    /// ```
    pub fn pki_file(&self, name: &str) -> Option<PathBuf> {
        self.pki.as_ref().map(|p| PathBuf::from(p[name].as_str().unwrap()))
    }

    /// Client TLS material: the server's CA and the client pair, or the rogue pair (another CA).
    ///
    /// ```no_run
    /// # let server = falco_sdk::testkit::Server::start("node", "mtls");
    /// let refused = server.tls(true).unwrap(); // a certificate of another CA
    /// ```
    pub fn tls(&self, rogue: bool) -> Option<Tls> {
        let (cert, key) = if rogue {
            ("rogueCert", "rogueKey")
        } else {
            ("cert", "key")
        };
        Some(Tls::new(
            self.pki_file("ca")?,
            self.pki_file(cert)?,
            self.pki_file(key)?,
        ))
    }

    /// A client of this server with short reconnection delays.
    ///
    /// ```no_run
    /// # let server = falco_sdk::testkit::Server::start("node", "unix");
    /// let alerts = server.client().subscribe();
    /// ```
    pub fn client(&self) -> Client {
        let mut options = Options::default().with_endpoint(self.endpoint.clone());
        options.tls = self.tls(false);
        options.backoff = Backoff {
            initial_delay: Duration::from_millis(50),
            max_delay: Duration::from_millis(500),
            ..Backoff::default()
        };
        Client::new(options).expect("client options")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        drop(self.stdin.take()); // the launcher stops its server and exits
        let _ = self.child.wait();
    }
}

#[cfg(test)]
mod tests {
    use super::find_launcher;
    use std::path::Path;

    /// A git dependency: cargo checks the whole repository out, sources only (no
    /// packages/testing/dist); the launcher installed from npm is on PATH.
    #[test]
    fn an_unbuilt_checkout_leaves_the_launcher_on_path() {
        let dir = std::env::temp_dir().join(format!("falco-sdk-testkit-{}", std::process::id()));
        let checkout = dir.join("checkouts/falco-sdk-1234/abcdef");
        std::fs::create_dir_all(checkout.join("packages/testing")).unwrap();
        std::fs::create_dir_all(checkout.join("packages/rust")).unwrap();
        std::fs::write(checkout.join("packages/testing/package.json"), "{}").unwrap();
        let bin = dir.join("node_modules/.bin");
        std::fs::create_dir_all(&bin).unwrap();
        std::fs::write(bin.join("falco-test-launcher"), "").unwrap();
        let found = find_launcher(
            None,
            Some(Path::new("/")),
            &checkout.join("packages/rust"),
            Some(std::env::join_paths([bin.clone()]).unwrap()),
        );
        let unbuilt = find_launcher(None, None, &checkout.join("packages/rust"), None);
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(found, Ok(vec![bin.join("falco-test-launcher").display().to_string()]));
        let why = unbuilt.unwrap_err();
        assert!(
            why.contains("dist/launcher.js is missing") && why.contains("FALCO_TEST_LAUNCHER"),
            "{why}"
        );
    }
}
