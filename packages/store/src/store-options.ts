/** Options of {@link openAlertStore}. */
export interface AlertStoreOptions {
  /** Directory of the store (created when missing); the database is `alerts.db` in it. */
  readonly directory: string;
  /** Remove alerts older than this (by their event time). @default undefined: kept whatever their age */
  readonly retentionMs?: number;
  /**
   * Remove the oldest alerts while the database uses more than this many bytes of pages (its
   * file never grows much past it: freed pages are reused). @default undefined: no limit
   */
  readonly maxBytes?: number;
  /** Keep at most this many alerts, removing the oldest. @default undefined: no limit */
  readonly maxCount?: number;
  /** How often age retention runs, and how often readers look for alerts another process appended. @default 1000 */
  readonly checkIntervalMs?: number;
  /**
   * `true`: each `append` is on the disk (fsync) when it returns, so it survives a power loss.
   * `false`: it survives the process being killed (kill -9) but a power loss may take the last ones.
   * @default true
   */
  readonly durable?: boolean;
  /**
   * `false`: `append` does not index each alert's output for full-text search (a `text` filter
   * does not find the alerts this store appended), which makes appends about a quarter cheaper
   * (see BENCHMARKS.md).
   * For a store only read in order, such as a spool.
   * @default true
   */
  readonly textIndex?: boolean;
  /**
   * Output fields whose values `append` counts per 5 minutes and per hour, so that `facets` of
   * these `fields`, and filters on them (with priorities, rules, hostnames and sources), answer
   * without reading each alert: at most 8 names. Values longer than 256 characters are not kept
   * in the counts (a facet over a range that has one reads the alerts, exactly). Two fields cost
   * each append about a third more CPU. Opening a store with fields other than those it counts
   * recounts them from every alert kept, in one transaction (about 7 s per million alerts, during
   * which other processes' appends wait): every process that opens a store should give the same
   * fields, or leave this undefined.
   * @default undefined: the fields the store counts; a new store (or one of schema 2 upgraded)
   *   counts `DEFAULT_COUNTED_FIELDS` (`k8s.ns.name`, `container.image.repository`)
   */
  readonly countedFields?: readonly string[];
  /**
   * `true`: this store owns its directory while it is open: opening it again (from another
   * process, or another `exclusive` store in this one) throws `StoreLockedError` until it is
   * closed (or garbage-collected: keep a reference) or its process ends (even by kill -9). For a
   * single writer such as a spool.
   * @default false
   */
  readonly exclusive?: boolean;
}
