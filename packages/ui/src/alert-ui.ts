import type { IncomingMessage, ServerResponse } from "node:http";
import { type AlertApiStats, createAlertApi } from "@falco-sdk/api";
import type { AlertStore } from "@falco-sdk/store";
import { EXCEPTION_PREVIEW_PATH, sendExceptionPreview } from "./exception-preview.js";
import { LoginTokens } from "./login-tokens.js";
import { setSecurityHeaders } from "./security-headers.js";
import { cookieValue, Sessions } from "./sessions.js";
import { defaultAssetsDirectory, loadStaticAssets } from "./static-assets.js";

/** Options of {@link createAlertUi}. */
export interface AlertUiOptions {
  /** The store whose alerts the page shows. */
  readonly store: AlertStore;
  /** Where the login tokens' hashes are kept (`ui-login-tokens.json`): the store's directory. */
  readonly directory: string;
  /** Whether the page is served over HTTPS: the cookie is then `Secure` and `__Host-` prefixed. @default false */
  readonly tls?: boolean;
  /** How long a login link works, once. @default 3600000 (1 hour) */
  readonly loginLinkTtlMs?: number;
  /** How long a browser session lasts after the login. @default 43200000 (12 hours) */
  readonly sessionTtlMs?: number;
  /** SSE heartbeat of the alert stream. @default 15000 */
  readonly heartbeatMs?: number;
  /** More figures for `/api/v1/stats` (the embedding process's own, e.g. the relay's). @default none */
  readonly extraStats?: () => Record<string, unknown>;
  /** The built page. @default the package's dist/web */
  readonly assetsDirectory?: string;
}

/** The web UI as a request handler, for an HTTP(S) server of your own. */
export interface AlertUi {
  /** Answers one request (page, asset, login, API). */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** A new one-time login token (its hash is stored); open `<base>/login#token=<token>`. */
  issueLoginToken(): string;
  /** Sessions open now. */
  readonly sessions: number;
  /** What the API counted: requests, streams, slow clients disconnected. */
  apiStats(): AlertApiStats;
  /** Ends every open alert stream (the store stays open). */
  close(): void;
}

/** An error answer in the API's shape: `{"error":{"code","message"}}`. */
function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "Cache-Control": "no-store",
  });
  res.end(JSON.stringify({ error: { code, message } }));
}

const MAX_LOGIN_BODY = 1024;

function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        resolve(undefined);
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", () => resolve(undefined));
  });
}

/** Whether a state-changing request comes from this origin (CSRF defence besides SameSite). */
function sameOrigin(req: IncomingMessage, tls: boolean): boolean {
  const origin = req.headers.origin;
  const host = req.headers.host;
  if (typeof origin !== "string" || typeof host !== "string") return false;
  return origin === `${tls ? "https" : "http"}://${host}`;
}

/**
 * The web UI: the page and its assets (from memory, nothing from elsewhere), a one-time login
 * link that becomes an HttpOnly, SameSite=Strict session cookie, and the alert API behind it.
 * GET never changes state: the login page's script POSTs the link's token.
 */
export function createAlertUi(options: AlertUiOptions): AlertUi {
  const tls = options.tls ?? false;
  const tokens = new LoginTokens(options.directory, options.loginLinkTtlMs ?? 3_600_000);
  const sessionTtlMs = options.sessionTtlMs ?? 43_200_000;
  const sessions = new Sessions(sessionTtlMs);
  const assets = loadStaticAssets(options.assetsDirectory ?? defaultAssetsDirectory());
  const cookieName = tls ? "__Host-falco-ui" : "falco-ui";
  const cookieAttributes = `Path=/; HttpOnly; SameSite=Strict${tls ? "; Secure" : ""}`;
  const session = (req: IncomingMessage) => cookieValue(req.headers.cookie, cookieName);
  const api = createAlertApi({
    store: options.store,
    authorize: (req) => sessions.valid(session(req)),
    ...(options.heartbeatMs !== undefined && { heartbeatMs: options.heartbeatMs }),
    ...(options.extraStats && { extraStats: options.extraStats }),
  });

  const sendAsset = (req: IncomingMessage, res: ServerResponse, path: string) => {
    const asset = assets.get(path);
    if (!asset) return sendError(res, 404, "not-found", `no page ${path}`);
    res.setHeader("ETag", asset.etag);
    res.setHeader(
      "Cache-Control",
      asset.immutable ? "public, max-age=31536000, immutable" : "no-cache",
    );
    if (req.headers["if-none-match"] === asset.etag) {
      res.writeHead(304);
      return res.end();
    }
    res.writeHead(200, { "Content-Type": asset.type, "Content-Length": asset.body.length });
    res.end(req.method === "HEAD" ? undefined : asset.body);
  };

  const login = async (req: IncomingMessage, res: ServerResponse) => {
    if (!sameOrigin(req, tls))
      return sendError(res, 403, "cross-origin", "log in from this server's own /login page");
    const body = await readBody(req, MAX_LOGIN_BODY);
    const token = body === undefined ? null : new URLSearchParams(body).get("token");
    if (token === null || !tokens.consume(token)) {
      return sendError(
        res,
        401,
        "login-link-invalid",
        "this login link was already used or has expired: open the newest link that " +
          "`falco-alerts ui` printed, or restart it for a new one",
      );
    }
    const id = sessions.create();
    res.setHeader(
      "Set-Cookie",
      `${cookieName}=${id}; ${cookieAttributes}; Max-Age=${Math.floor(sessionTtlMs / 1000)}`,
    );
    res.writeHead(204, { "Cache-Control": "no-store" });
    res.end();
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    setSecurityHeaders(res, tls);
    const path = new URL(req.url ?? "/", "http://ui.invalid").pathname;
    const method = req.method ?? "GET";
    const read = method === "GET" || method === "HEAD";
    if (path === "/login" || path === "/logout") {
      if (path === "/login" && read) return sendAsset(req, res, "/login.html");
      if (method !== "POST") {
        res.setHeader("Allow", path === "/login" ? "GET, POST" : "POST");
        return sendError(res, 405, "method-not-allowed", `${method} ${path} is not allowed`);
      }
      if (path === "/login") return login(req, res);
      if (!sameOrigin(req, tls))
        return sendError(res, 403, "cross-origin", "log out from this server's own page");
      sessions.revoke(session(req));
      res.setHeader("Set-Cookie", `${cookieName}=; ${cookieAttributes}; Max-Age=0`);
      res.writeHead(204);
      return res.end();
    }
    if (path.startsWith("/assets/")) {
      if (!read) return sendError(res, 405, "method-not-allowed", `${method} is not allowed`);
      return sendAsset(req, res, path);
    }
    const authorized = sessions.valid(session(req));
    if (path.startsWith("/api/")) {
      if (!authorized)
        return sendError(
          res,
          401,
          "unauthorized",
          "no session: open the login link that `falco-alerts ui` printed",
        );
      if (path === EXCEPTION_PREVIEW_PATH) {
        if (method !== "GET")
          return sendError(res, 405, "method-not-allowed", `${method} is not allowed`);
        return sendExceptionPreview(
          options.store,
          new URL(req.url ?? "/", "http://ui.invalid"),
          res,
        );
      }
      api(req, res);
      return;
    }
    if (path === "/" || path === "/index.html") {
      if (!read) return sendError(res, 405, "method-not-allowed", `${method} is not allowed`);
      if (!authorized) {
        res.writeHead(303, { Location: "/login", "Cache-Control": "no-store" });
        return res.end();
      }
      return sendAsset(req, res, "/index.html");
    }
    return sendError(res, 404, "not-found", `no page ${path}`);
  };

  return {
    handle: async (req, res) => {
      try {
        await handle(req, res);
      } catch (error) {
        if (!res.headersSent)
          sendError(res, 500, "internal", `the UI failed: ${(error as Error).message}`);
        else res.destroy();
      }
    },
    issueLoginToken: () => tokens.issue(),
    get sessions() {
      return sessions.size;
    },
    apiStats: () => api.stats(),
    close: () => api.close(),
  };
}
