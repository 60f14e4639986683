import type Database from "better-sqlite3";
import { DictKind } from "./schema.js";

// Each alert's tags are one id in `alerts.tagset`: the id in `dict` of its tag set (kind
// `tagset`), the text of its tag ids ascending, each once, comma-separated ('' for none), which is
// also the `tagset` column of the bucket and field counts. In Falco a rule's alerts share one tag
// set, so a store holds few. Schema 3 kept a row per tag and alert in `alert_tags` (about five
// per alert, in two b-trees: a fifth of an append's CPU).

/** The tag set of tag ids (sorted in place): ascending, each once, comma-separated. */
export function tagsetText(ids: number[]): string {
  if (ids.length > 1) ids.sort((a, b) => a - b);
  let text = "";
  let previous = Number.NaN;
  for (const id of ids) {
    if (id === previous) continue;
    text = text === "" ? String(id) : `${text},${id}`;
    previous = id;
  }
  return text;
}

/** The tag set of the alert `a` (its text), as stored in the counts' `tagset`. */
export const TAGSET = `(SELECT d.value FROM dict d WHERE d.id = a.tagset)`;

/** SQL of the ids of the tag sets holding any of `n` tag ids (bound after it). */
export function tagsetsWithAny(n: number): string {
  const marks = Array.from({ length: n }, () => "?").join(", ");
  return `SELECT d.id FROM dict d, json_each('[' || d.value || ']') j
    WHERE d.kind = ${DictKind.tagset} AND j.value IN (${marks})`;
}

/**
 * Schema 1, 2 or 3 to 4 (inside the upgrade's transaction): each alert's tags, rows of
 * `alert_tags`, become the id of its tag set in `alerts.tagset`; `alert_tags` is dropped and
 * `alerts_by_time` made again with the tag set.
 */
export function upgradeTagSets(db: Database.Database): void {
  const old =
    "(SELECT coalesce(group_concat(t.tag, ','), '') FROM alert_tags t INDEXED BY alert_tags_by_seq WHERE t.seq = a.seq)";
  db.exec(`
    ALTER TABLE alerts ADD COLUMN tagset INTEGER NOT NULL DEFAULT 0;
    CREATE TEMP TABLE upgrade_tagsets(seq INTEGER PRIMARY KEY, tagset TEXT NOT NULL);
    INSERT INTO temp.upgrade_tagsets(seq, tagset) SELECT a.seq, ${old} FROM alerts a;
    INSERT OR IGNORE INTO dict(kind, value)
      SELECT DISTINCT ${DictKind.tagset}, tagset FROM temp.upgrade_tagsets ORDER BY 2;
    UPDATE alerts SET tagset = (SELECT d.id FROM temp.upgrade_tagsets u, dict d
      WHERE u.seq = alerts.seq AND d.kind = ${DictKind.tagset} AND d.value = u.tagset);
    DROP TABLE temp.upgrade_tagsets;
    DROP TABLE alert_tags;
    DROP INDEX alerts_by_time;
    CREATE INDEX alerts_by_time ON alerts(time_ns, priority, rule, hostname, source, tagset);
  `);
}
