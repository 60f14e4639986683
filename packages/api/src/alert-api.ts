import type { IncomingMessage, ServerResponse } from "node:http";
import { StoreClosedError } from "@falco-sdk/store";
import { BadParameterError } from "./api-errors.js";
import type { AlertApiOptions } from "./api-options.js";
import { type AlertApiStats, ApiCounters } from "./api-stats.js";
import { BearerToken } from "./bearer-token.js";
import {
  exportRoute,
  facetsRoute,
  histogramRoute,
  pageRoute,
  type RouteContext,
  sendJson,
  statsRoute,
} from "./query-routes.js";
import { RequestParams } from "./request-params.js";
import { SseFeed } from "./sse-feed.js";
import type { SseContext } from "./sse-session.js";
import { streamRoute } from "./stream-route.js";

/**
 * A node `(request, response)` handler of the alert API, to pass to `http.createServer` or to
 * mount in another server (it answers every path under `basePath`), with its counters.
 */
export interface AlertApi {
  /**
   * Answers one request: a route of `openapi.yaml` under `basePath`, or a JSON error (404 for
   * any other path). It never throws; a failure is answered as a JSON error, or the response
   * is destroyed when headers were already sent.
   */
  (request: IncomingMessage, response: ServerResponse): void;
  /** What the API counted since it was created. */
  stats(): AlertApiStats;
  /** Ends every open stream (the store stays open). */
  close(): void;
}

type Route = (
  req: IncomingMessage,
  res: ServerResponse,
  params: RequestParams,
  ctx: RouteContext & SseContext,
) => void | Promise<void>;

/** Every route, by path (after `basePath`). */
export const ROUTES: Record<string, Route> = {
  "/api/v1/alerts/stream": streamRoute,
  "/api/v1/alerts": (_req, res, params, ctx) => pageRoute(res, params, ctx),
  "/api/v1/alerts/export": (_req, res, params, ctx) => exportRoute(res, params, ctx),
  "/api/v1/facets": (_req, res, params, ctx) => facetsRoute(res, params, ctx),
  "/api/v1/histogram": (_req, res, params, ctx) => histogramRoute(res, params, ctx),
  "/api/v1/stats": (_req, res, params, ctx) => statsRoute(res, params, ctx),
};

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, status, JSON.stringify({ error: { code, message } }));
}

/**
 * The resumable HTTP stream and query API on a store: every route of `openapi.yaml`. Mount the
 * handler in a server of yours, or use `createAlertApiServer`.
 */
export function createAlertApi(options: AlertApiOptions): AlertApi {
  const counters = new ApiCounters();
  const pageSize = Math.max(Math.trunc(options.pageSize ?? 256), 1);
  const feed = new SseFeed(options.store, pageSize, options.pollMs ?? 1000);
  const sessions = new Set<ServerResponse>();
  const ctx: RouteContext & SseContext = {
    store: options.store,
    counters,
    pageSize,
    extraStats: options.extraStats,
    heartbeatMs: options.heartbeatMs ?? 15_000,
    stuckTimeoutMs: options.stuckTimeoutMs ?? 30_000,
    maxBufferedBytes: options.maxBufferedBytes ?? 262_144,
    goLive: (s) => feed.join(s),
    leaveLive: (s) => feed.leave(s),
  };
  const token = options.token === undefined ? undefined : new BearerToken(options.token);
  const authorize = options.authorize;
  const base = (options.basePath ?? "").replace(/\/+$/, "");

  async function allowed(req: IncomingMessage): Promise<boolean> {
    if (!token && !authorize) return true;
    if (token?.accepts(req)) return true;
    return authorize ? await authorize(req) : false;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    counters.requests++;
    let url: URL;
    try {
      url = new URL(req.url ?? "/", "http://api.invalid");
    } catch {
      counters.badRequests++;
      sendError(res, 400, "bad-request", "the request target is not a valid URL path");
      return;
    }
    const path = url.pathname.startsWith(base) ? url.pathname.slice(base.length) : undefined;
    const route = path === undefined ? undefined : ROUTES[path];
    if (!route) {
      counters.unknownRoutes++;
      sendError(
        res,
        404,
        "not-found",
        `no route ${url.pathname}: see ${base}/api/v1/... in openapi.yaml`,
      );
      return;
    }
    if (req.method !== "GET") {
      counters.unknownRoutes++;
      res.setHeader("Allow", "GET");
      sendError(
        res,
        405,
        "method-not-allowed",
        `${url.pathname} answers GET only, not ${req.method}`,
      );
      return;
    }
    if (!(await allowed(req))) {
      counters.unauthorized++;
      res.setHeader("WWW-Authenticate", 'Bearer realm="falco-alerts"');
      sendError(res, 401, "unauthorized", "send Authorization: Bearer <token> (the API token)");
      return;
    }
    if (path?.endsWith("/stream")) {
      sessions.add(res);
      res.on("close", () => sessions.delete(res));
    }
    await route(req, res, new RequestParams(url.searchParams), ctx);
  }

  const api = ((req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((error: unknown) => {
      if (error instanceof BadParameterError) {
        counters.badRequests++;
        sendError(res, 400, "bad-parameter", error.message);
      } else if (error instanceof StoreClosedError) {
        counters.failures++;
        sendError(res, 503, "store-closed", "the alert store is closed: the server is stopping");
      } else {
        counters.failures++;
        const message = error instanceof Error ? error.message : String(error);
        sendError(res, 500, "internal", `the request failed: ${message}`);
      }
    });
  }) as AlertApi;
  api.stats = () => counters.snapshot();
  api.close = () => {
    feed.stop();
    for (const res of sessions) res.end();
  };
  return api;
}
