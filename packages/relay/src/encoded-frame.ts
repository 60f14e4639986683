import { toBinary } from "@bufbuild/protobuf";
import type { Alert } from "@falco-sdk/core";
import { responseFromAlert } from "@falco-sdk/proto";
import { responseSchema } from "@falco-sdk/proto/outputs";

/** Each alert's gRPC message frame, built and encoded once for all subscribers. */
const frames = new WeakMap<Alert, Buffer>();

/**
 * The gRPC message frame the relay writes to subscribers for `alert`: the flag byte (0: not
 * compressed), the 4-byte big-endian length, then `responseFromAlert(alert)` encoded. Built on
 * first use and shared by every subscriber: N subscribers cost one encoding of the alert, and
 * each write hands the same bytes to HTTP/2 (nothing copied or allocated per subscriber).
 * Only for writing: never modify it.
 */
export function encodedFrame(alert: Alert): Buffer {
  let frame = frames.get(alert);
  if (frame === undefined) {
    const bytes = toBinary(responseSchema, responseFromAlert(alert));
    frame = Buffer.allocUnsafeSlow(5 + bytes.length);
    frame[0] = 0;
    frame.writeUInt32BE(bytes.length, 1);
    frame.set(bytes, 5);
    frames.set(alert, frame);
  }
  return frame;
}
