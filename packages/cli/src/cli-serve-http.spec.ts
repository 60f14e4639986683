// falco-alerts relay --store DIR --serve-http: the alert API of @falco-sdk/api on the relay's
// store, end to end with real processes and real HTTP.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { run, start, tempDir, useProcesses } from "../test/spec-process.js";

useProcesses();

/** Falco's http_output body of alert `i`, its evt.num a 64-bit integer above 2^53. */
const body = (i: number) =>
  `{"hostname":"web-1","output":"Shell spawned (n=${i})","output_fields":{"evt.num":${9007199254740993n + BigInt(i)},"n":${i}},"priority":"Warning","rule":"Terminal shell in container","source":"syscall","tags":["container"],"time":"2026-12-05T00:00:00.${String(i).padStart(9, "0")}Z"}`;

/** Reads Server-Sent Events from a fetch body until `count` alert events came. */
async function readAlerts(
  response: Response,
  count: number,
): Promise<{ id: string; data: string }[]> {
  const reader = (response.body as ReadableStream<Uint8Array>)
    .pipeThrough(new TextDecoderStream())
    .getReader();
  const alerts: { id: string; data: string }[] = [];
  let buffered = "";
  while (alerts.length < count) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the stream ended after ${alerts.length} alerts`);
    buffered += value;
    let at = buffered.indexOf("\n\n");
    while (at >= 0) {
      const block = buffered.slice(0, at);
      buffered = buffered.slice(at + 2);
      const id = /^id: (\d+)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (/^event: alert$/m.test(block) && id && data) alerts.push({ id, data });
      at = buffered.indexOf("\n\n");
    }
  }
  await reader.cancel();
  return alerts;
}

describe("falco-alerts relay --serve-http", () => {
  it("serves the stored alerts as a resumable stream, big integers exact", async () => {
    const dir = tempDir();
    const relay = start([
      "relay",
      "--listen-http",
      "127.0.0.1:0",
      "--store",
      join(dir, "store"),
      "--serve-http",
      ":0",
    ]);
    const api = (await relay.waitFor("stdout", /serving the alert API on (\S+) /))[1] as string;
    expect(api).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const input = (await relay.waitFor("stderr", /http_output at (\S+)\n/))[1] as string;
    const stream = await fetch(`${api}/api/v1/alerts/stream?after=0`);
    expect(stream.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    for (let i = 0; i < 5; i++) {
      const posted = await fetch(input, {
        method: "POST",
        body: body(i),
        headers: { "Content-Type": "application/json" },
      });
      expect(posted.status).toBeLessThan(300);
    }
    const alerts = await readAlerts(stream, 5);
    expect(alerts.map((a) => a.id)).toEqual(["1", "2", "3", "4", "5"]);
    expect(alerts[4]?.data).toContain('"evt.num":9007199254740997');
    const resumed = await fetch(`${api}/api/v1/alerts/stream`, {
      headers: { "Last-Event-ID": "3" },
    });
    expect((await readAlerts(resumed, 2)).map((a) => a.id)).toEqual(["4", "5"]);
    const stats = await (await fetch(`${api}/api/v1/stats`)).json();
    expect(stats).toMatchObject({ count: 5, lastCursor: 5, relay: expect.any(Object) });
    relay.child.kill("SIGTERM");
    expect((await relay.done).code).toBe(0);
  });

  it("refuses an unsafe or incomplete --serve-http with the flags to give, exit status 2", async () => {
    const dir = tempDir();
    const store = ["--store", join(dir, "store")];
    const base = ["relay", "--listen-http", "127.0.0.1:0"];
    const noStore = await run([...base, "--serve-http", "2803"]);
    expect(noStore.code).toBe(2);
    expect(noStore.stderr).toMatch(
      /--serve-http 2803 serves the alerts of the store: give --store DIR too/,
    );
    const open = await run([...base, ...store, "--serve-http", "0.0.0.0:2803"]);
    expect(open.code).toBe(2);
    expect(open.stderr).toMatch(
      /--serve-http 0\.0\.0\.0:2803 is not a loopback address: .*--serve-http-cert and --serve-http-key.*--api-token-file.*--serve-http-ca/,
    );
    const cert = join(dir, "x.pem");
    const tls = ["--serve-http-cert", cert, "--serve-http-key", cert];
    const noCredentials = await run([...base, ...store, "--serve-http", "0.0.0.0:2803", ...tls]);
    expect(noCredentials.code).toBe(2);
    expect(noCredentials.stderr).toMatch(
      /give credentials, a bearer token with --api-token-file FILE or client certificates with --serve-http-ca/,
    );
    const halfTls = await run([
      ...base,
      ...store,
      "--serve-http",
      "2803",
      "--serve-http-cert",
      cert,
    ]);
    expect(halfTls.code).toBe(2);
    expect(halfTls.stderr).toMatch(/HTTPS needs both --serve-http-cert and --serve-http-key/);
  });
});
