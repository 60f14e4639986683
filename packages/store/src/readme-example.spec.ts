// Runs the README's example code, as written there, as a real process fed Falco's JSON output.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { formatAlertJson } from "@falco-sdk/core";
import { afterEach, expect, it } from "vitest";
import { testAlerts } from "./test-alerts.js";

const pkg = fileURLToPath(new URL("..", import.meta.url));
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

it("the README example stores Falco's JSON output and reads it back by cursor", async () => {
  const readme = await readFile(join(pkg, "README.md"), "utf8");
  const code = /## Example\n\n[^\n]*\n\n```js\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(code).toContain("openAlertStore");
  // Inside the package, so that `@falco-sdk/store` resolves to this package's dist/.
  const script = join(pkg, `.readme-example-${process.pid}.mjs`);
  writeFileSync(script, code ?? "");
  const cwd = mkdtempSync(join(pkg, ".readme-example-cwd-"));
  cleanups.push(() => rmSync(script, { force: true }));
  cleanups.push(() => rmSync(cwd, { recursive: true, force: true }));
  const alerts = testAlerts(0, 5, Date.now() - 60_000);
  const input = [
    "Fri Dec  4 12:00:00 2026: Falco version: 0.44.1",
    ...alerts.map((a) => formatAlertJson(a)),
  ];
  const child = spawn(process.execPath, [script], { cwd });
  let out = "";
  child.stdout.on("data", (d) => {
    out += d;
  });
  child.stdin.end(`${input.join("\n")}\n`);
  const code2 = await new Promise((resolve) => child.on("exit", resolve));
  expect(code2).toBe(0);
  expect(out.split("\n")[0]).toMatch(/^5 alerts in the last day, most from "/);
  expect(out.trim().split("\n").slice(1)).toEqual(
    alerts.map((a, i) => `${i + 1} ${a.priority} ${a.rule}`),
  );
});
