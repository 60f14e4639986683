/** The value of `format` in `store_meta` that marks a falco-sdk store. */
export const STORE_FORMAT = "falco-sdk-store";
/**
 * The schema this code writes and reads (2: bucket counts, see bucket-counts.ts; 3: counts of
 * output fields, see field-counts.ts; 4: each alert's tag set in a column of `alerts` rather than
 * a row per tag in a table `alert_tags`).
 */
export const SCHEMA_VERSION = 4;
/**
 * Older schemas this code upgrades when it opens them, in one transaction: 1, 2 or 3 -> 4 moves
 * the tags of every alert kept into `alerts.tagset` (see tag-sets.ts), 1 -> 2 adds and fills the
 * bucket counts, 2 -> 3 the field counts (of `countedFields`, by default
 * `DEFAULT_COUNTED_FIELDS`), read from every alert kept (about 7 s per million alerts).
 */
export const UPGRADABLE_SCHEMAS: readonly number[] = [1, 2, 3];

/**
 * Kinds of string kept once in `dict` and referred to by id. A `tagset` is the tag ids of an
 * alert, ascending, each once, comma-separated ('' for none): `alerts.tagset` is its id.
 */
export const DictKind = { rule: 1, hostname: 2, source: 3, tag: 4, tagset: 5 } as const;
export type DictKind = (typeof DictKind)[keyof typeof DictKind];

/**
 * Tables of a new store, created in one transaction. \`alerts\` is narrow (integers only) so that
 * filters, facets and histograms scan few pages; each alert's Falco JSON is in \`alert_json\`
 * under the same cursor, read only for the alerts a query returns.
 */
export const SCHEMA_SQL = `
CREATE TABLE store_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
CREATE TABLE dict(id INTEGER PRIMARY KEY, kind INTEGER NOT NULL, value TEXT NOT NULL, UNIQUE(kind, value)) STRICT;
CREATE TABLE alerts(
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  time_ns INTEGER NOT NULL,
  priority INTEGER NOT NULL,
  rule INTEGER NOT NULL,
  hostname INTEGER NOT NULL,
  source INTEGER NOT NULL,
  tagset INTEGER NOT NULL
);
CREATE TABLE alert_json(seq INTEGER PRIMARY KEY, json TEXT NOT NULL);
CREATE INDEX alerts_by_time ON alerts(time_ns, priority, rule, hostname, source, tagset);
CREATE VIRTUAL TABLE alert_text USING fts5(output, content='', contentless_delete=1);
CREATE TABLE counters(name TEXT PRIMARY KEY, value INTEGER NOT NULL) STRICT;
INSERT INTO counters(name, value) VALUES ('removed', 0);
`;
