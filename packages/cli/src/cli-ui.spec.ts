// falco-alerts ui end to end: a real process, its HTTP input, a real store directory, and the
// page's login and API over HTTP (the browser tests are in @falco-sdk/ui).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { openAlertStore } from "@falco-sdk/store";
import { describe, expect, it } from "vitest";
import { falcoAlertBody, postBurst } from "../test/falco-http-poster.js";
import { run, start, tempDir, useProcesses } from "../test/spec-process.js";

useProcesses();

const alert = {
  hostname: "node-a",
  output: "Shell spawned <script>alert(1)</script>",
  output_fields: { "proc.pid": 1, "user.name": "root" },
  priority: "Warning",
  rule: "Terminal shell in container",
  source: "syscall",
  tags: ["container"],
  time: "2026-12-05T08:00:00.123456789Z",
};

describe("falco-alerts ui", () => {
  it("stores what its HTTP input gets and serves it to a session of its one-time login link", async () => {
    const store = tempDir();
    const ui = start([
      "ui",
      "--store",
      store,
      "--listen",
      "127.0.0.1:0",
      "--listen-http",
      "127.0.0.1:0",
    ]);
    const input = (await ui.waitFor("stderr", /http_output at (\S+)\n/))[1] as string;
    const link = (await ui.waitFor("stdout", /log in with this link[^:]*: (\S+)\n/))[1] as string;
    const base = new URL(link).origin;
    expect(ui.child.exitCode).toBe(null);
    const token = new URL(link).hash.slice("#token=".length);
    expect(readFileSync(join(store, "ui-login-tokens.json"), "utf8")).not.toContain(token);

    // A pid beyond a double's integers, as text (JSON.stringify would round it).
    const body = JSON.stringify(alert).replace('"proc.pid":1,', '"proc.pid":9007199254740993,');
    const posted = await fetch(input, {
      method: "POST",
      headers: { "Content-Type": "application/json", "User-Agent": "falcosecurity/falco" },
      body,
    });
    expect(posted.status).toBeLessThan(300);

    expect((await fetch(`${base}/api/v1/alerts`)).status).toBe(401);
    const login = await fetch(`${base}/login`, {
      method: "POST",
      headers: { Origin: base },
      body: new URLSearchParams({ token }),
    });
    expect(login.status).toBe(204);
    const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] as string;
    // The alert reaches the store through the relay: read it from the stream (no polling).
    const stream = await fetch(`${base}/api/v1/alerts/stream?after=0`, {
      headers: { Cookie: cookie },
    });
    const reader = stream.body!.getReader();
    let text = "";
    while (!text.includes("event: alert"))
      text += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    expect(text).toContain('"proc.pid":9007199254740993');
    expect(text).toContain("<script>alert(1)</script>");

    ui.child.kill("SIGTERM");
    expect((await ui.done).code).toBe(0);
    expect(existsSync(join(store, "ui-login-tokens.json"))).toBe(true);
  });

  it("killed with SIGKILL during an http_output burst, restarts holding every alert Falco got an answer for", async () => {
    const store = tempDir();
    const args = [
      "ui",
      "--store",
      store,
      "--listen",
      "127.0.0.1:0",
      "--listen-http",
      "127.0.0.1:0",
    ];
    const first = start(args);
    const input = (await first.waitFor("stderr", /http_output at (\S+)\n/))[1] as string;
    let killed = false;
    const burst = await postBurst(input, 0, 20_000, falcoAlertBody, (i) => {
      if (i === 5_000 && !killed) killed = first.child.kill("SIGKILL");
    });
    await first.done;
    expect(first.child.signalCode).toBe("SIGKILL");
    expect(burst.answered).toBeGreaterThan(5_000);
    expect(burst.answered).toBeLessThan(20_000);
    // The restart appends what the journal held and the store lacked, and says so.
    const second = start(args);
    await second.waitFor("stdout", /the alert view is on/);
    second.child.kill("SIGTERM");
    expect((await second.done).code).toBe(0);
    const reopened = openAlertStore({ directory: store });
    const kept: number[] = [];
    try {
      for await (const a of reopened.read({ after: 0, follow: false, pageSize: 2000 }))
        kept.push(Number(a.outputFields.n));
    } finally {
      reopened.close();
    }
    // Every answered alert, once, in order (maybe the one in flight at the kill too).
    expect(kept.length).toBeGreaterThanOrEqual(burst.answered);
    expect(kept.length).toBeLessThanOrEqual(burst.sent);
    expect(kept).toEqual(Array.from({ length: kept.length }, (_, i) => i));
  });

  it("refuses a non-loopback address without TLS, in flag words", async () => {
    const result = await run([
      "ui",
      "--store",
      tempDir(),
      "--listen",
      "0.0.0.0:0",
      "--listen-http",
      "127.0.0.1:0",
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("give --tls-cert and --tls-key");
  });
});
