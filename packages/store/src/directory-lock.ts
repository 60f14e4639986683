import { join } from "node:path";
import Database from "better-sqlite3";
import { classify } from "./open-database.js";
import { StoreLockedError } from "./store-lock-error.js";

/** The file whose lock says a process owns a store directory. */
export function lockPath(directory: string): string {
  return join(directory, "alerts.lock");
}

/**
 * Takes the store directory for this process: an exclusive lock on `alerts.lock` in it (SQLite's
 * own file locking, which the system releases when the process ends, even by kill -9). Throws
 * {@link StoreLockedError} when another process (or another store of this one) holds it.
 * Close the returned database to release it.
 */
export function lockDirectory(directory: string): Database.Database {
  const path = lockPath(directory);
  let db: Database.Database;
  try {
    db = new Database(path, { timeout: 0 });
  } catch (cause) {
    throw classify(path, cause);
  }
  try {
    db.pragma("locking_mode = EXCLUSIVE");
    // The lock is taken by the transaction and, in EXCLUSIVE locking mode, held until close.
    db.exec("BEGIN EXCLUSIVE");
    db.exec("COMMIT");
    return db;
  } catch (cause) {
    db.close();
    if ((cause as { code?: string }).code === "SQLITE_BUSY") {
      throw new StoreLockedError(
        `the store at ${directory} is in use by another process (or another store opened with ` +
          "exclusive: true): stop it, or open a store in another directory.",
        { cause },
      );
    }
    throw classify(path, cause);
  }
}
