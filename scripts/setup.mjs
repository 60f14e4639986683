#!/usr/bin/env node
// One entry point for a fresh machine that has only Node.js and npm:
//   npm run demo   -> install, build, run the demo on the built-in defaults
//   npm test       -> install, build, install test servers' system packages, run every test:
//                     vitest (TypeScript), then pytest (Python) beside go test (Go) then cargo test (Rust)
//   npm run pack   -> install, build, pack every package into dist-packages/ (then
//                     `npm install -g ./dist-packages/*.tgz` puts falco-alerts on PATH)
//   npm run bootstrap -> install and build only
// pnpm comes from scripts/bin/pnpm (the one way every script finds it: an
// installed pnpm >= 12, else pnpm 12 through npx).
import { spawn, spawnSync } from "node:child_process";
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
 * packages/testing servers (built above) through falco-test-launcher. Two lanes run at once
 * (Python oldest then newest, which share packages/python; Go then Rust): the runners wait on
 * test servers more than they use a core. Each lane's output is printed whole when it ends.
 */
async function testOtherLanguages() {
  need("go", "install Go 1.26+ (https://go.dev/doc/install) for packages/go/falco");
  need("cargo", "install Rust 1.88+ with rustup for packages/rust");
  run("bash", ["scripts/ensure-codegen-tools.sh", "staticcheck"]); // pinned, into .tools/bin
  const go = [];
  for (const dir of ["packages/go/falco", "examples/go-consumer"]) {
    const cwd = join(root, dir);
    go.push(["go", ["vet", "./..."], { cwd }]);
    go.push([join(root, ".tools/bin/staticcheck"), ["./..."], { cwd }]);
    go.push(["go", ["test", "-count=1", "-timeout=10m", "./..."], { cwd }]);
  }
  const all = ["--workspace", "--all-features", "--locked"];
  const lanes = [
    [
      {
        name: "Python (oldest): pytest on Debian's grpcio 1.51, protobuf 4.21 (packages/python, examples/python-consumer)",
        commands: [
          ["/usr/bin/python3", ["-m", "pytest", "-q"], { cwd: join(root, "packages/python") }],
        ],
      },
      {
        name: "Python (newest): mypy --strict, pytest on grpcio 1.85, protobuf 6.33 (scripts/check-python.sh), wheel, pip install",
        commands: [["bash", ["scripts/check-python.sh"]]],
      },
    ],
    [
      {
        name: "Go: go vet, staticcheck, go test (packages/go/falco, examples/go-consumer)",
        commands: go,
      },
      {
        name: "Rust: cargo clippy, cargo doc, cargo test (packages/rust, examples/rust-consumer)",
        commands: [
          ["cargo", ["clippy", ...all, "--all-targets", "--", "-D", "warnings"]],
          ["cargo", ["doc", ...all, "--no-deps"], { env: { ...env, RUSTDOCFLAGS: "-D warnings" } }],
          ["cargo", ["test", "--workspace", "--locked"]],
        ],
      },
    ],
  ];
  const took = [];
  const failed = [];
  await Promise.all(
    lanes.map(async (lane) => {
      for (const step of lane) {
        const start = Date.now();
        const { output, status } = await runCaptured(step.commands);
        const seconds = Math.round((Date.now() - start) / 1000);
        console.log(`\n== ${step.name} (${seconds} s)\n${output}`);
        took.push(`${step.name.split(":")[0]} ${seconds} s`);
        if (status !== 0) {
          failed.push(step.name.split(":")[0]);
          return; // the rest of this lane is not run
        }
      }
    }),
  );
  console.log(`\nother languages (build + tests, two lanes at once): ${took.join(", ")}`);
  if (existsSync(env.FALCO_CONFORMANCE_SUMMARY)) {
    console.log(
      `\nconformance (conformance/scenarios):\n${readFileSync(env.FALCO_CONFORMANCE_SUMMARY, "utf8").trimEnd()}`,
    );
  }
  if (failed.length) {
    console.error(`\nnpm test: failed in ${failed.join(", ")} (output above)`);
    process.exit(1);
  }
}

/** Runs the commands one after another, output (stdout and stderr) kept; stops at a failure. */
async function runCaptured(commands) {
  let output = "";
  for (const [cmd, args, opts = {}] of commands) {
    output += `$ ${[cmd, ...args].join(" ")}\n`;
    const status = await new Promise((resolve) => {
      const child = spawn(cmd, args, {
        cwd: root,
        env,
        ...opts,
        stdio: ["ignore", "pipe", "pipe"],
      });
      child.stdout.on("data", (chunk) => {
        output += chunk;
      });
      child.stderr.on("data", (chunk) => {
        output += chunk;
      });
      child.on("error", (error) => {
        output += `${error.message}\n`;
        resolve(1);
      });
      child.on("close", (code) => resolve(code ?? 1));
    });
    if (status !== 0) return { output, status };
  }
  return { output, status: 0 };
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
    await testOtherLanguages();
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
