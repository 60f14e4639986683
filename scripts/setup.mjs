#!/usr/bin/env node
// One entry point for a fresh machine that has only Node.js and npm:
//   npm run demo   -> install, build, run the demo on the built-in defaults
//   npm test       -> install, build, install test servers' system packages, run every test
//   npm run bootstrap -> install and build only
// pnpm comes from scripts/bin/pnpm (the one way every script finds it: an
// installed pnpm >= 12, else pnpm 12 through npx).
import { spawnSync } from "node:child_process";
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

const p = (...args) => run("bash", [join(bin, "pnpm"), ...args]);

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
