import type { Alert } from "@falco-sdk/core";
import { encodeResponseFrame } from "./response-encoder.js";

/** Each alert's gRPC message frame, built and encoded once for all subscribers. */
const frames = new WeakMap<Alert, Buffer>();

/**
 * The gRPC message frame the relay writes to subscribers for `alert`: the flag byte (0: not
 * compressed), the 4-byte big-endian length, then `responseFromAlert(alert)` encoded. Built on
 * first use (by the registry as it publishes the alert, when a gRPC subscriber is attached)
 * and shared by every subscriber: N subscribers cost one encoding of the alert, and
 * each write hands the same bytes to HTTP/2 (nothing copied or allocated per subscriber).
 * Only for writing: never modify it.
 */
export function encodedFrame(alert: Alert): Buffer {
  let frame = frames.get(alert);
  if (frame === undefined) {
    frame = encodeResponseFrame(alert);
    frames.set(alert, frame);
  }
  return frame;
}
