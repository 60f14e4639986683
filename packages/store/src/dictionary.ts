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

  constructor(db: Database.Database) {
    this.find = db
      .prepare<[number, string], number>("SELECT id FROM dict WHERE kind = ? AND value = ?")
      .pluck();
    this.insert = db.prepare<[number, string]>("INSERT INTO dict(kind, value) VALUES (?, ?)");
    for (const row of db.prepare("SELECT id, kind, value FROM dict").iterate() as Iterable<{
      id: number;
      kind: number;
      value: string;
    }>) {
      this.ids.set(key(row.kind, row.value), row.id);
      this.values.set(row.id, row.value);
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

  /** The id of `value` when an alert ever had it. */
  lookup(kind: Kind, value: string): number | undefined {
    return this.ids.get(key(DictKind[kind], value));
  }

  /** The string of an id. */
  valueOf(id: number): string {
    return this.values.get(id) ?? "";
  }

  /** Forgets ids added by a transaction that rolled back. */
  forget(fromId: number): void {
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
