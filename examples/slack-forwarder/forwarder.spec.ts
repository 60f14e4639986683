// The rate limit as a state machine (times passed in), the Slack payloads, and
// index.mjs as a real process: alerts in through Falco's http_output (and gRPC, from
// the SDK's test server), messages out to a local webhook server that records them.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Alert, PRIORITIES, parseAlertJson } from "@falco-sdk/core";
import { createAlertGenerator } from "@falco-sdk/testing/fixtures";
import { type AlertInit, createFalcoTestServer } from "@falco-sdk/testing/servers";
import { afterEach, describe, expect, it } from "vitest";
import { createRateLimit } from "./rate-limit.mjs";
import { alertMessage, digestMessage } from "./slack-message.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** An alert as Falco's json_output (and http_output) writes it. */
function jsonLine(init: AlertInit): string {
  const nanos = String(init.time?.nanos ?? 0).padStart(9, "0");
  const seconds = Number(init.time?.seconds ?? 0n);
  return JSON.stringify({
    hostname: init.hostname,
    output: init.output,
    output_fields: init.outputFields,
    priority: PRIORITIES[init.priority ?? 0],
    rule: init.rule,
    source: init.source,
    tags: init.tags,
    time: `${new Date(seconds * 1000).toISOString().slice(0, 19)}.${nanos}Z`,
  });
}

const gen = createAlertGenerator({ seed: 4 });
const alertOf = (rule: string): Alert => parseAlertJson(jsonLine(gen.next(rule)));

/** A Slack-compatible incoming webhook that records every message. */
async function webhookRecorder() {
  const messages: { text: string; attachments: { blocks: unknown[] }[] }[] = [];
  const waiters: (() => void)[] = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => {
      body += d;
    });
    req.on("end", () => {
      expect(req.headers["content-type"]).toBe("application/json");
      messages.push(JSON.parse(body));
      res.end("ok"); // what Slack answers
      for (const w of waiters.splice(0)) w();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
  const { port } = server.address() as AddressInfo;
  const until = (n: number) =>
    new Promise<void>((resolve) => {
      const check = () => (messages.length >= n ? resolve() : waiters.push(check));
      check();
    });
  return { url: `http://127.0.0.1:${port}/services/T0/B0/secret`, messages, until };
}

function startForwarder(env: Record<string, string>) {
  const child: ChildProcess = spawn(process.execPath, ["index.mjs"], {
    cwd: here,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  cleanups.push(() => {
    child.kill("SIGKILL");
  });
  let stdout = "";
  let stderr = "";
  const waiters: (() => void)[] = [];
  child.stdout?.on("data", (d) => {
    stdout += d;
    for (const w of waiters.splice(0)) w();
  });
  child.stderr?.on("data", (d) => {
    stderr += d;
  });
  const exited = new Promise<number | null>((r) => child.once("close", r));
  const waitFor = (pattern: RegExp) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const check = () => {
        const m = pattern.exec(stdout);
        if (m) resolve(m);
        else if (child.exitCode !== null) reject(new Error(`exited: ${stdout}${stderr}`));
        else waiters.push(check);
      };
      child.once("exit", () => setImmediate(check));
      check();
    });
  return { child, exited, waitFor, output: () => stdout };
}

const post = async (url: string, line: string) => {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", "user-agent": "falcosecurity/falco" },
    body: line,
  });
  await res.arrayBuffer();
};

const represented = (messages: { text: string }[]) =>
  messages.reduce((n, m) => {
    const digest = /^Falco: (\d+) alerts held back/.exec(m.text);
    return n + (digest ? Number(digest[1]) : 1);
  }, 0);

describe("rate limit", () => {
  it("sends up to the limit, holds the rest, and digests them when the window has room", () => {
    const limit = createRateLimit({ perWindow: 3, windowMs: 1000 });
    const alerts = [
      ...Array.from({ length: 6 }, () => alertOf("Read sensitive file untrusted")),
      ...Array.from({ length: 4 }, () => alertOf("Write below etc")),
    ];
    const verdicts = alerts.map((a, i) => limit.offer(a, i));
    expect(verdicts).toEqual([...Array(3).fill("send"), ...Array(7).fill("held")]);
    expect(limit.nextDigestAt(10)).toBe(1000);
    expect(limit.takeDigest(999)).toBeUndefined();
    const digest = limit.takeDigest(1000)!;
    expect(digest.held).toBe(7);
    expect(digest.rules.map((r: { rule: string; count: number }) => [r.rule, r.count])).toEqual([
      ["Write below etc", 4],
      ["Read sensitive file untrusted", 3],
    ]);
    expect(digest.priority).toBe("Error");
    // The digest took a slot: [1, 2, 1000] in the window at 1001 -> room for one.
    expect(limit.offer(alerts[0], 1001)).toBe("send");
    expect(limit.offer(alerts[0], 1001)).toBe("held");
    expect(limit.takeDigest(1001, true)!.held).toBe(1);
    expect(limit.nextDigestAt(1001)).toBeUndefined();
  });
});

describe("slack messages", () => {
  it("are Slack webhook JSON: text, and an attachment with blocks; mrkdwn escaped", () => {
    const alert = alertOf("Terminal shell in container");
    const m = alertMessage({ ...alert, rule: "a <b> & c" });
    expect(m.text).toContain("Falco Notice: a &lt;b&gt; &amp; c on falco-test-host");
    expect(m.attachments[0].color).toMatch(/^#[0-9a-f]{6}$/);
    expect(m.attachments[0].blocks[0]).toMatchObject({ type: "section", text: { type: "mrkdwn" } });
    const d = digestMessage({
      held: 2,
      priority: "Error",
      first: alert.time,
      last: alert.time,
      rules: [{ rule: "Write below etc", count: 2, priority: "Error" }],
    });
    expect(d.text).toMatch(/^Falco: 2 alerts held back by the rate limit/);
    expect(d.attachments[0].blocks[0].text.text).toBe("• 2 × *Write below etc* (Error)");
  });
});

describe("slack forwarder (index.mjs as a process)", () => {
  it("forwards alerts at or above MIN_PRIORITY, up to the limit, then a digest at stop", async () => {
    const hook = await webhookRecorder();
    const fwd = startForwarder({
      SLACK_WEBHOOK_URL: hook.url,
      MIN_PRIORITY: "warning",
      RATE_LIMIT: "3",
      RATE_WINDOW_MS: "3600000", // no room again during the test: the digest comes at stop
      LISTEN_HTTP: "127.0.0.1:0",
    });
    const [, url] = await fwd.waitFor(/receiving Falco's http_output at (\S+)/);
    for (let i = 0; i < 10; i++) {
      await post(url!, jsonLine(gen.next("Terminal shell in container"))); // Notice: below
      await post(
        url!,
        jsonLine(gen.next(i < 6 ? "Read sensitive file untrusted" : "Write below etc")),
      );
    }
    await fwd.waitFor(/held 7\n/);
    await hook.until(3);
    expect(hook.messages).toHaveLength(3);
    expect(
      hook.messages.every((m) => m.text.startsWith("Falco Warning: Read sensitive file")),
    ).toBe(true);
    fwd.child.kill("SIGTERM");
    expect(await fwd.exited).toBe(0);
    expect(hook.messages).toHaveLength(4);
    expect(hook.messages[3]!.text).toMatch(/^Falco: 7 alerts held back by the rate limit/);
    expect(JSON.stringify(hook.messages[3]!.attachments[0]!.blocks)).toContain(
      "4 × *Write below etc* (Error)",
    );
    expect(fwd.output()).toContain("stopped: 4 messages sent, 0 failed, 0 dropped");
  });

  it("sends the digest as soon as the window has room; every alert is accounted for", async () => {
    const hook = await webhookRecorder();
    const fwd = startForwarder({
      SLACK_WEBHOOK_URL: hook.url,
      RATE_LIMIT: "2",
      RATE_WINDOW_MS: "2000",
      LISTEN_HTTP: "127.0.0.1:0",
    });
    const [, url] = await fwd.waitFor(/receiving Falco's http_output at (\S+)/);
    const lines = Array.from({ length: 8 }, () => jsonLine(gen.next("Write below etc")));
    await Promise.all(lines.map((l) => post(url!, l)));
    await fwd.waitFor(/sent digest of \d+ alerts/);
    fwd.child.kill("SIGTERM");
    expect(await fwd.exited).toBe(0);
    expect(represented(hook.messages)).toBe(8);
    expect(hook.messages.some((m) => /held back/.test(m.text))).toBe(true);
  });

  it("reads Falco's gRPC output (Falco 0.24 - 0.43) the same way", async () => {
    const hook = await webhookRecorder();
    const dir = mkdtempSync(join(tmpdir(), "slack-forwarder-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const server = await createFalcoTestServer({ listen: { socketPath: join(dir, "falco.sock") } });
    cleanups.push(() => server.stop());
    await server.emit([gen.next("Write below etc")]); // queued until the forwarder polls
    const fwd = startForwarder({
      SLACK_WEBHOOK_URL: hook.url,
      FALCO_GRPC_ENDPOINT: server.endpoint,
    });
    await hook.until(1);
    expect(hook.messages[0]!.text).toMatch(/^Falco Error: Write below etc on falco-test-host/);
    fwd.child.kill("SIGTERM");
    expect(await fwd.exited).toBe(0);
  });
});
