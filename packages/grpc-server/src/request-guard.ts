import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import { constants } from "node:http2";

/**
 * Why a request was refused:
 * - `invalid-headers`: not a gRPC request (`:method` other than POST, `te` other than
 *   "trailers", a `content-type` other than application/grpc...);
 * - `unknown-method`: `:path` names no method this server has;
 * - `invalid-message`: a truncated, undecodable or oversized message, or a unary call
 *   without its request;
 * - `handler-failed`: the server failed on the request (answered INTERNAL);
 * - `protocol-error`: an HTTP/2 violation (malformed header block, frame larger than
 *   allowed...): the stream was reset or the connection closed with GOAWAY.
 */
export type RejectionReason =
  | "invalid-headers"
  | "unknown-method"
  | "invalid-message"
  | "handler-failed"
  | "protocol-error";

/** A request a server refused: answered with a gRPC error or a reset, never served. */
export interface RequestRejection {
  /** Why it was refused. */
  readonly reason: RejectionReason;
  /** What was wrong, e.g. `te header is "deflate", gRPC needs "trailers"`. */
  readonly message: string;
  /** The client's user-agent, or "unknown". */
  readonly peer: string;
}

/** Called once per refused request. */
export type RejectionListener = (rejection: RequestRejection) => void;

/** A `node:http2` compatibility-API request handler, e.g. connect-node's `connectNodeAdapter()`. */
export type RequestHandler = (request: Http2ServerRequest, response: Http2ServerResponse) => void;

const GRPC_INTERNAL = 13;
const GRPC_INVALID_ARGUMENT = 3;
const GRPC_RESOURCE_EXHAUSTED = 8;
const GRPC_UNIMPLEMENTED = 12;
const GRPC_UNKNOWN = 2;
const MESSAGE_ERRORS = new Set([
  GRPC_UNKNOWN,
  GRPC_INVALID_ARGUMENT,
  GRPC_RESOURCE_EXHAUSTED,
  GRPC_INTERNAL,
]);

/** The authority put in place of one no URL can hold (grpcio 1.57+ sends a unix socket's path). */
const SAFE_AUTHORITY = "localhost";

function headerOf(request: Http2ServerRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}

/** What makes this request no gRPC request (gRPC over HTTP/2, as gRPC's C core checks it). */
function invalidHeaders(request: Http2ServerRequest): string | undefined {
  if (request.method !== "POST") {
    return `:method is ${JSON.stringify(request.method)}, gRPC needs POST`;
  }
  const te = headerOf(request, "te");
  if (te !== "trailers") {
    return te === undefined
      ? 'te header missing, gRPC needs "trailers"'
      : `te header is ${JSON.stringify(te)}, gRPC needs "trailers"`;
  }
  const contentType = headerOf(request, "content-type") ?? "";
  if (!/^application\/grpc(?:$|[+;])/i.test(contentType)) {
    return `content-type is ${JSON.stringify(contentType)}, gRPC needs application/grpc`;
  }
  return undefined;
}

/**
 * connect-node builds each request's URL with `new URL(path, "http://" + authority)`,
 * which throws for an authority that is no URL host, such as the percent-encoded socket
 * path grpcio 1.57+ sends on `unix://` calls. gRPC ignores the authority of a request;
 * such a request gets "localhost", as gRPC's C core sent before 1.57.
 */
function ensureUrlSafeAuthority(request: Http2ServerRequest): void {
  const authority = request.authority as string | undefined;
  const path = request.url ?? "/";
  if (authority !== undefined && URL.canParse(path, `http://${authority}`)) return;
  Object.defineProperty(request, "authority", { value: SAFE_AUTHORITY, configurable: true });
}

/** Answers with a trailers-only gRPC error, or resets the stream once headers went out. */
function answerError(response: Http2ServerResponse, code: number, message: string): void {
  const stream = response.stream;
  if (stream.destroyed || stream.closed) return;
  if (response.headersSent) {
    stream.close(constants.NGHTTP2_INTERNAL_ERROR);
    return;
  }
  response.writeHead(200, {
    "content-type": "application/grpc",
    "grpc-status": String(code),
    "grpc-message": encodeURIComponent(message),
  });
  response.end();
}

function classify(httpStatus: number, grpcStatus: number | undefined, grpcMessage: string) {
  if (httpStatus === 404) return "unknown-method" as const;
  if (httpStatus !== 200) return "invalid-headers" as const;
  if (grpcStatus === GRPC_UNIMPLEMENTED) {
    // connect answers a unary call without its request message UNIMPLEMENTED too.
    return /missing input message/.test(grpcMessage)
      ? ("invalid-message" as const)
      : ("unknown-method" as const);
  }
  // connect answers an undecodable message INTERNAL ("parse binary"), a truncated one
  // INVALID_ARGUMENT, one over the size limit RESOURCE_EXHAUSTED.
  if (grpcStatus !== undefined && MESSAGE_ERRORS.has(grpcStatus)) return "invalid-message" as const;
  return undefined;
}

/**
 * Reports the call when its answer says the request was at fault: HTTP status other than
 * 200 (no such path, not gRPC), UNIMPLEMENTED, INVALID_ARGUMENT, RESOURCE_EXHAUSTED,
 * INTERNAL or UNKNOWN (not CANCELLED, DEADLINE_EXCEEDED or UNAVAILABLE: those are the
 * client's or the server's own doing). Reported as the answer is written, before the
 * client can see it.
 */
function watchAnswer(
  response: Http2ServerResponse,
  report: (reason: RejectionReason, message: string) => void,
): void {
  const note = (httpStatus: number, headers: unknown) => {
    // An answer to a client that is gone (it reset the stream or closed the connection)
    // reaches nobody: the call ended at the client's will, not refused.
    const stream = response.stream;
    if (stream.destroyed || stream.closed || stream.session?.destroyed !== false) return;
    const fields = (headers !== null && typeof headers === "object" ? headers : {}) as Record<
      string,
      unknown
    >;
    const grpcStatus =
      fields["grpc-status"] === undefined ? undefined : Number(fields["grpc-status"]);
    const grpcMessage = decodeURIComponent(String(fields["grpc-message"] ?? ""));
    const reason = classify(httpStatus, grpcStatus, grpcMessage);
    if (reason !== undefined) report(reason, grpcMessage || `answered HTTP ${httpStatus}`);
  };
  const { writeHead, addTrailers } = response;
  response.writeHead = ((...args: unknown[]) => {
    note(
      Number(args[0]),
      args.find((arg) => typeof arg === "object"),
    );
    return (writeHead as (...a: unknown[]) => Http2ServerResponse).apply(response, args);
  }) as typeof writeHead;
  response.addTrailers = (headers) => {
    note(200, headers);
    addTrailers.call(response, headers);
  };
}

/**
 * Wraps a gRPC request handler so that no request can end the process or another call:
 * a request that is no gRPC request is answered with a gRPC error before the handler sees
 * it, an authority no URL can hold is replaced for the handler, and a handler that throws
 * answers INTERNAL. Every refused request is reported to `onRejected` once.
 */
export function guardRequests(
  handler: RequestHandler,
  onRejected: RejectionListener,
): RequestHandler {
  return (request, response) => {
    const peer = headerOf(request, "user-agent") ?? "unknown";
    let reported = false;
    const report = (reason: RejectionReason, message: string) => {
      if (reported) return;
      reported = true;
      onRejected({ reason, message, peer });
    };
    const invalid = invalidHeaders(request);
    if (invalid !== undefined) {
      report("invalid-headers", invalid);
      answerError(response, GRPC_INTERNAL, invalid);
      return;
    }
    ensureUrlSafeAuthority(request);
    watchAnswer(response, report);
    try {
      handler(request, response);
    } catch (error) {
      const message = `the server failed on this request: ${error instanceof Error ? error.message : String(error)}`;
      report("handler-failed", message);
      answerError(response, GRPC_INTERNAL, message);
    }
  };
}
