import { connect as netConnect } from "node:net";
import { type Client, createClient } from "@connectrpc/connect";
import { createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import { service as outputsService } from "@falco-sdk/proto/outputs";
import { service as versionService } from "@falco-sdk/proto/version";
import type { FalcoTlsOptions } from "./client-options.js";
import type { ResolvedEndpoint } from "./endpoint.js";
import { ConfigurationError } from "./errors.js";
import { loadPem } from "./tls-material.js";

/** TLS material read from files or the environment, ready for node:tls. */
export interface LoadedTls {
  readonly ca?: Buffer;
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly serverName?: string;
}

/** Reads the TLS options (and FALCO_GRPC_* defaults) for a TLS endpoint. */
export function loadTls(options: FalcoTlsOptions = {}, env = process.env): LoadedTls {
  const ca = options.ca ?? env.FALCO_GRPC_CA;
  const cert = options.cert ?? env.FALCO_GRPC_CERT;
  const key = options.key ?? env.FALCO_GRPC_KEY;
  if (cert === undefined || key === undefined) {
    throw new ConfigurationError(
      "Falco's gRPC over TCP always requires mutual TLS: pass tls.cert and tls.key (a client " +
        "certificate signed by a CA in Falco's grpc root_certs) and usually tls.ca, or set " +
        "FALCO_GRPC_CERT, FALCO_GRPC_KEY and FALCO_GRPC_CA",
    );
  }
  return {
    ca: ca === undefined ? undefined : loadPem(ca, "CA certificate (tls.ca)"),
    cert: loadPem(cert, "client certificate (tls.cert)"),
    key: loadPem(key, "client key (tls.key)"),
    serverName: options.serverName ?? env.FALCO_GRPC_SERVER_NAME,
  };
}

/** One HTTP/2 connection to Falco with clients of both services. */
export interface Connection {
  readonly outputs: Client<typeof outputsService>;
  readonly version: Client<typeof versionService>;
  /** Closes the connection; calls still open on it fail. */
  close(): void;
}

/**
 * Opens a lazily-connected HTTP/2 session. No keepalive PINGs are sent (connect-node's
 * default pingIntervalMs is infinite): Falco's server closes connections that ping more than
 * once per 5 minutes while it has nothing to send. Liveness is checked with `version` calls.
 */
export function openConnection(endpoint: ResolvedEndpoint, tls?: LoadedTls): Connection {
  let baseUrl: string;
  let nodeOptions: ConstructorParameters<typeof Http2SessionManager>[2];
  if (endpoint.kind === "unix") {
    const { path } = endpoint;
    baseUrl = "http://localhost";
    nodeOptions = { createConnection: () => netConnect(path) };
  } else {
    const host = endpoint.host.includes(":") ? `[${endpoint.host}]` : endpoint.host;
    baseUrl = `${endpoint.tls ? "https" : "http"}://${host}:${endpoint.port}`;
    nodeOptions =
      endpoint.tls && tls
        ? { ca: tls.ca, cert: tls.cert, key: tls.key, servername: tls.serverName }
        : {};
  }
  const sessionManager = new Http2SessionManager(baseUrl, {}, nodeOptions);
  const transport = createGrpcTransport({ baseUrl, sessionManager });
  return {
    outputs: createClient(outputsService, transport),
    version: createClient(versionService, transport),
    close: () => sessionManager.abort(),
  };
}
