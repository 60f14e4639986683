//! The conformance runner: every scenario of conformance/scenarios (the language-neutral
//! suite, conformance/README.md) against the test servers, with the skips of
//! conformance/skips.json ("rust"). One summary line is printed and, when
//! FALCO_CONFORMANCE_SUMMARY names a file, appended to it (npm test prints it).

#[path = "conformance/run.rs"]
mod run;

use falco_sdk::testkit::repo_root;
use falco_sdk::Options;
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};

fn conformance_dir() -> PathBuf {
    match std::env::var_os("FALCO_CONFORMANCE_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => repo_root(Path::new(env!("CARGO_MANIFEST_DIR")))
            .expect("a falco-sdk checkout (or FALCO_CONFORMANCE_DIR)")
            .join("conformance"),
    }
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The scenarios Rust skips, with the reason (skips.json's "rust").
fn skips(dir: &Path) -> serde_json::Map<String, Value> {
    read_json(&dir.join("skips.json"))["rust"]
        .as_object()
        .cloned()
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn conformance() {
    let dir = conformance_dir();
    check_defaults(&read_json(&dir.join("defaults.json")));
    let skips = skips(&dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join("scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no scenarios in {}", dir.display());
    let (mut passed, mut skipped, mut failures, mut results) = (0, 0, Vec::new(), Vec::new());
    for file in files {
        let name = file.file_stem().unwrap().to_string_lossy().to_string();
        if skips.contains_key(&name) {
            // Listed, with the reason, in README.md (readme_lists_each_skip).
            skipped += 1;
            results.push(format!("{name}: skipped"));
            continue;
        }
        let scenario = read_json(&file);
        let mut failed = None;
        for kind in scenario["servers"].as_array().unwrap() {
            for transport in scenario["transports"].as_array().unwrap() {
                let (kind, transport) = (kind.as_str().unwrap(), transport.as_str().unwrap());
                eprintln!("rust conformance run: {name} ({kind}-{transport})");
                if let Err(why) = run::scenario(&scenario, kind, transport).await {
                    failed.get_or_insert(format!("{name} ({kind}-{transport}): {why}"));
                }
            }
        }
        match failed {
            None => {
                passed += 1;
                results.push(format!("{name}: passed"));
            }
            Some(why) => {
                failures.push(why);
                results.push(format!("{name}: FAILED"));
            }
        }
    }
    let mut summary = format!("conformance rust: {passed} passed, {skipped} skipped");
    if !failures.is_empty() {
        summary += &format!(", {} failed", failures.len());
    }
    summary += &format!(" ({})", results.join(", "));
    println!("{summary}");
    if let Some(path) = std::env::var_os("FALCO_CONFORMANCE_SUMMARY") {
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .unwrap();
        writeln!(file, "{summary}").unwrap();
    }
    assert!(failures.is_empty(), "{summary}\n{}", failures.join("\n"));
}

#[test]
fn readme_lists_each_skip() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let section = readme.split_once("## Conformance").expect("a Conformance section").1;
    let words = section.split_whitespace().collect::<Vec<_>>().join(" ");
    for (name, reason) in skips(&conformance_dir()) {
        let reason = reason.as_str().unwrap();
        assert!(
            section.contains(&format!("`{name}`")) && words.contains(reason),
            "README.md's Conformance section does not list `{name}` with its reason {reason:?}"
        );
    }
}

/// Options::default() against the table. The liveness check period (liveness_timeout / 4)
/// and its version deadline (liveness_timeout / 2) derive from liveness_timeout, as in
/// TypeScript; a subscription holds at most 4 x max_buffered_alerts (slow-consumer checks it).
fn check_defaults(table: &Value) {
    let d = Options::default();
    let ms = |d: std::time::Duration| d.as_millis() as u64;
    let b = &d.backoff;
    let got = serde_json::json!({
        "maxBufferedAlerts": d.max_buffered_alerts,
        "readAheadFactor": 4,
        "pollIntervalMs": ms(d.poll_interval),
        "livenessTimeoutMs": ms(d.liveness_timeout),
        "livenessCheckEveryMs": ms(d.liveness_timeout / 4),
        "versionTimeoutMs": ms(d.timeout),
        "waitForServer": d.wait_for_server,
        "reconnect": {
            "enabled": true,
            "initialDelayMs": ms(b.initial_delay),
            "maxDelayMs": ms(b.max_delay),
            "multiplier": b.multiplier,
            "jitter": b.jitter,
            "maxAttempts": b.max_attempts,
        },
    });
    let mut table = table.clone();
    table.as_object_mut().unwrap().remove("$comment");
    assert_eq!(got, table, "Options::default() against conformance/defaults.json");
}
