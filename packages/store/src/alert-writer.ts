import { type Alert, formatAlertJson } from "@falco-sdk/core";
import type Database from "better-sqlite3";
import { BucketCounts } from "./bucket-counts.js";
import type { Dictionary } from "./dictionary.js";
import { FieldCounts } from "./field-counts.js";
import { classify } from "./open-database.js";
import { StoreFullError } from "./store-errors.js";
import { priorityIndex } from "./store-filter.js";
import { tagsetText } from "./tag-sets.js";

/**
 * Writes a batch of alerts into the store's tables (inside the append's transaction): the alert
 * row (with its tag set), its JSON, its text in the full-text index, and its share of the bucket
 * and field counts.
 */
export class AlertWriter {
  private readonly insertAlert: Database.Statement;
  private readonly insertJson: Database.Statement;
  private readonly insertText: Database.Statement;
  private readonly counts: BucketCounts;
  private readonly fieldCounts: FieldCounts;

  constructor(
    db: Database.Database,
    private readonly dict: Dictionary,
    private readonly textIndex: boolean,
  ) {
    this.insertAlert = db.prepare(
      "INSERT INTO alerts(time_ns, priority, rule, hostname, source, tagset) VALUES (?, ?, ?, ?, ?, ?)",
    );
    this.insertJson = db.prepare("INSERT INTO alert_json(seq, json) VALUES (?, ?)");
    this.insertText = db.prepare("INSERT INTO alert_text(rowid, output) VALUES (?, ?)");
    this.counts = new BucketCounts(db);
    this.fieldCounts = new FieldCounts(db);
  }

  /** Counted fields now (read from the store: another handle may have changed them). */
  countedFields(): readonly string[] {
    return this.fieldCounts.fields();
  }

  /** Writes a non-empty batch; returns the cursors of its first and last alert. */
  write(alerts: readonly Alert[]): { first: number; last: number } {
    let first = 0;
    let last = 0;
    for (const alert of alerts) {
      const tagset = tagsetText(alert.tags.map((tag) => this.dict.idOf("tag", tag)));
      const seq = Number(
        this.insertAlert.run(
          alert.timeNs,
          priorityIndex(alert.priority),
          this.dict.idOf("rule", alert.rule),
          this.dict.idOf("hostname", alert.hostname),
          this.dict.idOf("source", alert.source),
          this.dict.idOf("tagset", tagset),
        ).lastInsertRowid,
      );
      this.insertJson.run(seq, formatAlertJson(alert));
      if (this.textIndex) this.insertText.run(seq, alert.output);
      if (first === 0) first = seq;
      last = seq;
    }
    this.counts.added(first, last);
    this.fieldCounts.added(first, last);
    return { first, last };
  }
}

/** The error of an append that failed: {@link StoreFullError} on a full disk, else as opening's. */
export function appendFailure(path: string, count: number, cause: unknown): Error {
  if ((cause as { code?: string }).code === "SQLITE_FULL") {
    return new StoreFullError(
      `the disk of ${path} is full: ${count} alerts were not stored. Free space ` +
        "or lower the store's size limit (maxBytes), then append them again.",
      { cause },
    );
  }
  return classify(path, cause);
}
