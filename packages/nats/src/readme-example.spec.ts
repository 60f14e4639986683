// Runs the README's example, as written there, as a real process: a Falco test server and a
// real nats-server.
import { spawn } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { defer, falcoHost, natsServer, tempDir } from "../test/helpers.js";

const pkg = fileURLToPath(new URL("..", import.meta.url));

it("the README example forwards a Falco's alerts and prints them from the fleet stream", async () => {
  const readme = readFileSync(join(pkg, "README.md"), "utf8");
  const code = /## Example\n\n```js\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(code).toContain("subscribeFleet");
  const script = join(pkg, `.readme-example-${process.pid}.mjs`);
  writeFileSync(script, code ?? "");
  defer(() => rmSync(script, { force: true }));
  const nats = await natsServer();
  const { server, generator } = await falcoHost("readme-host");
  const sent = generator.take(30);
  await server.emit(sent);
  const child = spawn(process.execPath, [script], {
    env: {
      ...process.env,
      FALCO_GRPC_ENDPOINT: server.endpoint,
      NATS_URL: nats.url,
      SPOOL_DIR: join(tempDir(), "spool"),
    },
  });
  defer(() => child.kill("SIGKILL"));
  let out = "";
  let err = "";
  child.stderr.on("data", (d) => {
    err += d;
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (d) => {
      out += d;
      if (out.split("\n").length > sent.length) resolve();
    });
    child.once("exit", (c) => reject(new Error(`example exited ${c}: ${out}${err}`)));
  });
  const lines = out.trim().split("\n");
  expect(lines.map((l) => l.split(" ").slice(2).join(" "))).toEqual(sent.map((a) => a.rule));
  expect(lines.every((l) => l.startsWith("readme-host "))).toBe(true);
});
