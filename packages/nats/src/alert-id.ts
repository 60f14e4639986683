import { createHash } from "node:crypto";
import type { Alert } from "@falco-sdk/core";

/**
 * The stable id of an alert, sent as `Nats-Msg-Id` so that JetStream's duplicate window
 * drops a re-sent alert. Derived from what every path (gRPC, http_output, a relay, a file)
 * carries identically: hostname, source, rule, priority, the exact event time in
 * nanoseconds, and the names of the output fields. Not from `output` (over gRPC with
 * json_output it holds the whole JSON document) nor field values (gRPC turns them into
 * strings). Two alerts of the same rule on the same host at the same nanosecond would share
 * an id. Format: `falco-` and 32 hex digits of a SHA-256.
 */
export function alertMessageId(alert: Alert): string {
  const fieldNames = Object.keys(alert.outputFields).sort();
  const canonical = JSON.stringify([
    alert.hostname,
    alert.source,
    alert.rule,
    alert.priority,
    alert.timeNs.toString(),
    fieldNames,
  ]);
  return `falco-${createHash("sha256").update(canonical).digest("hex").slice(0, 32)}`;
}
