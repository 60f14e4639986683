// The demo's closing note is the first thing a new user copies: each command in it must work
// from a fresh clone with npm alone, where no falco-alerts is on PATH and nothing is on the
// npm registry.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { demo, start, useProcesses } from "../test/spec-process.js";

useProcesses();

const root = fileURLToPath(new URL("../../..", import.meta.url));
/** node, npm and the system's tools: what a new user has, without any falco-alerts. */
const PATH = [dirname(process.execPath), "/usr/bin", "/bin"].join(":");

function shell(command: string, cwd: string) {
  return new Promise<{ code: number; out: string }>((resolve) => {
    execFile("/bin/sh", ["-c", command], { cwd, env: { PATH } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, out: `${stdout}${stderr}` }),
    );
  });
}

describe("the demo's closing note", () => {
  it("suggests commands that work from where `npm run demo` was typed", async () => {
    // npm sets INIT_CWD to the directory the user typed npm run demo in: a subfolder here.
    const typedIn = join(root, "packages");
    const r = await start(["--seconds", "1"], demo, { INIT_CWD: typedIn }).done;
    expect(r.code).toBe(0);
    const note = r.stdout.slice(r.stdout.indexOf("Demo done"));
    const help = /(?:^|\s)((?:node \S+|falco-alerts) --help)/.exec(note)?.[1];
    expect(help).toBeDefined();
    const ran = await shell(help ?? "", typedIn);
    expect(ran.out).toMatch(/Usage: falco-alerts/);
    expect(ran.code).toBe(0);

    // falco-alerts on PATH: the root README's set-up, which scripts/check-packages.mjs runs.
    const install = "npm run pack && npm install -g ./dist-packages/*.tgz";
    expect(note).toContain(`, from ..:\n  ${install}\n`); // the clone's root, from packages/
    const readme = readFileSync(join(root, "README.md"), "utf8");
    for (const command of install.split(" && ")) expect(readme).toContain(`\n${command} `);
  });
});
