// handOff: each accepted alert is handed over, as one JSON line, before the answer leaves;
// alerts() then yields nothing. Real POSTs over a real keep-alive connection.
import { Agent, request } from "node:http";
import { gzipSync } from "node:zlib";
import type { Alert } from "@falco-sdk/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createHttpAlertReceiver, type HttpAlertReceiver } from "./index.js";

const open: HttpAlertReceiver[] = [];
afterEach(async () => {
  for (const r of open.splice(0)) await r.close();
});

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

function post(
  url: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
  via: Agent = agent,
) {
  return new Promise<number>((resolve, reject) => {
    const req = request(
      url,
      { method: "POST", agent: via, headers: { "Content-Type": "application/json", ...headers } },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
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

describe("handOff", () => {
  it("hands each alert over as one JSON line (the body's own bytes when it is one), not to alerts()", async () => {
    const taken: { line: string; alert: Alert }[] = [];
    const r = await createHttpAlertReceiver({
      port: 0,
      handOff: (line, a) => {
        taken.push({ line: line.toString(), alert: a });
      },
    });
    open.push(r);
    const sub = r.alerts();
    expect(await post(r.url, alert(1))).toBe(204);
    expect(await post(r.url, gzipSync(alert(2)), { "Content-Encoding": "gzip" })).toBe(204);
    const pretty = JSON.stringify(JSON.parse(alert(3)), null, 2);
    expect(await post(r.url, pretty)).toBe(204);
    expect(await post(r.url, "{not json")).toBe(204); // acknowledge "received": counted
    expect(taken.map((t) => t.alert.outputFields.n)).toEqual([1, 2, 3]);
    expect(taken[0]!.line).toBe(alert(1));
    expect(taken[1]!.line).toBe(alert(2));
    expect(taken[2]!.line).not.toMatch(/\n/);
    expect(JSON.parse(taken[2]!.line).output_fields.n).toBe(3);
    expect(r.stats()).toMatchObject({ received: 3, malformed: 1, queued: 0, rejected: 0 });
    expect(sub.pending).toBe(0);
    sub.unsubscribe();
  });

  it("runs before the answer: a hand-off that throws gets 500, one that refuses a bad body 400", async () => {
    let fail = true;
    const r = await createHttpAlertReceiver({
      port: 0,
      acknowledge: "parsed",
      handOff: () => {
        if (fail) throw new Error("disk gone");
      },
    });
    open.push(r);
    expect(await post(r.url, alert(1))).toBe(500);
    fail = false;
    expect(await post(r.url, alert(2))).toBe(204);
    expect(await post(r.url, "{not json")).toBe(400);
    expect(r.stats()).toMatchObject({ received: 1, malformed: 0, rejected: 1 });
  });

  it("answers once a returned promise settles: 204 when it resolves, 500 when it rejects", async () => {
    const waits: { resolve: () => void; reject: (e: Error) => void }[] = [];
    const r = await createHttpAlertReceiver({
      port: 0,
      handOff: () => new Promise<void>((resolve, reject) => waits.push({ resolve, reject })),
    });
    open.push(r);
    let answered: number | undefined;
    const first = post(r.url, alert(1)).then((status) => {
      answered = status;
      return status;
    });
    await vi.waitFor(() => expect(waits).toHaveLength(1));
    // The hand-off took it and has not settled: no answer yet (a round trip on another
    // connection proves the server ran on since).
    const second = post(r.url, alert(2), {}, new Agent());
    await vi.waitFor(() => expect(waits).toHaveLength(2));
    expect(answered).toBeUndefined();
    waits[0]!.resolve();
    expect(await first).toBe(204);
    waits[1]!.reject(new Error("store gone"));
    expect(await second).toBe(500);
  });
});
