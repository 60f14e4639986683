import type Database from "better-sqlite3";

/** Alerts removed per transaction by `removeThrough`, so the writer is never held for long. */
const CHUNK = 2000;

const CREATE_SQL =
  "CREATE TABLE IF NOT EXISTS store_checkpoints(name TEXT PRIMARY KEY, cursor INTEGER NOT NULL) STRICT";

/**
 * Named cursors kept in the store (a consumer's "read up to here"), and the removal of what every
 * consumer is done with. The table is created at the first `set`, so a store that never used a
 * checkpoint keeps the schema it was created with and older versions still open it.
 */
export class StoreCheckpoints {
  private hasTable: boolean;

  constructor(private readonly db: Database.Database) {
    this.hasTable = this.tableExists();
  }

  /** The cursor saved under `name`, 0 when none was. */
  get(name: string): number {
    if (!this.hasTable) return 0;
    const cursor = this.db
      .prepare("SELECT cursor FROM store_checkpoints WHERE name = ?")
      .pluck()
      .get(name) as number | undefined;
    return cursor ?? 0;
  }

  /** Saves `cursor` under `name` in one transaction. */
  set(name: string, cursor: number): void {
    if (!this.hasTable) {
      this.db.exec(CREATE_SQL);
      this.hasTable = true;
    }
    this.db
      .prepare(
        "INSERT INTO store_checkpoints(name, cursor) VALUES (?, ?) " +
          "ON CONFLICT(name) DO UPDATE SET cursor = excluded.cursor",
      )
      .run(name, cursor);
  }

  /** Removes every alert with a cursor up to `cursor`, a chunk per transaction; returns how many. */
  removeThrough(cursor: number): number {
    const db = this.db;
    const removeUpTo = db.transaction((seq: number) => {
      db.prepare("DELETE FROM alert_tags WHERE seq <= ?").run(seq);
      db.prepare(
        "DELETE FROM alert_text WHERE rowid IN (SELECT seq FROM alerts WHERE seq <= ?)",
      ).run(seq);
      db.prepare("DELETE FROM alert_json WHERE seq <= ?").run(seq);
      return db.prepare("DELETE FROM alerts WHERE seq <= ?").run(seq).changes;
    });
    const oldest = db.prepare("SELECT coalesce(min(seq), 0) FROM alerts").pluck();
    let removed = 0;
    for (;;) {
      const first = Number(oldest.get());
      if (first === 0 || first > cursor) return removed;
      removed += removeUpTo(Math.min(cursor, first + CHUNK - 1));
    }
  }

  private tableExists(): boolean {
    return (
      this.db
        .prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'store_checkpoints'")
        .pluck()
        .get() !== undefined
    );
  }
}
