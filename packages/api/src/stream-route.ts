import type { IncomingMessage, ServerResponse } from "node:http";
import { BadParameterError } from "./api-errors.js";
import type { RouteContext } from "./query-routes.js";
import { FILTER_PARAMS, parseCursor, type RequestParams } from "./request-params.js";
import { type SseContext, SseSession } from "./sse-session.js";

/**
 * `GET /api/v1/alerts/stream`: Server-Sent Events from `Last-Event-ID` (or `?after`; the
 * header wins), from now without either.
 */
export function streamRoute(
  req: IncomingMessage,
  res: ServerResponse,
  params: RequestParams,
  ctx: RouteContext & Omit<SseContext, "pageSize">,
): void {
  const range = params.range(Date.now());
  const afterText = params.single("after");
  params.rest(`after, ${FILTER_PARAMS}`);
  const header = req.headers["last-event-id"];
  const last = ctx.store.stats().lastCursor;
  let after = last;
  if (typeof header === "string" && header.trim() !== "") {
    after = parseCursor("Last-Event-ID", header);
    checkKnown("Last-Event-ID", after, last);
  } else if (afterText !== undefined) {
    after = parseCursor("after", afterText);
    checkKnown("after", after, last);
  }
  new SseSession(res, range, after, ctx).start();
}

function checkKnown(name: string, cursor: number, last: number): void {
  if (cursor <= last) return;
  throw new BadParameterError(
    name,
    `${name} ${cursor} is past the newest alert of this store (cursor ${last}): it is a cursor of ` +
      "another store; resume with after=0 (from the oldest) or without a cursor (from now)",
  );
}
