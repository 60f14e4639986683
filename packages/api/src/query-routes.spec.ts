import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { formatAlertJson, parseAlertJson } from "@falco-sdk/core";
import type { AlertStore } from "@falco-sdk/store";
import { afterEach, describe, expect, it } from "vitest";
import { type AlertApi, createAlertApi } from "./alert-api.js";
import type { AlertApiOptions } from "./api-options.js";
import { get, removeTempDirs, tempStore, testAlertJson, testAlerts } from "./test-helpers.js";

const open: { server: Server; api: AlertApi; store: AlertStore }[] = [];

async function serve(options: Partial<AlertApiOptions> = {}) {
  const store = tempStore();
  const api = createAlertApi({ store, ...options });
  const server = createServer(api);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  open.push({ server, api, store });
  return { api, store, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
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
const START = Date.UTC(2026, 11, 1);

describe("query routes", () => {
  it("pages alerts newest first with next, and keeps big integers exact", async () => {
    const { store, url } = await serve();
    store.append(testAlerts(0, 5));
    const first = await get(`${url}/api/v1/alerts?limit=2`);
    expect(first.status).toBe(200);
    expect(first.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(first.body).toBe(
      `{"alerts":[{"cursor":5,"alert":${stored(4)}},{"cursor":4,"alert":${stored(3)}}],"next":4}`,
    );
    expect(first.body).toContain('"evt.num":9007199254740997');
    const rest = JSON.parse((await get(`${url}/api/v1/alerts?limit=10&before=4`)).body);
    expect(rest.alerts.map((a: { cursor: number }) => a.cursor)).toEqual([3, 2, 1]);
    expect(rest.next).toBeNull();
    const filtered = JSON.parse(
      (await get(`${url}/api/v1/alerts?priority=emergency&priority=Alert`)).body,
    );
    expect(filtered.alerts.map((a: { cursor: number }) => a.cursor)).toEqual([2, 1]);
    const since = new Date(START + 3000).toISOString();
    const timed = JSON.parse((await get(`${url}/api/v1/alerts?since=${since}`)).body);
    expect(timed.alerts.map((a: { cursor: number }) => a.cursor)).toEqual([5, 4]);
  });

  it("counts facets and histograms with the store's shapes", async () => {
    const { store, url } = await serve();
    store.append(testAlerts(0, 12));
    const facets = JSON.parse(
      (await get(`${url}/api/v1/facets?field=k8s.ns.name&limit=5&not.hostname=node-c`)).body,
    );
    expect({ ...facets, lastCursor: undefined }).toEqual(
      JSON.parse(
        JSON.stringify(
          store.facets({
            fields: ["k8s.ns.name"],
            limit: 5,
            filter: { not: { hostname: ["node-c"] } },
          }),
        ),
      ),
    );
    expect(facets.total).toBe(8);
    // The counts cover the alerts up to lastCursor: here every one appended.
    expect(facets.lastCursor).toBe(12);
    const histogram = JSON.parse((await get(`${url}/api/v1/histogram?bucket=5s`)).body);
    expect(histogram.bucketMs).toBe(5000);
    expect(histogram.buckets).toHaveLength(3);
    expect(histogram.buckets[0]).toEqual({
      start: new Date(START).toISOString(),
      counts: expect.any(Object),
    });
  });

  it("exports every matching alert as NDJSON, oldest first, the stored text byte for byte", async () => {
    const { store, url } = await serve({ pageSize: 3 });
    store.append(testAlerts(0, 50));
    const all = await get(`${url}/api/v1/alerts/export`);
    expect(all.headers["content-type"]).toBe("application/x-ndjson; charset=utf-8");
    expect(all.body).toBe(Array.from({ length: 50 }, (_, i) => `${stored(i)}\n`).join(""));
    const some = await get(`${url}/api/v1/alerts/export?rule=Write%20below%20etc&after=10`);
    expect(some.body.split("\n").filter(Boolean)).toEqual(
      Array.from({ length: 50 }, (_, i) => i)
        .filter((i) => i >= 10 && i % 3 === 1)
        .map(stored),
    );
  });

  it("answers every malformed parameter with 400 naming it, and counts them", async () => {
    const { api, url } = await serve();
    const cases: [string, RegExp][] = [
      ["/api/v1/alerts?limit=0", /^limit must be a whole number from 1 to 1000, got "0"/],
      ["/api/v1/alerts?limit=abc", /^limit must be a whole number/],
      ["/api/v1/alerts?limit=1&limit=2", /^limit may be given once/],
      ["/api/v1/alerts?before=-1", /^before must be a whole number/],
      ["/api/v1/alerts?priority=urgent", /^priority must be one of Emergency, Alert/],
      ["/api/v1/alerts?not.minPriority=9", /^not\.minPriority must be one of/],
      ["/api/v1/alerts?since=yesterday", /^since must be an RFC 3339 time/],
      ["/api/v1/alerts?until=2026-13-45T99:00:00Z", /^until must be an RFC 3339 time/],
      ["/api/v1/alerts?rule=", /^rule must not be empty/],
      ["/api/v1/alerts?field.=x", /^field\. needs an output field name/],
      [
        "/api/v1/alerts?prority=Warning",
        /^unknown query parameter "prority": this route takes limit, before/,
      ],
      ["/api/v1/histogram?bucket=10", /^bucket must be a duration of at least 1s/],
      ["/api/v1/facets?limit=5000", /^limit must be a whole number from 1 to 1000/],
      ["/api/v1/alerts/export?after=x", /^after must be a whole number/],
      ["/api/v1/stats?x=1", /^unknown query parameter "x"/],
    ];
    for (const [path, message] of cases) {
      const reply = await get(`${url}${path}`);
      expect(reply.status, path).toBe(400);
      const { error } = JSON.parse(reply.body);
      expect(error.code, path).toBe("bad-parameter");
      expect(error.message, path).toMatch(message);
    }
    expect(api.stats().badRequests).toBe(cases.length);
  });

  it("answers 404 for unknown paths, 405 for other methods, and serves under basePath", async () => {
    const { url } = await serve({ basePath: "/falco/" });
    expect((await get(`${url}/api/v1/stats`)).status).toBe(404);
    const stats = await get(`${url}/falco/api/v1/stats`);
    expect(JSON.parse(stats.body)).toMatchObject({ count: 0, lastCursor: 0, api: { requests: 2 } });
    const post = await get(`${url}/falco/api/v1/alerts`, { method: "POST" });
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe("GET");
    expect(JSON.parse(post.body).error.code).toBe("method-not-allowed");
  });

  it("adds the embedder's figures to stats", async () => {
    const { url } = await serve({ extraStats: () => ({ relay: { subscribers: 2 } }) });
    expect(JSON.parse((await get(`${url}/api/v1/stats`)).body).relay).toEqual({ subscribers: 2 });
  });

  it("asks for the bearer token or the authorize hook's consent, and counts refusals", async () => {
    const { api, url } = await serve({
      token: "s3cret-token",
      authorize: (req) => req.headers.cookie === "session=ok",
    });
    const none = await get(`${url}/api/v1/stats`);
    expect(none.status).toBe(401);
    expect(none.headers["www-authenticate"]).toMatch(/^Bearer/);
    expect(JSON.parse(none.body).error.code).toBe("unauthorized");
    expect(
      (await get(`${url}/api/v1/stats`, { headers: { Authorization: "Bearer s3cret-tokeN" } }))
        .status,
    ).toBe(401);
    expect(
      (await get(`${url}/api/v1/stats`, { headers: { Authorization: "Bearer s3cret-token" } }))
        .status,
    ).toBe(200);
    expect((await get(`${url}/api/v1/stats`, { headers: { Cookie: "session=ok" } })).status).toBe(
      200,
    );
    expect(api.stats().unauthorized).toBe(2);
  });
});
