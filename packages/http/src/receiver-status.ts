import type { ClosedEvent, StatusEvent } from "@falco-sdk/core";

/**
 * Why the receiver refused a request (each is counted in `stats().rejectedByReason`):
 *
 * - `wrong-path` (404) and `wrong-method` (405): not a POST to the receiver's path;
 * - `auth` (401): the shared secret's header is missing or wrong;
 * - `content-type` (415): not `application/json` or `text/plain`, or a `Content-Encoding`
 *   other than gzip and deflate;
 * - `too-large` (413): a body (or its decompressed form) over `maxBodyBytes`;
 * - `bad-body` (400, only with `acknowledge: "parsed"`): empty, not a Falco alert (bad JSON,
 *   no `rule`, unknown priority, a text line not in Falco's format) or not valid gzip/deflate
 *   (by default such bodies are answered 204 and counted as `malformed` instead);
 * - `malformed-http` (400): a request that is not valid HTTP/1.1;
 * - `timeout` (408): a request that did not arrive whole within `requestTimeoutMs`.
 */
export type RejectReason =
  | "wrong-path"
  | "wrong-method"
  | "auth"
  | "content-type"
  | "too-large"
  | "bad-body"
  | "malformed-http"
  | "timeout";

/** Every {@link RejectReason}, in a stable order. */
export const REJECT_REASONS: readonly RejectReason[] = [
  "wrong-path",
  "wrong-method",
  "auth",
  "content-type",
  "too-large",
  "bad-body",
  "malformed-http",
  "timeout",
];

/** A refused request: what the sender was told, and the counts so far. */
export interface RejectedEvent {
  /** The HTTP status answered (4xx). */
  readonly status: number;
  /** Why, as a stable name. */
  readonly reason: RejectReason;
  /** Why, in words (the body of the answer), e.g. `Content-Type must be application/json ...`. */
  readonly message: string;
  /** Requests of this `reason` refused so far. */
  readonly reasonTotal: number;
  /** Requests refused so far, every reason. */
  readonly total: number;
}

/** An event of an HTTP alert receiver, from `status()`. */
export type ReceiverStatus =
  | StatusEvent<"listening", { url: string }>
  /** A consumer fell behind and lost its oldest alerts; `total` counts every drop so far. */
  | StatusEvent<"dropped", { total: number }>
  /**
   * A body answered 204 (`acknowledge: "received"`) was not an alert: lost, counted in
   * `stats().malformed` (`total`). `message` says why, e.g. `not JSON: ...`.
   */
  | StatusEvent<"malformed", { message: string; total: number }>
  /** A request was refused (4xx): an alert Falco sent may be lost (Falco does not retry). */
  | StatusEvent<"rejected", RejectedEvent>
  | ClosedEvent;
