#!/usr/bin/env node
// One entry point for a fresh machine that has only Node.js and npm:
//   npm run demo   -> install, build, run the demo on the built-in defaults
//   npm test       -> install, build, install test servers' system packages, run every test
//   npm run bootstrap -> install and build only
// pnpm comes from the npm registry through npx when it is not installed.
import { execFileSync, spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const task = process.argv[2] ?? "bootstrap";
const PNPM_SPEC = "pnpm@12";

function pnpmCommand() {
  try {
    const v = execFileSync("pnpm", ["--version"], { encoding: "utf8", stdio: "pipe" }).trim();
    if (Number(v.split(".")[0]) >= 12) return ["pnpm"];
  } catch {}
  return ["npx", "--yes", PNPM_SPEC];
}

function run(cmd, args, opts = {}) {
  const res = spawnSync(cmd, args, { cwd: root, stdio: "inherit", ...opts });
  if (res.error) throw res.error;
  if (res.status !== 0) process.exit(res.status ?? 1);
}

const [pnpm, ...pnpmPre] = pnpmCommand();
const p = (...args) => run(pnpm, [...pnpmPre, ...args]);

p("install", "--frozen-lockfile", "--reporter=silent");
p("run", "build");
if (task === "test") {
  run("bash", ["scripts/ensure-system-deps.sh"]);
  p("run", "test:all");
} else if (task === "demo") {
  p("--filter", "@falco-sdk/cli", "run", "demo", ...process.argv.slice(3));
} else if (task !== "bootstrap") {
  console.error(`unknown task ${task}: use demo, test or bootstrap`);
  process.exit(2);
}
