// Node.js errors of an HTTP/2 call as ConnectErrors, the way connect-node's HTTP client
// converts them (its node-error.ts, Apache-2.0, The Connect Authors; not exported by the
// package), so that a call read straight from its HTTP/2 stream (grpc-stream.ts) fails
// with the same codes as one made through connect's transport.
import { constants as h2 } from "node:http2";
import { Code, ConnectError } from "@connectrpc/connect";

/** Any failure as a ConnectError; Node's connection and stream errors get their codes. */
export function connectErrorFromNodeReason(reason: unknown): ConnectError {
  if (reason instanceof ConnectError) return reason;
  let code = Code.Internal;
  const codes = errorCodes(reason);
  if (codes.includes("ERR_STREAM_WRITE_AFTER_END")) {
    code = Code.Aborted;
  } else if (
    ["ERR_STREAM_DESTROYED", "ERR_HTTP2_INVALID_STREAM", "ECONNRESET"].some((c) =>
      codes.includes(c),
    )
  ) {
    code = Code.Aborted;
  } else if (
    ["ETIMEDOUT", "ENOTFOUND", "EAI_AGAIN", "ECONNREFUSED"].some((c) => codes.includes(c))
  ) {
    code = Code.Unavailable;
  }
  const error = ConnectError.from(reason, code);
  if (error !== reason) error.cause = reason;
  return error;
}

/** The ConnectError of an HTTP/2 RST_STREAM code; undefined for codes that are not a failure. */
export function connectErrorFromH2ResetCode(rstCode: number): ConnectError | undefined {
  const code = RESET_CODES.get(rstCode);
  if (code === undefined) return undefined;
  const name = RESET_NAMES.get(rstCode) ?? "";
  return new ConnectError(
    `http/2 stream closed with error code ${name} (0x${rstCode.toString(16)})`,
    code,
  );
}

const RESET_CODES = new Map<number, Code>([
  [h2.NGHTTP2_PROTOCOL_ERROR, Code.Internal],
  [h2.NGHTTP2_INTERNAL_ERROR, Code.Internal],
  [h2.NGHTTP2_FLOW_CONTROL_ERROR, Code.Internal],
  [h2.NGHTTP2_SETTINGS_TIMEOUT, Code.Internal],
  [h2.NGHTTP2_FRAME_SIZE_ERROR, Code.Internal],
  [h2.NGHTTP2_COMPRESSION_ERROR, Code.Internal],
  [h2.NGHTTP2_CONNECT_ERROR, Code.Internal],
  [h2.NGHTTP2_REFUSED_STREAM, Code.Unavailable],
  [h2.NGHTTP2_CANCEL, Code.Canceled],
  [h2.NGHTTP2_ENHANCE_YOUR_CALM, Code.ResourceExhausted],
  [h2.NGHTTP2_INADEQUATE_SECURITY, Code.PermissionDenied],
  [h2.NGHTTP2_HTTP_1_1_REQUIRED, Code.PermissionDenied],
]);

const RESET_NAMES = new Map<number, string>([
  [h2.NGHTTP2_PROTOCOL_ERROR, "PROTOCOL_ERROR"],
  [h2.NGHTTP2_INTERNAL_ERROR, "INTERNAL_ERROR"],
  [h2.NGHTTP2_FLOW_CONTROL_ERROR, "FLOW_CONTROL_ERROR"],
  [h2.NGHTTP2_SETTINGS_TIMEOUT, "SETTINGS_TIMEOUT"],
  [h2.NGHTTP2_FRAME_SIZE_ERROR, "FRAME_SIZE_ERROR"],
  [h2.NGHTTP2_COMPRESSION_ERROR, "COMPRESSION_ERROR"],
  [h2.NGHTTP2_CONNECT_ERROR, "CONNECT_ERROR"],
  [h2.NGHTTP2_REFUSED_STREAM, "REFUSED_STREAM"],
  [h2.NGHTTP2_CANCEL, "CANCEL"],
  [h2.NGHTTP2_ENHANCE_YOUR_CALM, "ENHANCE_YOUR_CALM"],
  [h2.NGHTTP2_INADEQUATE_SECURITY, "INADEQUATE_SECURITY"],
  [h2.NGHTTP2_HTTP_1_1_REQUIRED, "HTTP_1_1_REQUIRED"],
]);

/** The `code` of an error and of each of its causes. */
function errorCodes(reason: unknown): string[] {
  const codes: string[] = [];
  const seen: unknown[] = [];
  for (let e = reason; e instanceof Error && !seen.includes(e); e = e.cause) {
    seen.push(e);
    const { code } = e as { code?: unknown };
    if (typeof code === "string") codes.push(code);
  }
  return codes;
}
