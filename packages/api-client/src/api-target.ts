import { readFileSync } from "node:fs";
import { ConfigurationError } from "@falco-sdk/core";
import { CLIENT_API } from "./api-errors.js";
import type { AlertStreamClientOptions, ApiTlsOptions, PemSource } from "./client-options.js";

/** Where and how the client sends its requests, checked once by `createAlertStreamClient`. */
export interface ApiTarget {
  /** The base URL, ending with `/` (routes are resolved against it). */
  readonly base: URL;
  /** The URL as shown in messages (without credentials). */
  readonly shown: string;
  readonly token: string | undefined;
  readonly tls: ResolvedTls | undefined;
  readonly idleTimeoutMs: number;
  readonly requestTimeoutMs: number;
}

/** TLS material loaded into memory. */
export interface ResolvedTls {
  readonly ca?: Buffer | string;
  readonly cert?: Buffer | string;
  readonly key?: Buffer | string;
  readonly servername?: string;
}

const named = (name: string) => ({ namedOptions: [{ api: CLIENT_API, name }] });

function loadPem(name: string, source: PemSource): Buffer | string {
  if (typeof source !== "string") return Buffer.from(source);
  if (source.includes("-----BEGIN")) return source;
  try {
    return readFileSync(source);
  } catch (cause) {
    throw new ConfigurationError(
      `${name}: cannot read ${source} (${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message}): ` +
        "give a readable PEM file, the PEM text or a Buffer",
      { cause, ...named(name) },
    );
  }
}

function resolveTls(tls: ApiTlsOptions | undefined): ResolvedTls | undefined {
  if (!tls) return undefined;
  if ((tls.cert === undefined) !== (tls.key === undefined)) {
    throw new ConfigurationError("tls.cert and tls.key go together: give both or neither", {
      namedOptions: [
        { api: CLIENT_API, name: "tls.cert" },
        { api: CLIENT_API, name: "tls.key" },
      ],
    });
  }
  return {
    ...(tls.ca !== undefined && { ca: loadPem("tls.ca", tls.ca) }),
    ...(tls.cert !== undefined && { cert: loadPem("tls.cert", tls.cert) }),
    ...(tls.key !== undefined && { key: loadPem("tls.key", tls.key) }),
    ...(tls.serverName !== undefined && { servername: tls.serverName }),
  };
}

const API_SUFFIX = /\/api\/v1(?:\/[^?#]*)?$/;

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!(value > 0))
    throw new ConfigurationError(`${name} must be above 0, got ${value}`, named(name));
  return value;
}

/**
 * Checks the options and loads the TLS files.
 *
 * @throws ConfigurationError for a `url` that is not http(s), TLS options without https,
 *   an unreadable PEM file, a token with a line break.
 */
export function resolveTarget(options: AlertStreamClientOptions): ApiTarget {
  let base: URL;
  try {
    base = new URL(options.url);
  } catch (cause) {
    throw new ConfigurationError(
      `url: ${JSON.stringify(options.url)} is not a URL: give the API's base URL, e.g. http://127.0.0.1:2803`,
      { cause, ...named("url") },
    );
  }
  if (base.protocol !== "http:" && base.protocol !== "https:") {
    throw new ConfigurationError(
      `url: ${base.protocol} is not supported: the API is served over http:// or https://`,
      named("url"),
    );
  }
  if (options.tls && base.protocol !== "https:") {
    throw new ConfigurationError(
      `tls is for an https:// url; ${base.origin} is plain http`,
      named("tls"),
    );
  }
  const token = options.token;
  if (token !== undefined && (token === "" || /[\r\n]/.test(token))) {
    throw new ConfigurationError(
      "token must be one line of text (the bearer token, without `Bearer `)",
      named("token"),
    );
  }
  base.search = "";
  base.hash = "";
  base.pathname = base.pathname.replace(API_SUFFIX, "").replace(/\/?$/, "/");
  const shown = new URL(base);
  shown.username = "";
  shown.password = "";
  return {
    base,
    shown: shown.href.replace(/\/$/, ""),
    token,
    tls: resolveTls(options.tls),
    idleTimeoutMs: positive("idleTimeoutMs", options.idleTimeoutMs, 45_000),
    requestTimeoutMs: positive("requestTimeoutMs", options.requestTimeoutMs, 30_000),
  };
}

/** The URL of a route (`api/v1/...`, relative) with its query parameters. */
export function routeUrl(target: ApiTarget, route: string, params?: URLSearchParams): URL {
  const url = new URL(route, target.base);
  if (params) url.search = params.toString();
  return url;
}
