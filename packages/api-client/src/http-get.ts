import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { FalcoError } from "@falco-sdk/core";
import {
  ApiBadRequestError,
  ApiBadResponseError,
  type ApiError,
  ApiUnauthorizedError,
  ApiUnreachableError,
  CLIENT_API,
} from "./api-errors.js";
import { type ApiTarget, routeUrl } from "./api-target.js";

/** Options of one GET. */
export interface GetOptions {
  readonly params?: URLSearchParams;
  readonly headers?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal | undefined;
  /** Socket inactivity that fails the request. @default the target's `requestTimeoutMs` */
  readonly timeoutMs?: number;
  /** The content type the route answers with, e.g. `text/event-stream`. */
  readonly accept: string;
}

/** The largest error body read, to show the server's message. */
const MAX_ERROR_BODY = 64 * 1024;

const TLS_CODES =
  /^(?:CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|ERR_TLS|ERR_SSL|EPROTO$|HOSTNAME_MISMATCH)/;

/** TLS alerts of a server that refused this client's certificate, or its absence. */
const CLIENT_CERT_ALERTS =
  /ALERT_(?:CERTIFICATE_REQUIRED|BAD_CERTIFICATE|UNKNOWN_CA|CERTIFICATE_UNKNOWN)$/;

/** A failure to reach the server, as an ApiUnreachableError saying what to check. */
export function unreachable(target: ApiTarget, error: unknown): ApiError {
  if (error instanceof FalcoError) return error as ApiError;
  const code = (error as NodeJS.ErrnoException).code;
  const text = (error as Error).message;
  const https = target.shown.startsWith("https:");
  if (https && (code === "ECONNRESET" || (code && CLIENT_CERT_ALERTS.test(code)))) {
    // A server that requires a client certificate refuses a missing or unknown one with a TLS
    // alert, or (the alert overtaken by the close) a reset.
    return new ApiUnreachableError(
      `${target.shown} closed the connection (${code}: ${text}): if it requires a client ` +
        "certificate (mutual TLS), give tls.cert and tls.key, a certificate signed by the CA it " +
        "trusts",
      code,
      {
        cause: error,
        namedOptions: [
          { api: CLIENT_API, name: "tls.cert" },
          { api: CLIENT_API, name: "tls.key" },
        ],
      },
    );
  }
  if (code && TLS_CODES.test(code)) {
    return new ApiUnreachableError(
      `TLS with ${target.shown} failed (${code}: ${text}): give the CA of its certificate as tls.ca ` +
        "(and tls.serverName when the certificate names another host)",
      code,
      { cause: error, namedOptions: [{ api: CLIENT_API, name: "tls.ca" }] },
    );
  }
  const hint =
    code === "ECONNREFUSED"
      ? ": nothing listens there; check url and that the API server runs"
      : code === "ENOTFOUND"
        ? ": unknown host; check url"
        : "";
  return new ApiUnreachableError(
    `cannot reach ${target.shown} (${code ? `${code}: ` : ""}${text})${hint}`,
    code,
    { cause: error, ...(hint && { namedOptions: [{ api: CLIENT_API, name: "url" }] }) },
  );
}

async function readSome(response: IncomingMessage): Promise<string> {
  let text = "";
  try {
    for await (const chunk of response) {
      text += chunk;
      if (text.length > MAX_ERROR_BODY) break;
    }
  } catch {}
  response.destroy();
  return text.slice(0, MAX_ERROR_BODY);
}

function serverError(body: string): { code: string; message: string } | undefined {
  try {
    const error = (JSON.parse(body) as { error?: { code?: unknown; message?: unknown } }).error;
    if (typeof error?.code === "string" && typeof error.message === "string") {
      return { code: error.code, message: error.message };
    }
  } catch {}
  return undefined;
}

/** The error of a response that is not a 200, saying what to do. */
async function statusError(target: ApiTarget, url: URL, response: IncomingMessage) {
  const status = response.statusCode ?? 0;
  const body = await readSome(response);
  const server = serverError(body);
  const said = server ? `: ${server.message}` : "";
  if (status === 401 || status === 403) {
    const message =
      target.token === undefined
        ? `${target.shown} requires credentials (HTTP ${status}): give token`
        : `${target.shown} refused the credentials given as token (HTTP ${status}): check token`;
    return new ApiUnauthorizedError(message, status, {
      namedOptions: [{ api: CLIENT_API, name: "token" }],
    });
  }
  if (status === 400 && server) {
    return new ApiBadRequestError(`${url.pathname}: ${server.message}`, server.code);
  }
  if (status === 404) {
    return new ApiBadResponseError(
      `no falco-sdk alert API at ${target.shown} (HTTP 404 for ${url.pathname}): url is the API's base URL, e.g. http://127.0.0.1:2803`,
      status,
      { namedOptions: [{ api: CLIENT_API, name: "url" }] },
    );
  }
  return new ApiBadResponseError(
    `${target.shown} answered ${url.pathname} with HTTP ${status}${said || (body ? `: ${body.slice(0, 200)}` : "")}`,
    status,
  );
}

/**
 * One GET of a route: the response once its status is 200 and its content type the one
 * expected. The socket's inactivity timeout is `requestTimeoutMs` (the caller may change it).
 *
 * @throws ApiUnauthorizedError (401, 403), ApiBadRequestError (400), ApiBadResponseError
 *   (another status or content type), ApiUnreachableError (no answer); `signal.reason` when
 *   aborted.
 */
export function apiGet(
  target: ApiTarget,
  route: string,
  options: GetOptions,
): Promise<IncomingMessage> {
  const url = routeUrl(target, route, options.params);
  const headers: Record<string, string> = { accept: options.accept, ...options.headers };
  if (target.token !== undefined) headers.authorization = `Bearer ${target.token}`;
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const { signal } = options;
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const request = send(url, {
      method: "GET",
      headers,
      agent: false,
      ...target.tls,
      ...(signal && { signal }),
    });
    const timeoutMs = options.timeoutMs ?? target.requestTimeoutMs;
    request.setTimeout(timeoutMs, () =>
      request.destroy(
        Object.assign(new Error(`no answer within ${timeoutMs} ms`), {
          code: "ETIMEDOUT",
        }),
      ),
    );
    request.once("error", (error) => {
      reject(signal?.aborted ? signal.reason : unreachable(target, error));
    });
    request.once("response", (response) => {
      response.setEncoding("utf8");
      if (response.statusCode !== 200) {
        statusError(target, url, response).then(reject, reject);
        return;
      }
      const type = response.headers["content-type"] ?? "";
      if (!type.toLowerCase().startsWith(options.accept)) {
        response.destroy();
        reject(
          new ApiBadResponseError(
            `${target.shown} answered ${url.pathname} with ${type || "no content type"}, not ${options.accept}: is url the falco-sdk alert API?`,
            200,
            { namedOptions: [{ api: CLIENT_API, name: "url" }] },
          ),
        );
        return;
      }
      resolve(response);
    });
    request.end();
  });
}

/** Reads a JSON response whole; integers beyond 2^53 stay exact (`parse`). */
export async function readJson<T>(
  target: ApiTarget,
  response: IncomingMessage,
  parse: (text: string) => unknown,
): Promise<T> {
  let text = "";
  try {
    for await (const chunk of response) text += chunk;
  } catch (error) {
    throw unreachable(target, error);
  }
  try {
    return parse(text) as T;
  } catch (cause) {
    throw new ApiBadResponseError(
      `${target.shown} sent a body that is not JSON (${(cause as Error).message})`,
      200,
      { cause },
    );
  }
}
