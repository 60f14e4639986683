// The shapes of AlertStore's append and stats (AlertStore, appendAsync's thread and its protocol
// share them).

/** What `append` stored: the cursors of its first and last alert. */
export interface AppendResult {
  /** Cursor of the first alert of the batch. */
  readonly first: number;
  /** Cursor of the last alert of the batch. */
  readonly last: number;
}

/** Options of {@link AlertStore.append}. */
export interface AppendOptions {
  /**
   * A named checkpoint saved in the same transaction as the batch: both are on disk, or
   * neither (a writer that journals what it appends saves how far its journal is stored).
   * Read it back with `AlertStore.checkpoint`. Saved even for an empty batch.
   * @default none
   */
  readonly checkpoint?: { readonly name: string; readonly value: number };
}

/** Figures of a store, from `stats()`. */
export interface AlertStoreStats {
  /** Alerts in the store now. */
  readonly count: number;
  /** Cursor of the oldest alert kept (0 when empty). */
  readonly firstCursor: number;
  /** Cursor of the newest alert appended (0 when none ever was). */
  readonly lastCursor: number;
  /** Alerts removed by retention since the store was created. */
  readonly removed: number;
  /** Bytes of database pages in use. */
  readonly bytes: number;
  /** Readers open now. */
  readonly readers: number;
}
