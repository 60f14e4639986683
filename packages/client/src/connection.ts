import { connect as netConnect } from "node:net";
import { type Client, createClient } from "@connectrpc/connect";
import { createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import { hostPort } from "@falco-sdk/core";
import { service as outputsService } from "@falco-sdk/proto/outputs";
import { service as versionService } from "@falco-sdk/proto/version";
import type { ResolvedEndpoint } from "./endpoint.js";
import type { LoadedTls } from "./tls-material.js";

/**
 * connect-node's session manager, plus a signal that aborts when a session it
 * opened receives GOAWAY. Falco sends GOAWAY at once when it stops and on every
 * rules or configuration reload, before it waits for the open calls.
 */
class GoawaySessionManager extends Http2SessionManager {
  readonly #goaway = new AbortController();
  readonly #watched = new WeakSet<object>();

  get goaway(): AbortSignal {
    return this.#goaway.signal;
  }

  override async request(
    ...args: Parameters<Http2SessionManager["request"]>
  ): ReturnType<Http2SessionManager["request"]> {
    const stream = await super.request(...args);
    const session = stream.session;
    if (session && !this.#watched.has(session)) {
      this.#watched.add(session);
      session.once("goaway", () => this.#goaway.abort());
    }
    return stream;
  }
}

/** One HTTP/2 connection to Falco with clients of both services. */
export interface Connection {
  readonly outputs: Client<typeof outputsService>;
  readonly version: Client<typeof versionService>;
  /**
   * The HTTP/2 sessions under both, with `baseUrl`: the alert streams read their
   * messages straight from its streams (see grpc-stream.ts).
   */
  readonly sessions: Http2SessionManager;
  readonly baseUrl: string;
  /** Aborted once Falco sent GOAWAY on this connection (it is stopping or reloading). */
  readonly goaway: AbortSignal;
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
  const sessionManager = new GoawaySessionManager(baseUrl, {}, nodeOptions);
  const transport = createGrpcTransport({ baseUrl, sessionManager });
  return {
    outputs: createClient(outputsService, transport),
    version: createClient(versionService, transport),
    sessions: sessionManager,
    baseUrl,
    goaway: sessionManager.goaway,
    close: () => sessionManager.abort(),
  };
}
