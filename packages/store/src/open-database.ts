import { closeSync, mkdirSync, openSync, readSync } from "node:fs";
import { dirname, join } from "node:path";
import Database from "better-sqlite3";
import { BucketCounts, COUNTS_SCHEMA_SQL } from "./bucket-counts.js";
import {
  DEFAULT_COUNTED_FIELDS,
  FIELD_COUNTS_SCHEMA_SQL,
  setCountedFields,
} from "./field-counts.js";
import { SCHEMA_SQL, SCHEMA_VERSION, STORE_FORMAT, UPGRADABLE_SCHEMAS } from "./schema.js";
import { StoreAccessError, StoreCorruptError, StoreForeignError } from "./store-errors.js";
import { upgradeTagSets } from "./tag-sets.js";

const SQLITE_MAGIC = "SQLite format 3\0";

/** The path of the database in a store directory. */
export function databasePath(directory: string): string {
  return join(directory, "alerts.db");
}

/**
 * Opens (or creates) the store's database. A file that is not SQLite, a SQLite database that
 * is not a store, a store of a newer schema or a damaged one is refused: never written to.
 * `countedFields` (undefined: those the store counts, {@link DEFAULT_COUNTED_FIELDS} for a new
 * or upgraded one) different from those it counts are recounted (see `setCountedFields`).
 */
export function openDatabase(
  directory: string,
  durable: boolean,
  countedFields?: readonly string[],
): Database.Database {
  const path = databasePath(directory);
  try {
    makeDirectory(directory);
  } catch (cause) {
    throw accessError(directory, cause);
  }
  checkHeader(path);
  let db: Database.Database;
  try {
    db = new Database(path);
  } catch (cause) {
    throw classify(path, cause);
  }
  try {
    // Read what the file is before anything writes to it: a database of another program is
    // refused untouched (even the journal mode is a write).
    const schema = checkSchema(db, path);
    db.pragma("journal_mode = WAL");
    db.pragma(`synchronous = ${durable ? "FULL" : "NORMAL"}`);
    if (schema === 0) createSchema(db, countedFields ?? DEFAULT_COUNTED_FIELDS);
    else if (schema !== SCHEMA_VERSION) upgradeSchema(db, schema, countedFields);
    else if (countedFields !== undefined) setCountedFields(db, countedFields);
    tuneTextIndex(db);
    return db;
  } catch (cause) {
    db.close();
    throw cause instanceof StoreForeignError ? cause : classify(path, cause);
  }
}

/**
 * FTS5 merges the full-text index's segments as it grows: by default once 4 segments of a level
 * exist, a third of an append's CPU on this workload. At 16 the store ingests 1M alerts with
 * about 15% less CPU per alert (bench/run.mjs) and a text query reads a few more segments. The
 * setting is kept in the store (set once, on the first open by this code).
 */
function tuneTextIndex(db: Database.Database): void {
  const automerge = db
    .prepare("SELECT v FROM alert_text_config WHERE k = 'automerge'")
    .pluck()
    .get();
  if (automerge === undefined)
    db.exec("INSERT INTO alert_text(alert_text, rank) VALUES ('automerge', 16)");
}

/**
 * Creates the directory and its missing parents (mode 700). Not `mkdirSync`'s `recursive`: on a
 * path such as /proc/self/x, where creating fails with ENOENT under an existing parent, Node 20's
 * recursive mkdir never returns.
 */
function makeDirectory(directory: string): void {
  try {
    mkdirSync(directory, { mode: 0o700 });
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return;
    const parent = dirname(directory);
    if (code !== "ENOENT" || parent === directory) throw cause;
    makeDirectory(parent);
    mkdirSync(directory, { mode: 0o700 });
  }
}

/** Refuses, before SQLite touches it, a file that is not a SQLite database. */
function checkHeader(path: string): void {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === "ENOENT") return;
    throw accessError(path, cause);
  }
  try {
    const head = Buffer.alloc(16);
    const n = readSync(fd, head, 0, 16, 0);
    if (n === 0) return; // an empty file: SQLite makes it a database
    if (n < 16 || head.toString("latin1") !== SQLITE_MAGIC) {
      throw new StoreForeignError(
        `${path} is not a falco-sdk store (not a SQLite database); it was left as it is. ` +
          "Move it away or choose another store directory.",
      );
    }
  } finally {
    closeSync(fd);
  }
}

function createSchema(db: Database.Database, countedFields: readonly string[]): void {
  db.transaction(() => {
    db.exec(SCHEMA_SQL);
    db.exec(COUNTS_SCHEMA_SQL);
    db.exec(FIELD_COUNTS_SCHEMA_SQL);
    const put = db.prepare("INSERT INTO store_meta(key, value) VALUES (?, ?)");
    put.run("format", STORE_FORMAT);
    put.run("schema", String(SCHEMA_VERSION));
    put.run("created", new Date().toISOString());
    setCountedFields(db, countedFields);
  })();
}

/**
 * Schema 1, 2 or 3 to 4, in one transaction: the tag sets in `alerts` (3 -> 4, first: the counts
 * read them), the bucket counts (1 -> 2), filled from the alerts kept, and the field counts
 * (2 -> 3), of `countedFields` (undefined: `DEFAULT_COUNTED_FIELDS`; from 3, those it counts),
 * filled from the alerts kept.
 */
function upgradeSchema(
  db: Database.Database,
  from: number,
  countedFields: readonly string[] | undefined,
): void {
  db.transaction(() => {
    upgradeTagSets(db);
    if (from < 2) {
      db.exec(COUNTS_SCHEMA_SQL);
      new BucketCounts(db).added(0, Number.MAX_SAFE_INTEGER);
    }
    if (from < 3) {
      db.exec(FIELD_COUNTS_SCHEMA_SQL);
      setCountedFields(db, countedFields ?? DEFAULT_COUNTED_FIELDS);
    } else if (countedFields !== undefined) setCountedFields(db, countedFields);
    db.prepare("UPDATE store_meta SET value = ? WHERE key = 'schema'").run(String(SCHEMA_VERSION));
  })();
}

/**
 * The schema of the store (0 for an empty database: a new store); throws for anything but a
 * store of this schema or of one it upgrades.
 */
function checkSchema(db: Database.Database, path: string): number {
  const tables = db
    .prepare("SELECT name FROM sqlite_schema WHERE type = 'table'")
    .pluck()
    .all() as string[];
  if (tables.length === 0) return 0;
  const format = tables.includes("store_meta")
    ? (db.prepare("SELECT value FROM store_meta WHERE key = 'format'").pluck().get() as
        | string
        | undefined)
    : undefined;
  if (format !== STORE_FORMAT) {
    throw new StoreForeignError(
      `${path} is a SQLite database but not a falco-sdk store; it was left as it is. ` +
        "Move it away or choose another store directory.",
    );
  }
  const schema = Number(
    db.prepare("SELECT value FROM store_meta WHERE key = 'schema'").pluck().get(),
  );
  if (schema !== SCHEMA_VERSION && !UPGRADABLE_SCHEMAS.includes(schema)) {
    throw new StoreForeignError(
      `${path} is a falco-sdk store of schema ${schema}; this version reads schema ${SCHEMA_VERSION}. ` +
        "Open it with the version of @falco-sdk/store that wrote it, or choose another directory.",
    );
  }
  return schema;
}

/** The store's error for a failure SQLite or the file system reported. */
export function classify(path: string, cause: unknown): Error {
  const code = (cause as { code?: string }).code ?? "";
  if (code.startsWith("SQLITE_CORRUPT") || code === "SQLITE_NOTADB") {
    return new StoreCorruptError(
      `${path} is damaged (${code}); it was left as it is. Keep it for inspection ` +
        "(sqlite3's .recover can salvage alerts) and start a new store in another directory.",
      { cause },
    );
  }
  if (
    code === "SQLITE_READONLY" ||
    code.startsWith("SQLITE_READONLY_") ||
    code.startsWith("SQLITE_CANTOPEN") ||
    code === "SQLITE_PERM" ||
    code.startsWith("SQLITE_IOERR")
  ) {
    return accessError(path, cause);
  }
  return cause instanceof Error ? cause : new Error(String(cause));
}

function accessError(path: string, cause: unknown): StoreAccessError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new StoreAccessError(
    `cannot write the store at ${path} (${reason}). The store needs a directory it can read ` +
      "and write (check its owner and permissions, and that the file system is not read-only).",
    { cause },
  );
}
