import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { formatAlertJson, parseAlertJson } from "@falco-sdk/core";
import type { AlertStore } from "@falco-sdk/store";
import { afterEach, describe, expect, it } from "vitest";
import { type AlertApi, createAlertApi } from "./alert-api.js";
import type { AlertApiOptions } from "./api-options.js";
import {
  get,
  removeTempDirs,
  SseClient,
  type SseEvent,
  tempStore,
  testAlertJson,
  testAlerts,
} from "./test-helpers.js";

const open: { server: Server; api: AlertApi; store: AlertStore }[] = [];

async function serve(options: Partial<AlertApiOptions> = {}, store = tempStore()) {
  const api = createAlertApi({ store, ...options });
  const server = createServer(api);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  open.push({ server, api, store });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { api, store, url };
}

afterEach(async () => {
  for (const { server, api, store } of open.splice(0)) {
    api.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    store.close();
  }
  removeTempDirs();
});

const stored = (i: number) => formatAlertJson(parseAlertJson(testAlertJson(i)));

describe("GET /api/v1/alerts/stream", () => {
  it("sends the backlog with cursor ids and the stored JSON text, caught-up, then live alerts", async () => {
    const { store, url } = await serve();
    store.append(testAlerts(0, 5));
    const client = new SseClient(`${url}/api/v1/alerts/stream?after=2`);
    await client.opened;
    expect(client.status).toBe(200);
    const a = await client.next();
    expect(a).toEqual({ id: "3", event: "alert", data: stored(2) });
    expect(a.data).toContain('"evt.num":9007199254740995');
    expect((await client.next()).id).toBe("4");
    expect((await client.next()).id).toBe("5");
    expect(await client.next()).toEqual({
      id: undefined,
      event: "caught-up",
      data: '{"cursor":5}',
    });
    store.append(testAlerts(5, 7));
    expect((await client.next()).id).toBe("6");
    expect((await client.next()).data).toBe(stored(6));
    client.close();
  });

  it("starts from now without a cursor, and the Last-Event-ID header wins over ?after", async () => {
    const { store, url } = await serve();
    store.append(testAlerts(0, 3));
    const live = new SseClient(`${url}/api/v1/alerts/stream`);
    expect(await live.next()).toMatchObject({ event: "caught-up", data: '{"cursor":3}' });
    const resumed = new SseClient(`${url}/api/v1/alerts/stream?after=0`, {
      headers: { "Last-Event-ID": "2" },
    });
    expect((await resumed.next()).id).toBe("3");
    store.append(testAlerts(3, 4));
    expect((await live.next()).id).toBe("4");
    expect((await resumed.next("alert")).id).toBe("4");
    live.close();
    resumed.close();
  });

  it("gives a client that reconnects with Last-Event-ID every alert after it, exactly once, in order, while alerts keep arriving", async () => {
    const { store, url } = await serve({ pageSize: 7 });
    let appended = 0;
    const appendSome = () => {
      store.append(testAlerts(appended, appended + 13));
      appended += 13;
    };
    appendSome();
    const producer = setInterval(appendSome, 1);
    const seen: number[] = [];
    let last = "0";
    for (let round = 0; round < 20; round++) {
      const client = new SseClient(`${url}/api/v1/alerts/stream`, {
        headers: { "Last-Event-ID": last },
      });
      // Read a varying number of alerts, then drop the connection mid-stream.
      for (let k = 0; k < 5 + round * 3; k++) {
        const e: SseEvent = await client.next("alert");
        seen.push(Number(e.id));
        last = e.id ?? last;
      }
      client.close();
    }
    clearInterval(producer);
    const total = appended;
    const client = new SseClient(`${url}/api/v1/alerts/stream`, {
      headers: { "Last-Event-ID": last },
    });
    while (seen[seen.length - 1] !== total) seen.push(Number((await client.next("alert")).id));
    client.close();
    expect(seen).toEqual(Array.from({ length: total }, (_, i) => i + 1));
  });

  it("filters live and backlog alerts, with not. and field.", async () => {
    const { store, url } = await serve();
    store.append(testAlerts(0, 30));
    const client = new SseClient(
      `${url}/api/v1/alerts/stream?after=0&hostname=node-a&hostname=node-b&not.field.k8s.ns.name=ns-1`,
    );
    const want = (from: number, to: number) =>
      Array.from({ length: to - from }, (_, k) => from + k).filter(
        (i) => i % 3 !== 2 && i % 2 === 0,
      );
    const got: number[] = [];
    for (const _ of want(0, 30)) got.push(Number((await client.next("alert")).id) - 1);
    expect(got).toEqual(want(0, 30));
    await client.next("caught-up");
    store.append(testAlerts(30, 60));
    for (const _ of want(30, 60)) got.push(Number((await client.next("alert")).id) - 1);
    expect(got).toEqual(want(0, 60));
    client.close();
  });

  it("sends a gap event with the count retention removed, before the next alert", async () => {
    const { store, url } = await serve({}, tempStore({ maxCount: 10 }));
    store.append(testAlerts(0, 25));
    const client = new SseClient(`${url}/api/v1/alerts/stream?after=3`);
    expect(await client.next()).toEqual({
      id: undefined,
      event: "gap",
      data: '{"missed":12,"after":3}',
    });
    expect((await client.next()).id).toBe("16");
    client.close();
  });

  it("writes a heartbeat comment every heartbeatMs", async () => {
    const { url } = await serve({ heartbeatMs: 20 });
    const client = new SseClient(`${url}/api/v1/alerts/stream`);
    await client.waitComments(2);
    client.close();
  });

  it("refuses a malformed or unknown cursor with 400 naming it", async () => {
    const { store, url } = await serve();
    store.append(testAlerts(0, 3));
    const bad = await get(`${url}/api/v1/alerts/stream`, { headers: { "Last-Event-ID": "x1" } });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error).toMatchObject({ code: "bad-parameter" });
    expect(JSON.parse(bad.body).error.message).toMatch(/^Last-Event-ID must be a whole number/);
    const future = await get(`${url}/api/v1/alerts/stream?after=9`);
    expect(JSON.parse(future.body).error.message).toMatch(/^after 9 is past the newest alert/);
  });
});
