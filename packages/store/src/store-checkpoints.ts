import type Database from "better-sqlite3";
import { PrefixRemoval } from "./prefix-removal.js";

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
    // Another connection (the append thread, another process) may have created it since.
    this.hasTable ||= this.tableExists();
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

  /**
   * Removes every alert with a cursor up to `cursor` (and its share of the bucket counts), a
   * chunk per transaction, not counted as retention; returns how many.
   */
  removeThrough(cursor: number): number {
    return new PrefixRemoval(this.db).removeThrough(cursor, false);
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
