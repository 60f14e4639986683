// query, pages, facets, histogram, stats and export against the real server on a real store.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type AlertStreamClient,
  ApiBadRequestError,
  createAlertStreamClient,
} from "../src/index.js";
import { type ApiFixture, cleanUp, startApi, testAlerts } from "./api-fixture.js";

let api: ApiFixture;
let client: AlertStreamClient;

beforeEach(async () => {
  api = await startApi();
  // 250 alerts, one a second from 2026-12-01T00:00:00Z.
  api.store.append(testAlerts(0, 250));
  client = createAlertStreamClient({ url: api.url });
});
afterEach(cleanUp);

describe("queries", () => {
  it("pages: newest first, each page's next the before of the following one", async () => {
    const pages = [];
    for await (const page of client.pages({ limit: 100 })) pages.push(page);
    expect(pages.map((p) => p.alerts.length)).toEqual([100, 100, 50]);
    expect(pages.map((p) => p.next)).toEqual([151, 51, undefined]);
    const cursors = pages.flatMap((p) => p.alerts.map((a) => a.cursor));
    expect(cursors).toEqual(Array.from({ length: 250 }, (_, i) => 250 - i));
    const last = pages[0]?.alerts[0];
    expect(last?.outputFields["evt.num"]).toBe(9007199254740993n + 249n);
    expect(last?.time.toISOString()).toBe("2026-12-01T00:04:09.000Z");
  });

  it("query: one page, filtered and bounded in time", async () => {
    const page = await client.query({
      since: "2026-12-01T00:01:00Z",
      until: new Date("2026-12-01T00:02:00Z"),
      filter: { hostname: ["node-0"], not: { tag: ["t1"] } },
      limit: 5,
    });
    // Seconds 60..119, i % 3 === 0 and i even: 60, 66, ..., 114 (10 alerts), newest first.
    expect(page.alerts.map((a) => a.cursor)).toEqual([115, 109, 103, 97, 91]);
    expect(page.next).toBe(91);
  });

  it("facets and histogram", async () => {
    const facets = await client.facets({ fields: ["k8s.ns.name"], limit: 3 });
    expect(facets.total).toBe(250);
    const byValue = [...(facets.fields["k8s.ns.name"] ?? [])];
    byValue.sort((a, b) => a.value.localeCompare(b.value));
    expect(byValue).toEqual([
      { value: "ns-0", count: 125 },
      { value: "ns-1", count: 125 },
    ]);
    expect(facets.hostname.map((f) => f.count).reduce((a, b) => a + b)).toBe(250);
    const histogram = await client.histogram({
      since: "2026-12-01T00:00:00Z",
      until: "2026-12-01T00:05:00Z",
      bucketMs: 60_000,
    });
    expect(histogram.bucketMs).toBe(60_000);
    expect(histogram.buckets[0]?.start).toEqual(new Date("2026-12-01T00:00:00Z"));
    const perMinute = histogram.buckets.map((b) =>
      Object.values(b.counts).reduce((a, n) => a + (n ?? 0), 0),
    );
    expect(perMinute).toEqual([60, 60, 60, 60, 10]);
  });

  it("stats and export", async () => {
    const stats = await client.stats();
    expect(stats).toMatchObject({ lastCursor: 250 });
    const exported = [];
    for await (const alert of client.exportAlerts({ filter: { minPriority: "Emergency" } })) {
      exported.push(alert);
    }
    expect(exported.length).toBe(32);
    expect(exported[0]?.outputFields["evt.num"]).toBe(9007199254740993n);
  });

  it("a parameter the server refuses: ApiBadRequestError with its message", async () => {
    const error = await client.query({ since: "yesterday" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiBadRequestError);
    expect(error).toMatchObject({ code: "api-bad-request", serverCode: "bad-parameter" });
    expect((error as Error).message).toContain("since");
  });
});
