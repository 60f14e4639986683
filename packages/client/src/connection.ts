import { connect as netConnect } from "node:net";
import { type Client, createClient } from "@connectrpc/connect";
import { createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import { hostPort } from "@falco-sdk/core";
import { service as outputsService } from "@falco-sdk/proto/outputs";
import { service as versionService } from "@falco-sdk/proto/version";
import type { ResolvedEndpoint } from "./endpoint.js";
import type { LoadedTls } from "./tls-material.js";

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
    baseUrl = `${endpoint.tls ? "https" : "http"}://${hostPort(endpoint.host, endpoint.port)}`;
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
