import type Database from "better-sqlite3";
import { DictKind } from "./schema.js";

type Kind = keyof typeof DictKind;

/**
 * Rule names, hostnames, sources and tags, each kept once in the `dict` table and referred to by
 * id, with a cache in memory (bounded by how many distinct names the alerts have).
 */
export class Dictionary {
  private readonly ids = new Map<string, number>();
  private readonly values = new Map<number, string>();
  private readonly find: Database.Statement<[number, string], number>;
  private readonly insert: Database.Statement<[number, string]>;
  private readonly newer: Database.Statement<[number]>;
  /** The highest id read from the table. */
  private maxId = 0;

  constructor(db: Database.Database) {
    this.find = db
      .prepare<[number, string], number>("SELECT id FROM dict WHERE kind = ? AND value = ?")
      .pluck();
    this.insert = db.prepare<[number, string]>("INSERT INTO dict(kind, value) VALUES (?, ?)");
    this.newer = db.prepare("SELECT id, kind, value FROM dict WHERE id > ? ORDER BY id");
    this.refresh();
  }

  /**
   * Reads the names another handle (another process, or this store's append worker) added
   * since this one last looked: the ids of a handle that only reads stay complete.
   */
  private refresh(): void {
    for (const row of this.newer.iterate(this.maxId) as Iterable<{
      id: number;
      kind: number;
      value: string;
    }>) {
      this.ids.set(key(row.kind, row.value), row.id);
      this.values.set(row.id, row.value);
      this.maxId = row.id;
    }
  }

  /** The id of `value`, added when new; call inside the append transaction. */
  idOf(kind: Kind, value: string): number {
    const k = key(DictKind[kind], value);
    const cached = this.ids.get(k);
    if (cached !== undefined) return cached;
    const id =
      this.find.get(DictKind[kind], value) ??
      Number(this.insert.run(DictKind[kind], value).lastInsertRowid);
    this.ids.set(k, id);
    this.values.set(id, value);
    return id;
  }

  /** The id of `value` when an alert ever had it (in this handle or another). */
  lookup(kind: Kind, value: string): number | undefined {
    const k = key(DictKind[kind], value);
    const id = this.ids.get(k);
    if (id !== undefined) return id;
    this.refresh();
    return this.ids.get(k);
  }

  /** The string of an id. */
  valueOf(id: number): string {
    const value = this.values.get(id);
    if (value !== undefined) return value;
    this.refresh();
    return this.values.get(id) ?? "";
  }

  /** Forgets ids added by a transaction that rolled back. */
  forget(fromId: number): void {
    this.maxId = Math.min(this.maxId, fromId - 1);
    for (const [k, id] of this.ids) {
      if (id >= fromId) {
        this.ids.delete(k);
        this.values.delete(id);
      }
    }
  }
}

function key(kind: number, value: string): string {
  return `${kind}\u0000${value}`;
}
