// The default answer (acknowledge: "received"): 204 once the body is whole, parsed after;
// a body that is not an alert is counted and announced as malformed, never refused, and
// never counted as a rejected request. Real POSTs over one keep-alive connection, as
// Falco's http_output sends them (one at a time, each answer awaited).
import { Agent, request } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { createHttpAlertReceiver, type HttpAlertReceiver, type ReceiverStatus } from "./index.js";

const open: HttpAlertReceiver[] = [];
afterEach(async () => {
  for (const r of open.splice(0)) await r.close();
});

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

function post(url: string, body: string | Buffer, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request(
      url,
      {
        method: "POST",
        agent,
        headers: {
          "Content-Type": "application/json",
          "User-Agent": "falcosecurity/falco",
          ...headers,
        },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (d) => {
          text += d;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const alert = (i: number) =>
  JSON.stringify({
    output: `12:00:00.000000000: Notice alert ${i}`,
    output_fields: { n: i },
    priority: "Notice",
    rule: "Flood",
    time: "2026-01-01T00:00:00Z",
  });

const MALFORMED: [string, RegExp][] = [
  ["{not json", /not JSON/],
  ["", /empty body/],
  [JSON.stringify({ priority: "Notice", time: "2026-01-01T00:00:00Z" }), /"rule"/],
  [JSON.stringify({ rule: "r", priority: "Loud", time: "2026-01-01T00:00:00Z" }), /priority/],
  ["null", /JSON object/],
];

describe("acknowledge: received (the default)", () => {
  it("answers malformed bodies 204, counts and announces each as malformed, not as rejected", async () => {
    const r = await createHttpAlertReceiver({ port: 0 });
    open.push(r);
    const malformed: Extract<ReceiverStatus, { type: "malformed" }>[] = [];
    const rejected: ReceiverStatus[] = [];
    const watching = (async () => {
      for await (const e of r.status()) {
        if (e.type === "malformed") malformed.push(e);
        if (e.type === "rejected") rejected.push(e);
      }
    })();
    const got: string[] = [];
    const consuming = (async () => {
      for await (const a of r.alerts()) got.push(a.output);
    })();
    const rounds = 200;
    for (let i = 0; i < rounds; i++) {
      const [body] = MALFORMED[i % MALFORMED.length] as [string, RegExp];
      expect(await post(r.url, body)).toEqual({ status: 204, text: "" });
      expect((await post(r.url, alert(i))).status).toBe(204);
    }
    // A refusal that needs no parsing is still a refusal.
    expect((await post(r.url, "{}", { "Content-Type": "image/png" })).status).toBe(415);
    await r.close();
    await Promise.all([watching, consuming]);

    expect(r.stats()).toMatchObject({ received: rounds, malformed: rounds, rejected: 1 });
    expect(r.stats().rejectedByReason["bad-body"]).toBe(0);
    expect(got).toEqual(
      Array.from({ length: rounds }, (_, i) => `12:00:00.000000000: Notice alert ${i}`),
    );
    expect(malformed.map((e) => e.total)).toEqual(Array.from({ length: rounds }, (_, i) => i + 1));
    malformed.slice(0, MALFORMED.length).forEach((e, i) => {
      expect(e.message).toMatch((MALFORMED[i] as [string, RegExp])[1]);
    });
    expect(rejected).toMatchObject([{ status: 415, reason: "content-type" }]);
  });

  it("counts a gzip bomb and bad gzip as malformed; an unknown Content-Encoding is still refused (415)", async () => {
    const { gzipSync } = await import("node:zlib");
    const r = await createHttpAlertReceiver({ port: 0, maxBodyBytes: 10_000 });
    open.push(r);
    const bomb = gzipSync(alert(0).replace("alert 0", "x".repeat(1_000_000)));
    expect((await post(r.url, bomb, { "Content-Encoding": "gzip" })).status).toBe(204);
    expect((await post(r.url, "not gzip", { "Content-Encoding": "gzip" })).status).toBe(204);
    expect((await post(r.url, alert(1), { "Content-Encoding": "br" })).status).toBe(415);
    expect((await post(r.url, gzipSync(alert(2)), { "Content-Encoding": "gzip" })).status).toBe(
      204,
    );
    await r.close();
    expect(r.stats()).toMatchObject({ received: 1, malformed: 2, rejected: 1 });
    expect(r.stats().rejectedByReason["content-type"]).toBe(1);
  });
});
