import { formatAlertJson } from "@falco-sdk/core";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { openAlertStore } from "./alert-store.js";
import { databasePath } from "./open-database.js";
import { testAlerts } from "./test-alerts.js";
import { useTempDirs } from "./test-dirs.test.js";

const tempDir = useTempDirs();

describe("AlertStore append and cursors", () => {
  it("gives each alert the next cursor, keeps them across a reopen, never reuses one", () => {
    const directory = tempDir();
    const store = openAlertStore({ directory });
    expect(store.append(testAlerts(0, 3))).toEqual({ first: 1, last: 3 });
    expect(store.append([])).toBeUndefined();
    store.close();
    const again = openAlertStore({ directory, maxCount: 2 });
    expect(again.stats()).toMatchObject({ count: 2, firstCursor: 2, lastCursor: 3, removed: 1 });
    expect(again.append(testAlerts(3, 4))).toEqual({ first: 4, last: 4 });
    again.close();
    const third = openAlertStore({ directory });
    expect(third.stats()).toMatchObject({ count: 2, firstCursor: 3, lastCursor: 4, removed: 2 });
    third.close();
  });

  it("gives back each alert exactly: Falco's JSON with integers past 2^53 and plugin sources", () => {
    const store = openAlertStore({ directory: tempDir() });
    const alerts = testAlerts(0, 8);
    store.append(alerts);
    const page = store.query({ limit: 10 });
    const back = [...page.alerts].reverse();
    expect(back.map((a) => formatAlertJson(a))).toEqual(alerts.map((a) => formatAlertJson(a)));
    expect(typeof back[1]?.outputFields["evt.time"]).toBe("bigint");
    expect(back.map((a) => a.source)).toContain("aws_cloudtrail");
    expect(back.map((a) => a.cursor)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    store.close();
  });
});

describe("AlertStore.query", () => {
  it("pages newest first with next, filters as data, and searches text", () => {
    const store = openAlertStore({ directory: tempDir() });
    const alerts = testAlerts(0, 250);
    store.append(alerts);
    const filter = {
      hostname: ["node-b"],
      rule: ["Write below etc", "Terminal shell in container"],
    };
    const expected = alerts
      .map((a, i) => ({ a, cursor: i + 1 }))
      .filter(({ a }) => filter.hostname.includes(a.hostname) && filter.rule.includes(a.rule))
      .map((x) => x.cursor)
      .reverse();
    const got: number[] = [];
    let before: number | undefined;
    for (;;) {
      const page = store.query({ filter, limit: 7, before });
      got.push(...page.alerts.map((a) => a.cursor));
      if (page.next === undefined) break;
      before = page.next;
    }
    expect(got).toEqual(expected);
    expect(store.query({ filter: { rule: ["' OR 1=1 --"] } }).alerts).toEqual([]);
    const text = store.query({ filter: { text: "alert 17 by" } }).alerts.map((a) => a.cursor);
    expect(text).toEqual([18]);
    expect(store.query({ filter: { text: '"<script>' } }).alerts.length).toBe(100);
    const notShell = store.query({ filter: { not: { tag: ["shell"] } }, limit: 1000 }).alerts;
    expect(notShell.length).toBe(alerts.filter((a) => !a.tags.includes("shell")).length);
    store.close();
  });
});

describe("AlertStore.facets and histogram", () => {
  it("count what an independent count of the same alerts says", () => {
    const store = openAlertStore({ directory: tempDir() });
    const alerts = testAlerts(0, 500);
    store.append(alerts);
    const since = alerts[100]?.time as Date;
    const inRange = alerts.filter((a) => a.time >= since && a.priority !== "Debug");
    const facets = store.facets({
      since,
      filter: { not: { priority: ["Debug"] } },
      fields: ["k8s.ns.name"],
      limit: 100,
    });
    const count = (key: (a: (typeof alerts)[number]) => readonly string[]) => {
      const m = new Map<string, number>();
      for (const a of inRange) for (const v of key(a)) m.set(v, (m.get(v) ?? 0) + 1);
      return Object.fromEntries(m);
    };
    const asObject = (xs: { value: string; count: number }[]) =>
      Object.fromEntries(xs.map((x) => [x.value, x.count]));
    expect(facets.total).toBe(inRange.length);
    expect(asObject(facets.priority)).toEqual(count((a) => [a.priority]));
    expect(asObject(facets.rule)).toEqual(count((a) => [a.rule]));
    expect(asObject(facets.hostname)).toEqual(count((a) => [a.hostname]));
    expect(asObject(facets.source)).toEqual(count((a) => [a.source]));
    expect(asObject(facets.tag)).toEqual(count((a) => a.tags));
    expect(asObject(facets.fields["k8s.ns.name"] ?? [])).toEqual(
      count((a) =>
        a.outputFields["k8s.ns.name"] === null ? [] : [String(a.outputFields["k8s.ns.name"])],
      ),
    );
    const histogram = store.histogram({ bucketMs: 60_000 });
    const total = histogram.buckets.reduce(
      (s, b) => s + Object.values(b.counts).reduce((x, y) => x + y, 0),
      0,
    );
    expect(total).toBe(500);
    expect(histogram.buckets.length).toBe(Math.ceil((500 * 1000) / 60_000));
    expect(histogram.buckets[0]?.counts.Emergency).toBe(
      alerts.slice(0, 60).filter((a) => a.priority === "Emergency").length,
    );
    store.close();
  });
});

describe("AlertStore full-text index", () => {
  it("merges the index's segments at 16, also in a store made before the setting, and finds every match", () => {
    const directory = tempDir();
    const automerge = (s: ReturnType<typeof openAlertStore>) =>
      s.db.prepare("SELECT v FROM alert_text_config WHERE k = 'automerge'").pluck().get();
    const store = openAlertStore({ directory });
    expect(automerge(store)).toBe(16);
    store.close();
    // A store of earlier code: no setting, FTS5's default (4) applies until the next open.
    const raw = new Database(databasePath(directory));
    raw.unsafeMode(true); // FTS5's shadow tables are read-only otherwise
    expect(raw.prepare("DELETE FROM alert_text_config WHERE k = 'automerge'").run().changes).toBe(
      1,
    );
    raw.close();
    const again = openAlertStore({ directory });
    expect(automerge(again)).toBe(16);
    // Many appends (each a segment of the index) and a word in every seventh alert.
    const alerts = testAlerts(0, 700).map((a, i) =>
      i % 7 === 0 ? { ...a, output: `${a.output} needle${i % 2}` } : a,
    );
    for (let i = 0; i < alerts.length; i += 10) again.append(alerts.slice(i, i + 10));
    const found = again.query({ filter: { text: "needle0" }, limit: 1000 }).alerts;
    const expected = alerts.filter((a) => a.output.endsWith(" needle0")).map((a) => a.output);
    expect(expected).toHaveLength(50);
    expect(found.map((a) => a.output).sort()).toEqual(expected.sort());
    again.close();
  });
});

describe("AlertStore with a second handle on the same directory", () => {
  it("a reading handle filters and facets on names only the other handle appended", () => {
    const directory = tempDir();
    const reader = openAlertStore({ directory });
    reader.append(testAlerts(0, 4));
    const writer = openAlertStore({ directory });
    const fresh = testAlerts(4, 8).map((a, i) => ({
      ...a,
      hostname: `new-host-${i % 2}`,
      rule: "A rule only the writer saw",
      tags: ["new-tag"],
    }));
    writer.append(fresh);
    const filtered = reader.query({ filter: { hostname: ["new-host-1"] }, limit: 10 }).alerts;
    expect(filtered.map((a) => a.hostname)).toEqual(["new-host-1", "new-host-1"]);
    expect(reader.query({ filter: { tag: ["new-tag"] }, limit: 10 }).alerts).toHaveLength(4);
    const facets = reader.facets({});
    expect(facets.rule).toContainEqual({ value: "A rule only the writer saw", count: 4 });
    expect(facets.hostname).toContainEqual({ value: "new-host-0", count: 2 });
    expect(facets.tag).toContainEqual({ value: "new-tag", count: 4 });
    writer.close();
    reader.close();
  });
});
