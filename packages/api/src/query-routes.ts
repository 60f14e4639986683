import type { ServerResponse } from "node:http";
import { formatAlertJson } from "@falco-sdk/core";
import { type AlertStore, storedAlertJson } from "@falco-sdk/store";
import type { ApiCounters } from "./api-stats.js";
import { FILTER_PARAMS, parseCursor, type RequestParams } from "./request-params.js";

/** What a route handler needs. */
export interface RouteContext {
  readonly store: AlertStore;
  readonly counters: ApiCounters;
  readonly pageSize: number;
  readonly extraStats: (() => Record<string, unknown>) | undefined;
}

/** Writes a JSON body (already serialized). */
export function sendJson(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "Cache-Control": "no-store",
    "Content-Length": Buffer.byteLength(body),
  });
  res.end(body);
}

/** `GET /api/v1/alerts`: a page, newest first, `next` the `before` of the next one. */
export function pageRoute(res: ServerResponse, params: RequestParams, ctx: RouteContext): void {
  const range = params.range(Date.now());
  const limit = params.integer("limit", 1, 1000, 100);
  const before = params.integer("before", 1, Number.MAX_SAFE_INTEGER);
  params.rest(`limit, before, ${FILTER_PARAMS}`);
  const page = ctx.store.query({ ...range, limit, before });
  const items = page.alerts.map(
    (a) => `{"cursor":${a.cursor},"alert":${storedAlertJson(a) ?? formatAlertJson(a)}}`,
  );
  sendJson(res, 200, `{"alerts":[${items.join(",")}],"next":${page.next ?? "null"}}`);
}

/**
 * `GET /api/v1/facets`: counts by priority, rule, hostname, source, tag and `field`s, and
 * `lastCursor`: the counts cover the alerts up to that cursor, no newer one (a client adds the
 * newer ones it got from the stream without counting any twice). The store is read in this
 * process's thread, so nothing it appends comes between the two; a writer in another process
 * can, so the newest cursor is read before and after and the counts made again when it moved.
 */
export function facetsRoute(res: ServerResponse, params: RequestParams, ctx: RouteContext): void {
  const range = params.range(Date.now());
  const fields = params.list("field");
  const limit = params.integer("limit", 1, 1000, 20);
  params.rest(`field, limit, ${FILTER_PARAMS}`);
  let last = ctx.store.range().last;
  let facets = ctx.store.facets({ ...range, fields, limit });
  for (let tries = 0; tries < 3; tries++) {
    const after = ctx.store.range().last;
    if (after === last) break;
    last = after;
    facets = ctx.store.facets({ ...range, fields, limit });
  }
  sendJson(res, 200, JSON.stringify({ ...facets, lastCursor: last }));
}

/** `GET /api/v1/histogram`: counts per time bucket and priority. */
export function histogramRoute(
  res: ServerResponse,
  params: RequestParams,
  ctx: RouteContext,
): void {
  const range = params.range(Date.now());
  const bucketMs = params.duration("bucket", 1000);
  params.rest(`bucket, ${FILTER_PARAMS}`);
  sendJson(res, 200, JSON.stringify(ctx.store.histogram({ ...range, bucketMs })));
}

/** `GET /api/v1/stats`: the store's figures, the API's counters and the embedder's. */
export function statsRoute(res: ServerResponse, params: RequestParams, ctx: RouteContext): void {
  params.rest("no parameters");
  const body = { ...ctx.store.stats(), api: ctx.counters.snapshot(), ...ctx.extraStats?.() };
  sendJson(res, 200, JSON.stringify(body));
}

/**
 * `GET /api/v1/alerts/export`: NDJSON, oldest first, up to the newest alert when the request
 * came, streamed a page at a time and only while the socket drains (constant memory, no cap).
 */
export async function exportRoute(
  res: ServerResponse,
  params: RequestParams,
  ctx: RouteContext,
): Promise<void> {
  const range = params.range(Date.now());
  const afterText = params.single("after");
  params.rest(`after, ${FILTER_PARAMS}`);
  let after = afterText === undefined ? 0 : parseCursor("after", afterText);
  const end = ctx.store.stats().lastCursor;
  res.writeHead(200, {
    "Content-Type": "application/x-ndjson; charset=utf-8",
    "Cache-Control": "no-store",
    "Content-Disposition": 'attachment; filename="falco-alerts.ndjson"',
  });
  let closed = false;
  res.on("close", () => {
    closed = true;
  });
  while (!closed && after < end) {
    const page = ctx.store.readJsonPage({ ...range, after, limit: ctx.pageSize });
    let out = "";
    for (const alert of page.alerts) {
      if (alert.cursor > end) break;
      out += `${alert.json}\n`;
      ctx.counters.exportedAlerts++;
    }
    after = page.scanned;
    const full = out !== "" && !res.write(out);
    if (page.scanned >= page.last) break;
    if (full) {
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off("drain", done);
          res.off("close", done);
          resolve();
        };
        res.on("drain", done);
        res.on("close", done);
      });
    } else {
      await new Promise<void>((r) => setImmediate(r));
    }
  }
  res.end();
}
