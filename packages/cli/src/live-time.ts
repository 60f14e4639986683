import { withOutputLineTime } from "@falco-sdk/core";
import type { AlertInit } from "@falco-sdk/testing/servers";

/**
 * The alert as if its event happened at `epochNs` (ns since the epoch): `time`, the
 * "HH:MM:SS.nnnnnnnnn: " prefix of `output` and the `evt.time` output field all agree,
 * as in an alert from Falco.
 */
export function withEventTime(alert: AlertInit, epochNs: bigint): AlertInit {
  const time = { seconds: epochNs / 1_000_000_000n, nanos: Number(epochNs % 1_000_000_000n) };
  // The init shape also admits a full message, whose `time` has a $typeName: a plain copy.
  const stamped = { ...alert, time } as AlertInit;
  if (alert.output !== undefined) {
    stamped.output = withOutputLineTime(alert.output, epochNs);
  }
  if (alert.outputFields && "evt.time" in alert.outputFields) {
    stamped.outputFields = { ...alert.outputFields, "evt.time": String(epochNs) };
  }
  return stamped;
}

/** Now in ns since the epoch, strictly increasing between calls. */
export function createEventClock(): () => bigint {
  let last = 0n;
  return () => {
    const ns = BigInt(Date.now()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n);
    last = ns > last ? ns : last + 1n;
    return last;
  };
}
