import { type Alert, ConfigurationError, PRIORITIES, parseAlertJson } from "@falco-sdk/core";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { openAlertStore } from "./alert-store.js";
import { DEFAULT_COUNTED_FIELDS, MAX_COUNTED_VALUE_LENGTH } from "./field-counts.js";
import { databasePath } from "./open-database.js";
import {
  BASE_MS,
  downgradeToSchema3,
  expectCountsExact,
  expectNoEmptyCounts,
  fill,
  HOUR_MS,
  pick,
  random,
} from "./test-counts.test.js";
import { useTempDirs } from "./test-dirs.test.js";

const tempDir = useTempDirs();

const NS = "k8s.ns.name";
const IMAGE = "container.image.repository";
/** The fields the facets of these tests ask: two counted ones and one that is not. */
const ASKED = [NS, IMAGE, "proc.name"];

/**
 * An alert whose output fields take awkward values: absent, JSON null, numbers, booleans, an
 * object, quotes, backslashes, non-ASCII, a text "0", and (rarely) values longer than the counts
 * keep or exactly as long.
 */
function fieldAlert(i: number, ms: number, rnd: () => number): Alert {
  const long = "L".repeat(MAX_COUNTED_VALUE_LENGTH + 1);
  const ns = pick(rnd, ['"prod"', '"dev"', '"kube-system"', "null", "42", '"0"', '"q\\"uo\\\\te"']);
  const image = pick(rnd, ['"nginx"', '"redis"', '"ünï/ćødé"', "true", '{"a":[1,2]}', "1.5"]);
  const fields: string[] = [`"proc.name":"p${i % 3}"`];
  if (rnd() < 0.9) fields.push(`"${NS}":${i % 1000 === 7 ? JSON.stringify(long) : ns}`);
  if (rnd() < 0.9) {
    const exact = JSON.stringify("E".repeat(MAX_COUNTED_VALUE_LENGTH));
    fields.push(`"${IMAGE}":${rnd() < 0.01 ? exact : image}`);
  }
  const timeNs = BigInt(ms) * 1_000_000n + BigInt(i % 1000);
  return parseAlertJson(
    JSON.stringify({
      time: new Date(ms).toISOString(),
      rule: pick(rnd, ["Write below etc", "K8s Secret Deleted"]),
      priority: PRIORITIES[i % 8],
      source: pick(rnd, ["syscall", "k8s_audit", "aws_cloudtrail"]),
      hostname: pick(rnd, ["node-a", "node-b", "node-c"]),
      tags: i % 3 === 0 ? ["shell"] : ["filesystem"],
      output: `alert ${i}`,
      output_fields: {},
    }).replace('"output_fields":{}', `"output_fields":{${fields.join(",")},"evt.time":${timeNs}}`),
  );
}

describe("field counts", () => {
  it("facets of counted fields equal a scan of every alert, on random filters and windows", () => {
    const directory = tempDir();
    const rnd = random(30);
    const store = openAlertStore({ directory });
    fill(store, rnd, 0, 6000, fieldAlert);
    expectCountsExact(store, rnd, 100, ASKED);
    const facets = store.facets({ fields: ASKED, limit: 50 });
    expect(facets.fields[NS]?.map((f) => f.value).sort()).toContain('q"uo\\te');
    expect(facets.fields[IMAGE]?.map((f) => f.value)).toContain('{"a":[1,2]}');
    // The image facet came from the counts (no image is too long to be counted), the namespace
    // one from the alerts (some are): a count changed behind the store's back shows in the first.
    const nginx = { filter: { fields: { [IMAGE]: ["nginx"] } } };
    const hours = { ...nginx, since: new Date(BASE_MS), until: new Date(BASE_MS + 30 * HOUR_MS) };
    const hourly = { ...hours, bucketMs: HOUR_MS };
    const nginxBefore = { facets: store.facets(nginx), histogram: store.histogram(hourly) };
    const key = "level, bucket, priority, rule, hostname, source, tagset, v0, v1, v2, v7";
    store.db.exec(
      `UPDATE field_counts SET n = n + 1 WHERE (${key}) = (SELECT ${key} FROM field_counts
       WHERE level = 3600 AND v1 = 'snginx' LIMIT 1)`,
    );
    const changed = store.facets({ fields: ASKED, limit: 50 });
    expect(changed.fields[IMAGE]).not.toEqual(facets.fields[IMAGE]);
    expect(changed.fields[NS]).toEqual(facets.fields[NS]);
    // So did the facets and histogram filtered on a counted field.
    expect(store.facets(nginx).total).toBe(nginxBefore.facets.total + 1);
    expect(store.histogram(hourly)).not.toEqual(nginxBefore.histogram);
    store.close();
    expectNoEmptyCounts(directory, 6000);
  });

  it("stay exact while retention and removeThrough remove alerts", () => {
    const directory = tempDir();
    const rnd = random(31);
    const store = openAlertStore({ directory, maxCount: 2500 });
    for (let round = 0; round < 4; round++) {
      fill(store, rnd, round * 1500, round * 1500 + 1500, fieldAlert);
      expectCountsExact(store, rnd, 20, ASKED);
    }
    expect(store.stats().removed).toBe(3500);
    const { firstCursor } = store.stats();
    expect(store.removeThrough(firstCursor + 999)).toBe(1000);
    expectCountsExact(store, rnd, 20, ASKED);
    store.close();
    expectNoEmptyFieldCounts(directory, 1500);
    const aged = openAlertStore({ directory, retentionMs: Date.now() - BASE_MS - 15 * HOUR_MS });
    const left = aged.stats().count;
    expectCountsExact(aged, rnd, 20, ASKED);
    aged.close();
    expectNoEmptyFieldCounts(directory, left);
  });

  it("a store of schema 2 gets the default field counts when opened", () => {
    const directory = tempDir();
    const rnd = random(32);
    const store = openAlertStore({ directory });
    fill(store, rnd, 0, 2000, fieldAlert);
    store.close();
    downgradeToSchema3(directory);
    const db = new Database(databasePath(directory));
    db.exec("DROP TABLE field_counts; DELETE FROM store_meta WHERE key = 'counted_fields'");
    db.prepare("UPDATE store_meta SET value = '2' WHERE key = 'schema'").run();
    db.close();
    const upgraded = openAlertStore({ directory });
    expect(countedFields(upgraded)).toEqual(DEFAULT_COUNTED_FIELDS);
    expectCountsExact(upgraded, rnd, 40, ASKED);
    upgraded.close();
    expectNoEmptyFieldCounts(directory, 2000);
    const meta = new Database(databasePath(directory), { readonly: true });
    expect(meta.prepare("SELECT value FROM store_meta WHERE key = 'schema'").pluck().get()).toBe(
      "4",
    );
    meta.close();
  });

  it("other countedFields recount every alert kept; undefined keeps the store's", () => {
    const directory = tempDir();
    const rnd = random(33);
    const store = openAlertStore({ directory, countedFields: ["proc.name"] });
    fill(store, rnd, 0, 1500, fieldAlert);
    store.close();
    const other = openAlertStore({ directory, countedFields: [IMAGE, "proc.name"] });
    expect(countedFields(other)).toEqual([IMAGE, "proc.name"]);
    fill(other, rnd, 1500, 2500, fieldAlert);
    expectCountsExact(other, rnd, 30, ASKED);
    other.close();
    const same = openAlertStore({ directory });
    expect(countedFields(same)).toEqual([IMAGE, "proc.name"]);
    same.close();
    const none = openAlertStore({ directory, countedFields: [] });
    expectCountsExact(none, rnd, 10, ASKED);
    none.close();
    expectNoEmptyFieldCounts(directory, 0);
  });

  it("a store open while another handle recounts other fields follows them", () => {
    const directory = tempDir();
    const rnd = random(34);
    const first = openAlertStore({ directory, countedFields: [NS] });
    fill(first, rnd, 0, 1000, fieldAlert);
    const second = openAlertStore({ directory, countedFields: [IMAGE, NS] });
    fill(first, rnd, 1000, 2000, fieldAlert);
    first.removeThrough(300);
    expectCountsExact(first, rnd, 20, ASKED);
    expectCountsExact(second, rnd, 20, ASKED);
    second.close();
    first.close();
    expectNoEmptyFieldCounts(directory, 1700);
  });

  it("refuses countedFields it cannot keep, naming the option", () => {
    const directory = tempDir();
    for (const countedFields of [[""], ["a", "a"], Array.from({ length: 9 }, (_, i) => `f${i}`)]) {
      expect(() => openAlertStore({ directory, countedFields })).toThrow(ConfigurationError);
      expect(() => openAlertStore({ directory, countedFields })).toThrow(/countedFields/);
    }
  });
});

function countedFields(store: { db: Database.Database }): string[] {
  return JSON.parse(
    store.db
      .prepare("SELECT value FROM store_meta WHERE key = 'counted_fields'")
      .pluck()
      .get() as string,
  ) as string[];
}

/** No row of the field counts is 0 or less, and each width counts every alert (0 with no fields). */
function expectNoEmptyFieldCounts(directory: string, count: number): void {
  const db = new Database(databasePath(directory), { readonly: true });
  expect(db.prepare("SELECT count(*) FROM field_counts WHERE n <= 0").pluck().get()).toBe(0);
  for (const level of [300, 3600]) {
    expect(
      db.prepare("SELECT coalesce(sum(n), 0) FROM field_counts WHERE level = ?").pluck().get(level),
    ).toBe(count);
  }
  db.close();
}
