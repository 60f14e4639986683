// Runs the README's example code, as written there, as a real process: a test server on a unix
// socket, ten fixture alerts, read back with connect-node's `get`.
import { spawn } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, expect, it } from "vitest";
import { createAlertGenerator } from "./fixtures/index.js";

const pkg = fileURLToPath(new URL("..", import.meta.url));
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

it("the README example serves ten fixture alerts and reads them back with get", async () => {
  const readme = readFileSync(join(pkg, "README.md"), "utf8");
  const code = /## Example\n\n```js\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(code).toContain("createFalcoTestServer");
  // Inside the package, so that `@falco-sdk/testing` resolves to this package's dist/.
  const script = join(pkg, `.readme-example-${process.pid}.mjs`);
  writeFileSync(script, code ?? "");
  cleanups.push(() => rmSync(script, { force: true }));
  const child = spawn(process.execPath, [script], { stdio: ["ignore", "pipe", "pipe"] });
  cleanups.push(() => child.kill("SIGKILL"));
  let out = "";
  let err = "";
  child.stdout.on("data", (d) => {
    out += d;
  });
  child.stderr.on("data", (d) => {
    err += d;
  });
  const status = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  expect(status, err).toBe(0);
  const lines = out.trim().split("\n");
  // Same seed, same alerts: the ten outputs, in the order they were queued.
  const expected = createAlertGenerator({ seed: 1 })
    .take(10)
    .map((alert) => alert.output);
  expect(lines.slice(0, 10)).toEqual(expected);
  // console.log's layout of the stats object (one line or several, by width) aside.
  expect(lines.slice(10).join(" ").replace(/\s+/g, " ")).toBe(
    "{ queued: 0, delivered: 10, dropped: 0, subscribers: 0, requests: 0, rejectedRequests: 0 }",
  );
});
