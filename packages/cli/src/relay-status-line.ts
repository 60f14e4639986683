import type { RelayStatus } from "@falco-sdk/relay";
import { describeError } from "./exit-codes.js";
import { plural } from "./plural.js";
import { storeFailureLine } from "./store-flags.js";

/**
 * The stderr line (without the `falco-alerts: ` prefix) of a relay status event, or undefined
 * for the events `falco-alerts relay` does not report.
 */
export function relayStatusLine(event: RelayStatus, store: string): string | undefined {
  if (event.type === "subscriber-dropping") {
    return `subscriber ${event.subscriber} does not keep up: ${plural(event.dropped, "alert")} dropped`;
  }
  if (event.type === "request-rejected") {
    return `refused a malformed request from ${event.peer} (${event.reason}): ${event.message}`;
  }
  if (event.type === "store-failed") return storeFailureLine(store, event.error, event.notStored);
  if (event.type === "store-recovered") {
    return `--store ${store}: storing again (${plural(event.notStored, "alert")} were not stored)`;
  }
  if (event.type === "source-ended" && event.error !== undefined) {
    return `input ${event.source} stopped: ${describeError(event.error)}`;
  }
  return undefined;
}
