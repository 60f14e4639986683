#!/usr/bin/env node
// One entry point for a fresh machine that has only Node.js and npm:
//   npm run demo   -> install, build, run the demo on the built-in defaults
//   npm test       -> install, build, install test servers' system packages, run every test:
//                     vitest (TypeScript), then pytest (Python), go test (Go), cargo test (Rust)
//   npm run pack   -> install, build, pack every package into dist-packages/ (then
//                     `npm install -g ./dist-packages/*.tgz` puts falco-alerts on PATH)
//   npm run bootstrap -> install and build only
// pnpm comes from scripts/bin/pnpm (the one way every script finds it: an
// installed pnpm >= 12, else pnpm 12 through npx).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const task = process.argv[2] ?? "bootstrap";
const bin = join(root, "scripts", "bin");
const env = { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH ?? ""}` };

function run(cmd, args, opts = {}) {
  const res = spawnSync(cmd, args, { cwd: root, stdio: "inherit", env, ...opts });
  if (res.error) throw res.error;
  if (res.status !== 0) process.exit(res.status ?? 1);
}

/** Fails with what to install when a language's toolchain is missing. */
function need(command, why) {
  const found = spawnSync(command, ["version"], { stdio: "ignore" });
  if (found.error) {
    console.error(`npm test: ${command} is missing; ${why}`);
    process.exit(1);
  }
}

/**
 * The Python, Go and Rust packages' own test runners, each against the
 * packages/testing servers (built above) through falco-test-launcher.
 */
function testOtherLanguages() {
  const took = [];
  const timed = (name, work) => {
    console.log(`\n== ${name}`);
    const start = Date.now();
    work();
    took.push(`${name.split(":")[0]} ${Math.round((Date.now() - start) / 1000)} s`);
  };
  timed(
    "Python (oldest): pytest on Debian's grpcio 1.51, protobuf 4.21 (packages/python, examples/python-consumer)",
    () => run("/usr/bin/python3", ["-m", "pytest", "-q"], { cwd: join(root, "packages/python") }),
  );
  timed(
    "Python (newest): mypy --strict, pytest on grpcio 1.85, protobuf 6.33 (scripts/check-python.sh), wheel, pip install",
    () => run("bash", ["scripts/check-python.sh"]),
  );
  need("go", "install Go 1.26+ (https://go.dev/doc/install) for packages/go/falco");
  timed("Go: go vet, staticcheck, go test (packages/go/falco, examples/go-consumer)", () => {
    run("bash", ["scripts/ensure-codegen-tools.sh", "staticcheck"]); // pinned, into .tools/bin
    for (const dir of ["packages/go/falco", "examples/go-consumer"]) {
      const cwd = join(root, dir);
      run("go", ["vet", "./..."], { cwd });
      run(join(root, ".tools/bin/staticcheck"), ["./..."], { cwd });
      run("go", ["test", "-count=1", "-timeout=10m", "./..."], { cwd });
    }
  });
  need("cargo", "install Rust 1.88+ with rustup for packages/rust");
  timed("Rust: cargo clippy, cargo doc, cargo test (packages/rust, examples/rust-consumer)", () => {
    const all = ["--workspace", "--all-features", "--locked"];
    run("cargo", ["clippy", ...all, "--all-targets", "--", "-D", "warnings"]);
    run("cargo", ["doc", ...all, "--no-deps"], { env: { ...env, RUSTDOCFLAGS: "-D warnings" } });
    run("cargo", ["test", "--workspace", "--locked"]);
  });
  console.log(`\nother languages (build + tests): ${took.join(", ")}`);
  if (existsSync(env.FALCO_CONFORMANCE_SUMMARY)) {
    console.log(
      `\nconformance (conformance/scenarios):\n${readFileSync(env.FALCO_CONFORMANCE_SUMMARY, "utf8").trimEnd()}`,
    );
  }
}

const p = (...args) => run("bash", [join(bin, "pnpm"), ...args]);

p("install", "--frozen-lockfile", "--reporter=silent");
p("run", "build");
if (task === "test") {
  run("bash", ["scripts/ensure-system-deps.sh"]);
  // Each language's conformance runner appends its one-line summary here (go test and
  // cargo test show nothing of a passing test); printed at the end. The same lines make the
  // table of conformance/README.md: node scripts/conformance-table.mjs FILE.
  const summaryDir = mkdtempSync(join(tmpdir(), "falco-sdk-conformance-"));
  env.FALCO_CONFORMANCE_SUMMARY = join(summaryDir, "summary.txt");
  try {
    p("run", "test:all");
    testOtherLanguages();
  } finally {
    rmSync(summaryDir, { recursive: true, force: true });
  }
} else if (task === "demo") {
  // Straight from node (not pnpm run, which would reset INIT_CWD): the demo's closing note
  // gives paths relative to where the user typed npm run demo.
  run(process.execPath, [join(root, "packages/cli/dist/demo.js"), ...process.argv.slice(3)]);
} else if (task === "pack") {
  run(process.execPath, [join(root, "scripts/pack-packages.mjs"), ...process.argv.slice(3)]);
} else if (task !== "bootstrap") {
  console.error(`unknown task ${task}: use demo, test, pack or bootstrap`);
  process.exit(2);
}
