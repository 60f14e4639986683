// Runs the README's example code, as written there, as a real process against
// the SDK's test server.
import { spawn } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { alerts, defer, SERVER_KINDS, startServer } from "../test/servers.js";

const pkg = fileURLToPath(new URL("..", import.meta.url));

it("the README example prints Warning-or-worse alerts from the server", async () => {
  const readme = readFileSync(join(pkg, "README.md"), "utf8");
  const code = /## Example\n\n```js\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(code).toContain("createFalcoClient");
  // Inside the package, so that `@falco-sdk/client` resolves to this package's dist/.
  const script = join(pkg, `.readme-example-${process.pid}.mjs`);
  writeFileSync(script, code ?? "");
  defer(() => rmSync(script, { force: true }));

  const server = await startServer(SERVER_KINDS[0].start);
  const sent = alerts(200);
  await server.emit(sent);
  const expected = sent.filter((a) => (a.priority ?? 0) <= 4).map((a) => a.rule);
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, FALCO_GRPC_ENDPOINT: server.endpoint },
  });
  defer(() => child.kill("SIGKILL"));
  let out = "";
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (d) => {
      out += d;
      if (out.split("\n").length > expected.length) resolve();
    });
    child.once("exit", (c) => reject(new Error(`example exited ${c}: ${out}`)));
  });
  const lines = out.trim().split("\n");
  expect(lines.map((l) => l.split(" ").slice(2, -1).join(" "))).toEqual(expected);
  expect(lines[0]).toMatch(/^\d{4}-\d{2}-\d{2}T\S+Z (Emergency|Alert|Critical|Error|Warning) /);
});
