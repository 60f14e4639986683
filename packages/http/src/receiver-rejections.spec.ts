// Every request the receiver refuses is counted by reason and announced with it: real POSTs
// over loopback (node's fetch, and a raw socket for what is not HTTP).
import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import {
  createHttpAlertReceiver,
  type HttpAlertReceiver,
  REJECT_REASONS,
  type ReceiverStatus,
} from "./index.js";

const open: HttpAlertReceiver[] = [];
afterEach(async () => {
  for (const r of open.splice(0)) await r.close();
});

const post = (url: string, body: string, headers: Record<string, string>) =>
  fetch(url, { method: "POST", headers, body }).then(async (res) => ({
    status: res.status,
    text: await res.text(),
  }));

/** Writes bytes that are not HTTP and resolves with the answer once the server closes. */
const rawRequest = (url: string, bytes: string) =>
  new Promise<string>((resolve, reject) => {
    const { hostname, port } = new URL(url);
    const socket = connect(Number(port), hostname, () => socket.write(bytes));
    let answer = "";
    socket.on("data", (d) => {
      answer += d;
    });
    socket.on("close", () => resolve(answer));
    socket.on("error", reject);
  });

describe("createHttpAlertReceiver refusals", () => {
  it("counts each refusal by reason and announces it with the reason and the message", async () => {
    const r = await createHttpAlertReceiver({
      port: 0,
      maxBodyBytes: 1000,
      sharedSecret: { value: "s3cret" },
      acknowledge: "parsed",
    });
    open.push(r);
    const events: Extract<ReceiverStatus, { type: "rejected" }>[] = [];
    const watching = (async () => {
      for await (const e of r.status()) {
        if (e.type === "rejected") events.push(e);
        if (e.type === "closed") return;
      }
    })();
    const json = { "Content-Type": "application/json", "x-falco-sdk-secret": "s3cret" };
    expect((await post(r.url, "{not json", json)).status).toBe(400);
    expect((await post(r.url, "{}", { ...json, "Content-Type": "image/png" })).status).toBe(415);
    expect((await post(r.url, "x".repeat(2000), json)).status).toBe(413);
    expect((await post(r.url, "{}", { "Content-Type": "application/json" })).status).toBe(401);
    expect(await rawRequest(r.url, "NOT HTTP AT ALL\r\n\r\n")).toMatch(/^HTTP\/1\.1 400 /);
    const stats = r.stats();
    expect(stats.rejected).toBe(5);
    expect(stats.received).toBe(0);
    expect(Object.keys(stats.rejectedByReason).sort()).toEqual([...REJECT_REASONS].sort());
    expect(stats.rejectedByReason).toMatchObject({
      "bad-body": 1,
      "content-type": 1,
      "too-large": 1,
      auth: 1,
      "malformed-http": 1,
      "wrong-path": 0,
    });
    await r.close();
    await watching;
    expect(events.map((e) => [e.status, e.reason, e.reasonTotal, e.total])).toEqual([
      [400, "bad-body", 1, 1],
      [415, "content-type", 1, 2],
      [413, "too-large", 1, 3],
      [401, "auth", 1, 4],
      [400, "malformed-http", 1, 5],
    ]);
    expect(events[0]?.message).toMatch(/JSON/);
    expect(events[1]?.message).toMatch(/Content-Type must be application\/json or text\/plain/);
  });
});
