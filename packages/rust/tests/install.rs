//! The README's "Install from a clone": its Cargo.toml lines and its example, in a
//! package outside the clone, and the `testkit` feature used by that package's tests.

use std::path::Path;
use std::process::Command;

fn block<'a>(readme: &'a str, fence: &str) -> &'a str {
    let start = readme
        .find(fence)
        .unwrap_or_else(|| panic!("no {fence} block in README.md"))
        + fence.len();
    let end = start + readme[start..].find("```").unwrap();
    &readme[start..end]
}

/// A test of the package outside the clone: a test server through `testkit`, a `get`.
const TESTKIT_TEST: &str = r#"
use falco_sdk::testkit::Server;
use tokio_stream::StreamExt;

#[tokio::test]
async fn alerts_from_a_test_server() {
    let mut server = Server::start("ccore", "mtls");
    let sent = server.emit(2);
    let alerts = server.client().get().await.unwrap();
    let got: Vec<_> = alerts.map(|alert| alert.unwrap().to_json()).collect().await;
    assert_eq!(got, sent);
}
"#;

#[test]
fn a_package_outside_the_clone_builds_and_tests_with_the_readme_path_dependency() {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let clone = crate_dir.parent().unwrap().parent().unwrap();
    let readme = std::fs::read_to_string(crate_dir.join("README.md")).unwrap();
    let dependencies = block(&readme, "```toml\n").replace("/path/to/falco-sdk", &clone.display().to_string());
    let example = block(&readme, "```rust,no_run\n");

    let dir = std::env::temp_dir().join(format!("falco-sdk-install-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("src")).unwrap();
    assert!(
        falco_sdk::testkit::repo_root(&dir).is_none(),
        "{} is inside a clone",
        dir.display()
    );
    let dev_dependencies =
        block(&readme, "```toml dev-dependencies\n").replace("/path/to/falco-sdk", &clone.display().to_string());
    let manifest = format!(
        "[package]\nname = \"consumer\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n{dependencies}\n{dev_dependencies}\n[workspace]\n"
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
    std::fs::write(dir.join("src/main.rs"), example).unwrap();
    std::fs::create_dir_all(dir.join("tests")).unwrap();
    std::fs::write(dir.join("tests/testkit.rs"), TESTKIT_TEST).unwrap();
    // The clone's lock file: the versions it is tested with, all in cargo's cache already.
    std::fs::copy(clone.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    // Its own target dir, kept beside the workspace's between runs (compiled once).
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| clone.join("target"))
        .join("install-from-a-clone");
    // Run from outside the clone, with no launcher given: the testkit finds the clone's
    // built launcher through the path dependency.
    let out = Command::new(env!("CARGO"))
        .args(["test", "--offline", "--quiet"])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("FALCO_TEST_LAUNCHER")
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        out.status.success(),
        "cargo test: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
