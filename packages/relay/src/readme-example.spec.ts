// Runs the README's example code, as written there, as a real process.
import { spawn } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createFalcoClient } from "@falco-sdk/client";
import { expect, it } from "vitest";
import { defer, eventually, take, tempDir } from "../test/helpers.js";

const pkg = fileURLToPath(new URL("..", import.meta.url));

it("the README example relays an http_output alert to gRPC and in-process subscribers", async () => {
  const readme = readFileSync(join(pkg, "README.md"), "utf8");
  const code = /## Example\n\n```js\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(code).toContain("createAlertRelay");
  // Inside the package, so that `@falco-sdk/relay` resolves to this package's dist/.
  const script = join(pkg, `.readme-example-${process.pid}.mjs`);
  writeFileSync(script, code ?? "");
  defer(() => rmSync(script, { force: true }));
  const socketPath = join(tempDir(), "falco.sock");
  const env: NodeJS.ProcessEnv = { ...process.env, HTTP_PORT: "0", RELAY_SOCKET: socketPath };
  delete env.FALCO_GRPC_ENDPOINT;
  const child = spawn(process.execPath, [script], { env });
  defer(() => child.kill("SIGKILL"));
  let out = "";
  child.stdout.on("data", (d) => {
    out += d;
  });
  child.stderr.on("data", (d) => {
    out += d;
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  await eventually(() => /serving Falco's gRPC API/.test(out));
  const url = /receiving on (\S+),/.exec(out)?.[1] as string;

  const client = createFalcoClient({ endpoint: `unix://${socketPath}` });
  defer(() => client.close());
  const subscription = client.subscribe();
  const received = take(subscription, 1);
  let arrived = false;
  received.then(() => {
    arrived = true;
  });
  const post = async () => {
    const response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "User-Agent": "falcosecurity/falco" },
      body: JSON.stringify({
        hostname: "node-7",
        output: "Critical Sensitive file opened",
        output_fields: { "fd.name": "/etc/shadow" },
        priority: "Critical",
        rule: "Read sensitive file untrusted",
        source: "syscall",
        tags: ["filesystem"],
        time: "2024-05-01T10:00:00.123456789Z",
      }),
    });
    expect(response.status).toBe(204);
  };
  // The gRPC subscriber attaches when its call reaches the relay, which this process cannot
  // see: alerts posted before that are not for it. Post until one arrives.
  while (!arrived) {
    await post();
    await Promise.race([received, new Promise((resolve) => setTimeout(resolve, 100))]);
  }
  const [alert] = await received;
  expect(alert).toMatchObject({ rule: "Read sensitive file untrusted", hostname: "node-7" });
  expect(alert?.timeNs).toBe(1714557600123456789n);
  await eventually(() => out.includes("critical: Read sensitive file untrusted node-7"));

  child.kill("SIGTERM");
  expect(await exited).toBe(0);
  expect(out).toMatch(/"received":[1-9]/);
});
