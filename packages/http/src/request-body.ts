import { gunzipSync, inflateSync } from "node:zlib";
import { type Alert, AlertParseError, parseAlertJson, parseFalcoTextLine } from "@falco-sdk/core";
import type { RejectReason } from "./receiver-status.js";

/** A request the receiver refuses: HTTP status, why, and the words sent back. */
export class RejectedRequest extends Error {
  constructor(
    readonly status: number,
    readonly reason: RejectReason,
    message: string,
  ) {
    super(message);
  }
}

export const CONTENT_TYPES = ["application/json", "text/plain"] as const;

/** The media type of a Content-Type header, lowercase, without parameters. */
export function mediaType(header: string | undefined): string {
  return (header ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
}

/**
 * The alert in a body: Falco's JSON alert (json_output, and Falcosidekick's webhook, which
 * posts the same fields plus its own), or Falco's plain-text line.
 */
export function parseBody(type: string, body: Buffer): Alert {
  const text = body.toString("utf8");
  if (text.trim() === "") throw new RejectedRequest(400, "bad-body", "empty body: POST one alert");
  try {
    return type === "text/plain" ? parseFalcoTextLine(text) : parseAlertJson(text);
  } catch (error) {
    if (error instanceof AlertParseError) throw new RejectedRequest(400, "bad-body", error.message);
    throw error;
  }
}

/**
 * The Content-Encoding, lowercase ("identity" when none).
 * @throws RejectedRequest 415 for an encoding other than gzip and deflate
 */
export function checkEncoding(encoding: string | undefined): "identity" | "gzip" | "deflate" {
  const name = (encoding ?? "identity").trim().toLowerCase();
  if (name === "identity" || name === "") return "identity";
  if (name === "gzip" || name === "deflate") return name;
  throw new RejectedRequest(
    415,
    "content-type",
    `Content-Encoding ${name} is not supported (gzip, deflate)`,
  );
}

/**
 * The body as sent before compression: Falco's `http_output.compress_uploads` gzips it.
 * The decompressed size is held to `limit` too.
 */
export function decodeBody(encoding: string | undefined, body: Buffer, limit: number): Buffer {
  const name = checkEncoding(encoding);
  if (name === "identity") return body;
  try {
    return (name === "gzip" ? gunzipSync : inflateSync)(body, { maxOutputLength: limit });
  } catch (error) {
    const tooBig = (error as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE";
    throw tooBig
      ? new RejectedRequest(413, "too-large", `decompressed body over the limit of ${limit} bytes`)
      : new RejectedRequest(400, "bad-body", `body is not valid ${name}`);
  }
}
