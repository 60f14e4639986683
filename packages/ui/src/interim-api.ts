// The routes of the HTTP alert API contract (BRIEF: `/api/v1/...`) that the page uses, served on
// the store until @falco-sdk/api (issue 20) is merged; then `createAlertUi` takes its handler
// (`options.api`) and this file goes.
import type { IncomingMessage, ServerResponse } from "node:http";
import { formatAlertJson } from "@falco-sdk/core";
import type { AlertStore, StoredAlert } from "@falco-sdk/store";
import {
  BadParameterError,
  durationMs,
  integerParam,
  storeFilterOf,
  timeRangeOf,
} from "./api-query.js";

/** Handles one API request; resolves when answered. */
export type ApiHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

function sendJson(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "Cache-Control": "no-store",
  });
  res.end(body);
}

/** An error body of the contract: `{"error":{"code","message"}}`. */
export function sendError(res: ServerResponse, status: number, code: string, message: string) {
  sendJson(res, status, JSON.stringify({ error: { code, message } }));
}

const alertEntry = (a: StoredAlert) => `{"cursor":${a.cursor},"alert":${formatAlertJson(a)}}`;

async function stream(
  store: AlertStore,
  req: IncomingMessage,
  res: ServerResponse,
  params: URLSearchParams,
  heartbeatMs: number,
): Promise<void> {
  const header = req.headers["last-event-id"];
  const fromHeader = typeof header === "string" && /^\d{1,15}$/.test(header.trim());
  const after = fromHeader
    ? Number((header as string).trim())
    : (integerParam(params, "after") ?? store.stats().lastCursor);
  const reader = store.read({ after, filter: storeFilterOf(params) });
  res.writeHead(200, {
    "Content-Type": "text/event-stream; charset=utf-8",
    "Cache-Control": "no-store",
    "X-Accel-Buffering": "no",
  });
  res.write(": stream\n\n");
  const heartbeat = setInterval(() => res.write(": hb\n\n"), heartbeatMs);
  const end = () => reader.unsubscribe();
  req.on("close", end);
  res.on("close", end);
  const write = async (text: string) => {
    if (!res.write(text) && !res.destroyed)
      await new Promise<void>((resolve) => {
        res.once("drain", resolve);
        res.once("close", resolve);
      });
  };
  (async () => {
    for await (const event of reader.status()) {
      if (event.type === "gap")
        res.write(`event: gap\ndata: {"missed":${event.count},"after":${event.after}}\n\n`);
      else if (event.type === "caught-up")
        res.write(`event: caught-up\ndata: {"cursor":${event.cursor}}\n\n`);
    }
  })().catch(() => {});
  try {
    for await (const alert of reader) {
      await write(`id: ${alert.cursor}\nevent: alert\ndata: ${formatAlertJson(alert)}\n\n`);
      if (res.destroyed) break;
    }
  } finally {
    clearInterval(heartbeat);
    reader.unsubscribe();
    res.end();
  }
}

/** The API routes on a store (`/api/v1/alerts/stream`, `/api/v1/alerts`, facets, histogram, stats). */
export function createInterimApi(store: AlertStore, heartbeatMs = 15_000): ApiHandler {
  return async (req, res) => {
    const url = new URL(req.url ?? "/", "http://ui.invalid");
    const params = url.searchParams;
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.setHeader("Allow", "GET");
      return sendError(res, 405, "method-not-allowed", `${req.method} is not allowed: use GET`);
    }
    try {
      switch (url.pathname) {
        case "/api/v1/alerts/stream":
          return await stream(store, req, res, params, heartbeatMs);
        case "/api/v1/alerts": {
          const before = integerParam(params, "before");
          const page = store.query({
            ...timeRangeOf(params),
            limit: integerParam(params, "limit", 100),
            ...(before !== undefined && { before }),
          });
          return sendJson(
            res,
            200,
            `{"alerts":[${page.alerts.map(alertEntry).join(",")}],"next":${page.next ?? "null"}}`,
          );
        }
        case "/api/v1/facets": {
          const fields = params.getAll("field");
          const facets = store.facets({
            ...timeRangeOf(params),
            fields,
            limit: integerParam(params, "limit", 10),
          });
          return sendJson(res, 200, JSON.stringify(facets));
        }
        case "/api/v1/histogram": {
          const bucket = params.get("bucket");
          const bucketMs = bucket ? durationMs(bucket) : undefined;
          if (bucket && bucketMs === undefined)
            throw new BadParameterError(`bucket=${bucket} is not a duration (e.g. 1m, 1h)`);
          const histogram = store.histogram({
            ...timeRangeOf(params),
            ...(bucketMs !== undefined && { bucketMs }),
          });
          return sendJson(res, 200, JSON.stringify(histogram));
        }
        case "/api/v1/stats":
          return sendJson(res, 200, JSON.stringify(store.stats()));
        default:
          return sendError(res, 404, "not-found", `no route ${url.pathname}`);
      }
    } catch (error) {
      if (error instanceof BadParameterError)
        return sendError(res, 400, "bad-parameter", error.message);
      throw error;
    }
  };
}
