import { parseAlertJson } from "@falco-sdk/core";
import type { StoredAlert } from "./stored-alert.js";

/** The alert of a row of `alerts` (its Falco JSON, integers exact) with its cursor. */
export function storedAlertFromRow(row: {
  readonly seq: number;
  readonly json: string;
}): StoredAlert {
  const alert = Object.assign(parseAlertJson(row.json), { cursor: row.seq });
  Object.defineProperty(alert, STORED_JSON, { value: row.json });
  return alert;
}

const STORED_JSON = Symbol("storedJson");

/**
 * The Falco JSON text a `StoredAlert` was stored as, byte for byte (big integers exact), for a
 * server that passes it on without re-serializing; undefined for an alert not read from a store.
 */
export function storedAlertJson(alert: StoredAlert): string | undefined {
  return (alert as { [STORED_JSON]?: string })[STORED_JSON];
}
