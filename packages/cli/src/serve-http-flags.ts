// `relay --serve-http [HOST:]PORT`: the resumable HTTP stream and query API (@falco-sdk/api)
// on the relay's --store, its flags, and the refusals of an unsafe setting in flag words.
import {
  type AlertApiServer,
  type AlertApiServerOptions,
  createAlertApiServer,
  isLoopbackHost,
} from "@falco-sdk/api";
import type { AlertStore } from "@falco-sdk/store";
import type { Command } from "commander";
import { UsageError } from "./exit-codes.js";
import { parseListenAddress } from "./listen-address.js";
import { loadFile } from "./load-file.js";

/** The --serve-http flags, as commander parses them. */
export interface ServeHttpFlags {
  serveHttp?: string;
  serveHttpCert?: string;
  serveHttpKey?: string;
  serveHttpCa?: string;
  apiTokenFile?: string;
}

export function addServeHttpOptions(command: Command): void {
  command
    .option(
      "--serve-http <[host:]port>",
      "serve the alert API (SSE stream resumable by cursor, queries, export) of --store here; " +
        "a bare port (2803 or :2803) is 127.0.0.1 (any other address needs TLS and --api-token-file or --serve-http-ca)",
    )
    .option("--serve-http-cert <file>", "--serve-http: certificate (serve HTTPS)")
    .option("--serve-http-key <file>", "--serve-http: private key of --serve-http-cert")
    .option(
      "--serve-http-ca <file>",
      "--serve-http: CA that client certificates must chain to (mutual TLS)",
    )
    .option(
      "--api-token-file <file>",
      "--serve-http: file holding the bearer token clients must send (Authorization: Bearer ...)",
    );
}

/** The server options of the flags (without the store); undefined without --serve-http. */
export function serveHttpOptions(
  flags: ServeHttpFlags & { store?: string },
): Omit<AlertApiServerOptions, "store"> | undefined {
  const { serveHttp, serveHttpCert: cert, serveHttpKey: key, serveHttpCa: ca } = flags;
  if (serveHttp === undefined) {
    if (cert || key || ca || flags.apiTokenFile) {
      throw new UsageError(
        "--serve-http-cert, --serve-http-key, --serve-http-ca and --api-token-file go with --serve-http [HOST:]PORT",
      );
    }
    return undefined;
  }
  if (!flags.store) {
    throw new UsageError(
      `--serve-http ${serveHttp} serves the alerts of the store: give --store DIR too`,
    );
  }
  // `:2803` as well as `2803`: loopback.
  const address = /^:\d+$/.test(serveHttp) ? serveHttp.slice(1) : serveHttp;
  const { host, port } = parseListenAddress("--serve-http", address);
  if (Boolean(cert) !== Boolean(key)) {
    throw new UsageError("HTTPS needs both --serve-http-cert and --serve-http-key");
  }
  if (ca && !cert) {
    throw new UsageError(
      "mutual TLS (--serve-http-ca) needs --serve-http-cert and --serve-http-key",
    );
  }
  if (!isLoopbackHost(host)) {
    if (!cert) {
      throw new UsageError(
        `--serve-http ${serveHttp} is not a loopback address: serving alerts to the network needs ` +
          "HTTPS (--serve-http-cert and --serve-http-key) and credentials (--api-token-file, or " +
          "--serve-http-ca for mutual TLS); or serve on loopback (--serve-http PORT)",
      );
    }
    if (!flags.apiTokenFile && !ca) {
      throw new UsageError(
        `--serve-http ${serveHttp} is not a loopback address: give credentials, a bearer token ` +
          "with --api-token-file FILE or client certificates with --serve-http-ca (there are no default credentials)",
      );
    }
  }
  return {
    host,
    port,
    ...(cert &&
      key && {
        tls: {
          cert: loadFile("--serve-http-cert", cert),
          key: loadFile("--serve-http-key", key),
          ...(ca && { ca: loadFile("--serve-http-ca", ca) }),
        },
      }),
    ...(flags.apiTokenFile && { token: readToken(flags.apiTokenFile) }),
  };
}

function readToken(path: string): string {
  const token = loadFile("--api-token-file", path).toString("utf8").trim();
  if (token === "" || /\s/.test(token)) {
    throw new UsageError(
      `--api-token-file ${path} must hold one token without spaces (it ${token === "" ? "is empty" : "holds spaces"}), e.g. from: openssl rand -hex 32 > ${path}`,
    );
  }
  return token;
}

/** Starts the API server of the flags on the store; undefined without --serve-http. */
export async function startServeHttp(
  options: Omit<AlertApiServerOptions, "store"> | undefined,
  store: AlertStore | undefined,
  extraStats: () => Record<string, unknown>,
): Promise<AlertApiServer | undefined> {
  if (!options || !store) return undefined;
  return createAlertApiServer({ ...options, store, extraStats });
}
