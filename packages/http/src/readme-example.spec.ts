// Runs the README's example code, as written there, as a real process, and POSTs alerts to it
// as Falco's http_output does (one JSON alert per request).
import { spawn } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { sleep } from "@falco-sdk/core";
import { freeLoopbackPort } from "@falco-sdk/testing/nats";
import { afterEach, expect, it } from "vitest";

const pkg = fileURLToPath(new URL("..", import.meta.url));
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

const alert = (priority: string, rule: string, time: string) =>
  JSON.stringify({
    hostname: "web-1",
    output: `${time}: ${priority} ${rule} (user=root)`,
    output_fields: { "user.name": "root" },
    priority,
    rule,
    source: "syscall",
    tags: ["shell"],
    time,
  });

/** POSTs `body` like Falco; retries while the example's receiver is not listening yet. */
async function post(url: string, body: string): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", "user-agent": "falcosecurity/falco" },
        body,
      });
      return response.status;
    } catch (error) {
      const code = (error as { cause?: { code?: string } }).cause?.code;
      if (code !== "ECONNREFUSED" || attempt >= 500) throw error;
      await sleep(20);
    }
  }
}

it("the README example prints the alerts Falco POSTs, from Warning up", async () => {
  const readme = readFileSync(join(pkg, "README.md"), "utf8");
  const code = /## Example\n\n```js\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(code).toContain("createHttpAlertReceiver");
  // Inside the package, so that `@falco-sdk/http` resolves to this package's dist/.
  const script = join(pkg, `.readme-example-${process.pid}.mjs`);
  writeFileSync(script, code ?? "");
  cleanups.push(() => rmSync(script, { force: true }));
  const port = await freeLoopbackPort();
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  cleanups.push(() => child.kill("SIGKILL"));
  let out = "";
  let err = "";
  child.stderr.on("data", (d) => {
    err += d;
  });
  const printed = new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (d) => {
      out += d;
      if (out.split("\n").length > 2) resolve();
    });
    child.once("exit", (c) => reject(new Error(`example exited ${c}: ${out}${err}`)));
  });

  const url = `http://127.0.0.1:${port}/`;
  expect(
    await post(url, alert("Warning", "Terminal shell in container", "2026-05-01T10:00:00.5Z")),
  ).toBe(204);
  // Below minPriority: received, not printed.
  expect(await post(url, alert("Notice", "Unexpected UDP traffic", "2026-05-01T10:00:01Z"))).toBe(
    204,
  );
  expect(await post(url, alert("Critical", "Write below etc", "2026-05-01T10:00:02Z"))).toBe(204);
  await printed;
  expect(out.trim().split("\n")).toEqual([
    "2026-05-01T10:00:00.500Z Warning Terminal shell in container web-1",
    "2026-05-01T10:00:02.000Z Critical Write below etc web-1",
  ]);
});
