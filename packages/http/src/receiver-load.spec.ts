// Flood and malformed input over keep-alive HTTP on loopback: nothing is lost
// silently and nothing brings the receiver down.
import { Agent, request } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { createHttpAlertReceiver, type HttpAlertReceiver, type ReceiverStatus } from "./index.js";

const open: HttpAlertReceiver[] = [];
afterEach(async () => {
  for (const r of open.splice(0)) await r.close();
});

const agent = new Agent({ keepAlive: true, maxSockets: 16 });

function post(url: string, body: string | Buffer, type = "application/json") {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request(
      url,
      { method: "POST", agent, headers: { "Content-Type": type } },
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

async function inParallel<T>(count: number, width: number, task: (i: number) => Promise<T>) {
  const results: T[] = new Array(count);
  let nextIndex = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      for (let i = nextIndex++; i < count; i = nextIndex++) results[i] = await task(i);
    }),
  );
  return results;
}

const alert = (i: number) =>
  JSON.stringify({
    output: `12:00:00.000000000: Notice alert ${i}`,
    output_fields: { n: i },
    priority: "Notice",
    rule: "Flood",
    time: "2026-01-01T00:00:00Z",
  });

describe("receiver under load", () => {
  it("counts every alert a slow consumer loses: delivered + dropped = sent", async () => {
    const r = await createHttpAlertReceiver({ port: 0, maxQueuedAlerts: 100 });
    open.push(r);
    const drops: ReceiverStatus[] = [];
    (async () => {
      for await (const s of r.status()) if (s.type === "dropped") drops.push(s);
    })();
    let delivered = 0;
    const consumer = (async () => {
      for await (const _ of r.alerts()) {
        delivered++;
        await new Promise((resolve) => setTimeout(resolve, 1)); // a slow consumer
      }
    })();
    const sent = 5000;
    const statuses = await inParallel(sent, 16, (i) => post(r.url, alert(i)));
    expect(statuses.every((s) => s.status === 204)).toBe(true);
    // Let the consumer empty its queue, then count.
    while (r.stats().queued > 0) await new Promise((resolve) => setTimeout(resolve, 20));
    const { received, dropped } = r.stats();
    expect(received).toBe(sent);
    expect(dropped).toBeGreaterThan(0);
    expect(delivered + dropped).toBe(sent);
    expect(drops.at(-1)).toEqual({ type: "dropped", total: dropped });
    await r.close();
    await consumer;
  });

  it("answers 10,000 malformed bodies with 4xx and still accepts a valid alert (acknowledge: parsed)", async () => {
    const r = await createHttpAlertReceiver({ port: 0, maxBodyBytes: 4096, acknowledge: "parsed" });
    open.push(r);
    let seed = 12345;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const valid = alert(0);
    const shapes: ((i: number) => [string | Buffer, string])[] = [
      () => [valid.slice(0, Math.floor(random() * valid.length)), "application/json"], // truncated
      () => [
        Buffer.from(Array.from({ length: 64 }, () => Math.floor(random() * 256))),
        "application/json",
      ],
      () => [JSON.stringify({ ...JSON.parse(valid), priority: "Loud" }), "application/json"],
      () => [JSON.stringify({ ...JSON.parse(valid), time: 12 }), "application/json"],
      () => [JSON.stringify([JSON.parse(valid)]), "application/json"],
      () => ["null", "application/json"],
      () => ["x".repeat(5000), "application/json"], // over the body limit
      () => [valid, "application/xml"],
      (i) => [`${i}: not a falco line`, "text/plain"],
      () => [JSON.stringify({ ...JSON.parse(valid), output_fields: "nope" }), "application/json"],
    ];
    const results = await inParallel(10_000, 16, (i) => {
      const [body, type] = (shapes[i % shapes.length] as (i: number) => [string | Buffer, string])(
        i,
      );
      return post(r.url, body, type);
    });
    const statuses = new Set(results.map((x) => x.status));
    expect([...statuses].every((s) => s >= 400 && s < 500)).toBe(true);
    expect(results.every((x) => x.text.length > 0)).toBe(true); // every refusal says why
    expect(r.stats()).toMatchObject({ received: 0, rejected: 10_000 });
    expect((await post(r.url, valid)).status).toBe(204);
    expect(r.stats().received).toBe(1);
  });
});
