import { create, toBinary } from "@bufbuild/protobuf";
import { BinaryReader } from "@bufbuild/protobuf/wire";
import type { Alert } from "@falco-sdk/core";
import { responseFromAlert } from "@falco-sdk/proto";
import { type response, responseSchema } from "@falco-sdk/proto/outputs";

/** Each alert's message for gRPC subscribers, built and encoded once for all of them. */
const carriers = new WeakMap<Alert, response>();

/**
 * A `response` whose encoding is exactly `bytes`: no field set, the encoded fields kept as the
 * message's unknown fields (the first field's tag read back, the rest as its raw data), which
 * `toBinary` writes out unchanged. connect-node encodes each message it sends; with this, the
 * relay's N subscribers cost one encoding of the alert plus N copies of its bytes, instead of N
 * encodings (protobuf-es encodes by reflection: most of the relay's CPU with 10 subscribers).
 */
function carrierOf(bytes: Uint8Array): response {
  const carrier = create(responseSchema);
  if (bytes.length === 0) return carrier;
  const reader = new BinaryReader(bytes);
  const [no, wireType] = reader.tag();
  carrier.$unknown = [{ no, wireType, data: bytes.subarray(reader.pos) }];
  return carrier;
}

/**
 * The message the relay writes to gRPC subscribers for `alert` (see `responseFromAlert`),
 * encoded on first use and shared by every subscriber. Only for writing: its fields read empty.
 */
export function encodedResponse(alert: Alert): response {
  let carrier = carriers.get(alert);
  if (carrier === undefined) {
    carrier = carrierOf(toBinary(responseSchema, responseFromAlert(alert)));
    carriers.set(alert, carrier);
  }
  return carrier;
}
