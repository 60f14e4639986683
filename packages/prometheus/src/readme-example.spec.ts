// Runs the README's example code, as written there, as a real process against the SDK's test
// server, and scrapes it.
import { spawn } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, expect, it } from "vitest";
import { type Cleanup, grpcAlert, grpcSource } from "../test/sources.js";

const pkg = fileURLToPath(new URL("..", import.meta.url));
const cleanups: Cleanup[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

it("the README example serves falco_events from the server's alerts and stops on SIGTERM", async () => {
  const readme = readFileSync(join(pkg, "README.md"), "utf8");
  const code = /## Example\n\n```js\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(code).toContain("createPrometheusExporter");
  // Inside the package, so that `@falco-sdk/prometheus` resolves to this package's dist/.
  const script = join(pkg, `.readme-example-${process.pid}.mjs`);
  writeFileSync(script, code ?? "");
  cleanups.push(() => rmSync(script, { force: true }));
  const { server } = await grpcSource(cleanups);
  await server.emit([grpcAlert(), grpcAlert({ rule: "Read sensitive file untrusted" })]);

  const child = spawn(process.execPath, [script], {
    env: { ...process.env, FALCO_GRPC_ENDPOINT: server.endpoint, METRICS_PORT: "0" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  cleanups.push(() => {
    child.kill("SIGKILL");
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  let stderr = "";
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on("data", (d: Buffer) => {
      const m = /scrape (http:\/\/\S+)/.exec(d.toString());
      if (m?.[1]) resolve(m[1]);
    });
    exited.then((c) => reject(new Error(`example exited ${c}: ${stderr}`)));
  });
  const wanted = [
    'falco_events{rule="Write below binary dir",priority="4",hostname="node-7"',
    'falco_events{rule="Read sensitive file untrusted",priority="4",hostname="node-7"',
  ];
  let body = "";
  for (let i = 0; i < 200 && !wanted.every((w) => body.includes(w)); i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, 50));
    body = await (await fetch(url)).text();
  }
  for (const w of wanted) expect(body).toContain(w);
  child.kill("SIGTERM");
  expect(await exited).toBe(0);
});
