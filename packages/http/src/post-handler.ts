import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Alert } from "@falco-sdk/core";
import type { AlertIntake } from "./alert-intake.js";
import { handOffLine } from "./hand-off-line.js";
import type { ReceiverHandOff } from "./receiver-options.js";
import type { RejectReason } from "./receiver-status.js";
import {
  CONTENT_TYPES,
  checkEncoding,
  decodeBody,
  mediaType,
  parseBody,
  RejectedRequest,
} from "./request-body.js";

/** What the request listener needs from its receiver. */
export interface PostHandlerContext {
  readonly path: string;
  readonly maxBodyBytes: number;
  readonly secret: { readonly value: Buffer; readonly header: string } | undefined;
  /** Answer 204 once the body is whole (then `intake` parses it), or after parsing it. */
  readonly answerFirst: boolean;
  readonly intake: AlertIntake;
  readonly publish: (alert: Alert) => void;
  /** Takes each alert before the answer, instead of `publish` (and parsed first). */
  readonly handOff: ReceiverHandOff | undefined;
  /** Counts a body answered 204 that was not an alert (`acknowledge: "received"`). */
  readonly malformed: (message: string) => void;
  /** Counts a refusal (the answer is written by the handler). */
  readonly count: (status: number, reason: RejectReason, message: string) => void;
}

/** The value of header `name` (lowercase), read from the raw headers (no headers object is built). */
function header(raw: readonly string[], name: string): string | undefined {
  for (let i = 0; i < raw.length; i += 2) {
    const key = raw[i] as string;
    if (key.length === name.length && key.toLowerCase() === name) return raw[i + 1];
  }
  return undefined;
}

function refuse(
  context: PostHandlerContext,
  res: ServerResponse,
  error: RejectedRequest,
  headers: Record<string, string> = {},
): void {
  context.count(error.status, error.reason, error.message);
  res.writeHead(error.status, { "Content-Type": "text/plain; charset=utf-8", ...headers });
  res.end(`${error.message}\n`);
}

/**
 * The receiver's request listener, for Falco's POSTs: checks what the request line and headers
 * say (path, method, secret, content type and encoding, declared length), reads the body up to
 * `maxBodyBytes`, then answers 204. Written without promises or a headers object: Falco's
 * http_output waits for each answer, so this path is Falco's throughput.
 */
export function createPostHandler(context: PostHandlerContext) {
  const { path, maxBodyBytes, secret } = context;
  return (req: IncomingMessage, res: ServerResponse): void => {
    // Falco posts to the path itself: compare before parsing the URL.
    const target = req.url ?? "/";
    if (target !== path && new URL(target, "http://receiver").pathname !== path) {
      refuse(context, res, new RejectedRequest(404, "wrong-path", `POST alerts to ${path}`));
      return;
    }
    if (req.method !== "POST") {
      const error = new RejectedRequest(405, "wrong-method", "only POST is accepted");
      refuse(context, res, error, { Allow: "POST" });
      return;
    }
    const raw = req.rawHeaders;
    if (secret) {
      const given = Buffer.from(header(raw, secret.header) ?? "");
      if (given.length !== secret.value.length || !timingSafeEqual(given, secret.value)) {
        const message = `missing or wrong ${secret.header} header`;
        refuse(context, res, new RejectedRequest(401, "auth", message));
        return;
      }
    }
    const type = mediaType(header(raw, "content-type"));
    if (!(CONTENT_TYPES as readonly string[]).includes(type)) {
      const message = `Content-Type must be ${CONTENT_TYPES.join(" or ")}, got "${type}"`;
      refuse(context, res, new RejectedRequest(415, "content-type", message));
      return;
    }
    const encoding = header(raw, "content-encoding");
    const declared = Number(header(raw, "content-length"));
    try {
      checkEncoding(encoding);
      if (declared > maxBodyBytes) {
        const message = `body of ${declared} bytes; the limit is ${maxBodyBytes}`;
        throw new RejectedRequest(413, "too-large", message);
      }
    } catch (error) {
      if (!(error instanceof RejectedRequest)) throw error;
      refuse(context, res, error, error.status === 413 ? { Connection: "close" } : {});
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBodyBytes) {
        chunks.push(chunk);
        return;
      }
      req.off("data", onData);
      req.off("end", onEnd);
      req.pause();
      const message = `body over the limit of ${maxBodyBytes} bytes`;
      refuse(context, res, new RejectedRequest(413, "too-large", message), { Connection: "close" });
    };
    const onEnd = () => {
      const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
      if (context.handOff) {
        handOff(context, res, type, encoding, body);
        return;
      }
      if (context.answerFirst) {
        // The answer leaves now; the body is parsed after this turn of the event loop.
        res.writeHead(204).end();
        context.intake.add(type, encoding, body);
        return;
      }
      try {
        context.publish(parseBody(type, decodeBody(encoding, body, maxBodyBytes)));
      } catch (error) {
        if (!(error instanceof RejectedRequest)) throw error;
        refuse(context, res, error, error.status === 413 ? { Connection: "close" } : {});
        return;
      }
      res.writeHead(204).end();
    };
    req.on("data", onData);
    req.on("end", onEnd);
  };
}

/** Parses the body, hands the alert off, then answers (a body that is not an alert: see `answerFirst`). */
function handOff(
  context: PostHandlerContext,
  res: ServerResponse,
  type: string,
  encoding: string | undefined,
  body: Buffer,
): void {
  let alert: Alert;
  let decoded: Buffer;
  try {
    decoded = decodeBody(encoding, body, context.maxBodyBytes);
    alert = parseBody(type, decoded);
  } catch (error) {
    if (!(error instanceof RejectedRequest)) throw error;
    if (context.answerFirst) {
      res.writeHead(204).end();
      context.malformed(error.message);
      return;
    }
    refuse(context, res, error, error.status === 413 ? { Connection: "close" } : {});
    return;
  }
  let taken: unknown;
  try {
    taken = (context.handOff as ReceiverHandOff)(handOffLine(type, decoded, alert), alert);
  } catch {
    notKept(res);
    return;
  }
  if (!(taken instanceof Promise)) res.writeHead(204).end();
  else {
    // Kept, and the taker asks the sender to wait (it is behind): answer once it caught up.
    taken.then(
      () => res.writeHead(204).end(),
      () => notKept(res),
    );
  }
}

/** Not taken: the sender must not believe it was. */
function notKept(res: ServerResponse): void {
  res.writeHead(500, { "Content-Type": "text/plain; charset=utf-8" }).end("alert not kept\n");
}
