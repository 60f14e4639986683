import { parseAlertJson } from "@falco-sdk/core";
import type { StoredAlert } from "./stored-alert.js";

/** The alert of a row of `alerts` (its Falco JSON, integers exact) with its cursor. */
export function storedAlertFromRow(row: {
  readonly seq: number;
  readonly json: string;
}): StoredAlert {
  return Object.assign(parseAlertJson(row.json), { cursor: row.seq });
}
