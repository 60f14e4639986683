import { type Alert, PRIORITIES, parseAlertJson } from "@falco-sdk/core";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { type AlertStore, openAlertStore } from "./alert-store.js";
import { databasePath } from "./open-database.js";
import {
  downgradeToSchema3,
  expectCountsExact,
  expectNoEmptyCounts,
  fill,
  pick,
  queriesOf,
  random,
} from "./test-counts.test.js";
import { useTempDirs } from "./test-dirs.test.js";

const tempDir = useTempDirs();

const TAGS = ["shell", "container", "filesystem", "T1059", "mitre_execution", "ünï", 'q"uote'];

/** An alert with a random tag list: none, one, several, out of order, a tag twice. */
function tagAlert(i: number, ms: number, rnd: () => number): Alert {
  const n = Math.floor(rnd() * 5);
  const tags = Array.from({ length: n }, () => pick(rnd, TAGS));
  return parseAlertJson({
    time: new Date(ms).toISOString(),
    rule: pick(rnd, ["Write below etc", "Terminal shell in container"]),
    priority: PRIORITIES[i % 8],
    source: "syscall",
    hostname: pick(rnd, ["node-a", "node-b"]),
    tags,
    output: `alert ${i}`,
    output_fields: { "k8s.ns.name": pick(rnd, ["prod", "dev"]) },
  });
}

/** What every tag filter and tag facet answers, by the counts and by a scan. */
function tagAnswers(store: AlertStore): unknown {
  const queries = queriesOf(store);
  const answers: unknown[] = [];
  for (const useCounts of [true, false]) {
    queries.useCounts = useCounts;
    answers.push(store.facets({ limit: 50 }).tag);
    for (const tag of [...TAGS, "no such tag"]) {
      for (const filter of [{ tag: [tag] }, { not: { tag: [tag] } }, { tag: [tag, "shell"] }]) {
        const page = store.query({ filter, limit: 10_000 });
        answers.push(page.alerts.map((a) => a.cursor));
        answers.push(store.facets({ filter, limit: 50 }));
      }
    }
  }
  queries.useCounts = true;
  return answers;
}

describe("tag sets", () => {
  it("filters and facets by tag count each alert once per distinct tag it has", () => {
    const directory = tempDir();
    const rnd = random(40);
    const store = openAlertStore({ directory });
    const appended: Alert[] = [];
    fill(store, rnd, 0, 3000, (i, ms, r) => {
      const alert = tagAlert(i, ms, r);
      appended.push(alert);
      return alert;
    });
    const expected = new Map<string, number>();
    for (const alert of appended)
      for (const tag of new Set(alert.tags)) expected.set(tag, (expected.get(tag) ?? 0) + 1);
    const queries = queriesOf(store);
    for (const useCounts of [true, false]) {
      queries.useCounts = useCounts;
      const facet = store.facets({ limit: 50 }).tag;
      expect(new Map(facet.map((f) => [f.value, f.count]))).toEqual(expected);
      for (const tag of TAGS) {
        const tagged = appended.filter((a) => a.tags.includes(tag)).length;
        expect(store.facets({ filter: { tag: [tag] } }).total).toBe(tagged);
        expect(store.facets({ filter: { not: { tag: [tag] } } }).total).toBe(3000 - tagged);
      }
    }
    queries.useCounts = true;
    expectCountsExact(store, rnd, 40);
    store.close();
  });

  it("a store of schema 3 (a row per tag) gets its tag sets when opened, with the same answers", () => {
    const directory = tempDir();
    const rnd = random(41);
    const store = openAlertStore({ directory, maxCount: 2500 });
    fill(store, rnd, 0, 3000, tagAlert);
    const before = tagAnswers(store);
    store.close();
    const counts = countRows(directory);
    downgradeToSchema3(directory);
    const old = new Database(databasePath(directory), { readonly: true });
    expect(old.prepare("SELECT count(DISTINCT seq) FROM alert_tags").pluck().get()).toBeGreaterThan(
      1500,
    );
    old.close();
    const upgraded = openAlertStore({ directory, maxCount: 2500 });
    expect(tagAnswers(upgraded)).toEqual(before);
    // The counts of schema 3 stay as they were, and equal a scan of the tag sets.
    expectCountsExact(upgraded, rnd, 30);
    upgraded.close();
    expect(countRows(directory)).toEqual(counts);
    const reopened = openAlertStore({ directory, maxCount: 2500 });
    fill(reopened, rnd, 3000, 4000, tagAlert);
    expectCountsExact(reopened, rnd, 30);
    reopened.close();
    expectNoEmptyCounts(directory, 2500);
    const db = new Database(databasePath(directory), { readonly: true });
    expect(db.prepare("SELECT value FROM store_meta WHERE key = 'schema'").pluck().get()).toBe("4");
    expect(db.prepare("SELECT name FROM sqlite_schema").pluck().all()).not.toContain("alert_tags");
    db.close();
  });
});

/** Every row of the bucket and field counts. */
function countRows(directory: string): unknown[] {
  const db = new Database(databasePath(directory), { readonly: true });
  const rows = [
    db.prepare("SELECT * FROM alert_counts ORDER BY 1, 2, 3, 4, 5, 6, 7").raw().all(),
    db.prepare("SELECT * FROM field_counts ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9").raw().all(),
  ];
  db.close();
  return rows;
}
