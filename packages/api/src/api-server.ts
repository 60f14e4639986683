import { readFileSync } from "node:fs";
import { createServer as createHttpServer, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { isIP } from "node:net";
import { hostForUrl } from "@falco-sdk/core";
import { createAlertApi } from "./alert-api.js";
import { ApiConfigurationError, ApiListenError } from "./api-errors.js";
import type { AlertApiOptions } from "./api-options.js";
import type { AlertApiStats } from "./api-stats.js";

/** TLS of the server: PEM text or buffers. */
export interface AlertApiTls {
  /** The server's certificate chain. */
  readonly cert: string | Buffer;
  /** Its private key. */
  readonly key: string | Buffer;
  /**
   * CA of the client certificates: with it, the server asks every client for a certificate
   * that chains to it (mutual TLS) and refuses the connection without one. @default none
   */
  readonly ca?: string | Buffer;
}

/** Options of {@link createAlertApiServer}. */
export interface AlertApiServerOptions extends AlertApiOptions {
  /**
   * Address to listen on. Loopback (127.0.0.1, ::1, localhost) needs nothing more; any other
   * address needs `tls` and credentials: `token`/`tokenFile`, or mutual TLS (`tls.ca`).
   * @default "127.0.0.1"
   */
  readonly host?: string;
  /** Port; 0 picks a free one (see `url`). */
  readonly port: number;
  /** Serve HTTPS. @default undefined: plain HTTP (loopback only) */
  readonly tls?: AlertApiTls;
  /** A file whose content (trimmed) is the bearer token, instead of `token`. @default none */
  readonly tokenFile?: string;
}

/** A running API server. */
export interface AlertApiServer {
  /** Its base URL, e.g. `https://10.0.0.5:2803`. */
  readonly url: string;
  /** What the API counted. */
  stats(): AlertApiStats;
  /** Ends every stream and stops listening (the store stays open). */
  close(): Promise<void>;
}

/** True for 127.0.0.0/8, ::1 and `localhost`. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "");
  if (h === "localhost" || h === "::1") return true;
  return isIP(h) === 4 && h.startsWith("127.");
}

function tokenOf(options: AlertApiServerOptions): string | undefined {
  if (options.tokenFile === undefined) return options.token;
  if (options.token !== undefined) {
    throw new ApiConfigurationError("give token or tokenFile, not both");
  }
  let text: string;
  try {
    text = readFileSync(options.tokenFile, "utf8").trim();
  } catch (cause) {
    throw new ApiConfigurationError(
      `cannot read the token file ${options.tokenFile} (tokenFile): ${(cause as Error).message}`,
      { cause, namedOptions: [{ api: "createAlertApiServer", name: "tokenFile" }] },
    );
  }
  if (text === "" || /\s/.test(text)) {
    throw new ApiConfigurationError(
      `the token file ${options.tokenFile} (tokenFile) must hold one token, without spaces: it ${text === "" ? "is empty" : "holds spaces"}`,
      { namedOptions: [{ api: "createAlertApiServer", name: "tokenFile" }] },
    );
  }
  return text;
}

/**
 * Serves the alert API on HTTP/1.1 (HTTPS with `tls`). It refuses to start on a non-loopback
 * address without TLS and credentials: there are no default credentials.
 *
 * @throws ApiConfigurationError for an unsafe or unreadable configuration.
 * @throws ApiListenError when the address cannot be bound.
 */
export async function createAlertApiServer(
  options: AlertApiServerOptions,
): Promise<AlertApiServer> {
  const host = options.host ?? "127.0.0.1";
  const token = tokenOf(options);
  if (options.token === "") throw new ApiConfigurationError("token must not be empty");
  if (!isLoopbackHost(host)) {
    const named = (name: string) => ({ api: "createAlertApiServer", name });
    if (!options.tls) {
      throw new ApiConfigurationError(
        `${host} is not a loopback address: serving alerts to the network needs tls (cert and key) ` +
          "and credentials (token, tokenFile or tls.ca for mutual TLS)",
        { namedOptions: [named("tls"), named("token"), named("tokenFile"), named("tls.ca")] },
      );
    }
    if (token === undefined && !options.tls.ca && !options.authorize) {
      throw new ApiConfigurationError(
        `${host} is not a loopback address: give credentials, a bearer token (token or tokenFile) ` +
          "or mutual TLS (tls.ca)",
        { namedOptions: [named("token"), named("tokenFile"), named("tls.ca")] },
      );
    }
  }
  const api = createAlertApi({ ...options, token });
  const tls = options.tls;
  const server: Server = tls
    ? createHttpsServer(
        {
          cert: tls.cert,
          key: tls.key,
          ...(tls.ca && { ca: tls.ca, requestCert: true, rejectUnauthorized: true }),
          keepAliveTimeout: 65_000,
        },
        api,
      )
    : createHttpServer({ keepAliveTimeout: 65_000 }, api);
  // Streams are long: no request timeout (a heartbeat flows every heartbeatMs).
  server.requestTimeout = 0;
  server.on("clientError", (_error, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
    else socket.destroy();
  });
  const shown = hostForUrl(host);
  await new Promise<void>((resolve, reject) => {
    server.once("error", (cause) =>
      reject(new ApiListenError(`${shown}:${options.port}`, { cause })),
    );
    server.listen(options.port, host, () => resolve());
  });
  server.on("error", () => {});
  const bound = server.address();
  const port = typeof bound === "object" && bound ? bound.port : options.port;
  return {
    url: `${tls ? "https" : "http"}://${shown}:${port}`,
    stats: () => api.stats(),
    close: () =>
      new Promise<void>((resolve) => {
        api.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
