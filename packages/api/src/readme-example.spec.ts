// Runs the README's example code, as written there, as a real process on a store directory,
// and follows its stream over HTTP.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { openAlertStore } from "@falco-sdk/store";
import { expect, it } from "vitest";
import { SseClient, testAlerts } from "./test-helpers.js";

const pkg = fileURLToPath(new URL("..", import.meta.url));

it("the README example serves a store directory; its curl line's URL follows the stream", async () => {
  const readme = readFileSync(join(pkg, "README.md"), "utf8");
  const code = /## Example\n[\s\S]*?```js\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(code).toContain("createAlertApiServer");
  const dir = mkdtempSync(join(tmpdir(), "falco-api-readme-"));
  const script = join(pkg, `.readme-example-${process.pid}.mjs`);
  writeFileSync(script, code ?? "");
  const store = openAlertStore({ directory: join(dir, "store") });
  store.append(testAlerts(0, 3));
  store.close();
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, STORE_DIR: join(dir, "store"), API_PORT: "0" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout.on("data", (d: Buffer) => {
        out += d;
        const m = /curl -N (\S+)/.exec(out);
        if (m) resolve(m[1] as string);
      });
      child.once("exit", (code) => reject(new Error(`the example exited (${code}): ${out}`)));
    });
    const stream = new SseClient(url);
    expect((await stream.next()).id).toBe("1");
    expect((await stream.next()).id).toBe("2");
    expect((await stream.next()).data).toContain('"evt.num":9007199254740995');
    expect(await stream.next()).toMatchObject({ event: "caught-up", data: '{"cursor":3}' });
    stream.close();
    // The curl line itself, as a user runs it.
    const curl = spawn("curl", ["-sN", url], { stdio: ["ignore", "pipe", "inherit"] });
    const followed = await new Promise<string>((resolve) => {
      let out = "";
      curl.stdout.on("data", (d: Buffer) => {
        out += d;
        if (out.includes("event: caught-up\n")) resolve(out);
      });
    });
    curl.kill();
    expect(followed).toMatch(/^id: 1\nevent: alert\ndata: \{"hostname":"node-a"/);
    const exited = new Promise<number | null>((r) => child.once("exit", r));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  } finally {
    child.kill("SIGKILL");
    rmSync(script, { force: true });
    rmSync(dir, { recursive: true, force: true });
  }
});
