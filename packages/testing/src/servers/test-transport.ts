import { connect as netConnect } from "node:net";
import type { Transport } from "@connectrpc/connect";
import { createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";

/** Client side of mutual TLS, PEM contents (e.g. from `createTestPki()`). */
export interface ClientTlsMaterial {
  /** CA that the server certificate must chain to. */
  readonly ca: string | Buffer;
  /** Client certificate; omit it to see the server refuse the handshake. */
  readonly cert?: string | Buffer;
  /** Client private key. */
  readonly key?: string | Buffer;
  /**
   * Name checked against the server certificate (Falco's docs use CN=localhost).
   * @default "localhost"
   */
  readonly serverName?: string;
}

/** Options of {@link createTestTransport}. */
export interface TestTransportOptions {
  /** A server's `endpoint`: `unix:///path/to.sock` or `host:port`. */
  readonly endpoint: string;
  /** Mutual TLS for a `host:port` endpoint. Without it, `host:port` is dialled in plaintext. */
  readonly tls?: ClientTlsMaterial;
  /**
   * Send an HTTP/2 PING this often while calls are open. Falco's server
   * kills connections that ping more than once per 5 minutes while it sends
   * nothing: only for tests of that policy.
   * @default no pings
   */
  readonly pingIntervalMs?: number;
}

/** A connect-node gRPC transport to a test server, with its one HTTP/2 connection. */
export interface TestTransport extends Disposable {
  /** Pass to `createClient(service, transport)` from `@connectrpc/connect`. */
  readonly transport: Transport;
  /** Closes the HTTP/2 connection (open calls fail with Canceled). */
  close(): void;
}

/**
 * A plain connect-node gRPC transport to a test server's endpoint: a unix
 * socket, mutual TLS, or plaintext TCP. No keepalive pings unless asked
 * (Falco's server kills connections that ping more than once per 5 minutes
 * while idle).
 */
export function createTestTransport(options: TestTransportOptions): TestTransport {
  const { endpoint, tls } = options;
  let baseUrl: string;
  let nodeOptions: ConstructorParameters<typeof Http2SessionManager>[2];
  if (endpoint.startsWith("unix://")) {
    const socketPath = endpoint.slice("unix://".length);
    baseUrl = "http://localhost";
    nodeOptions = { createConnection: () => netConnect(socketPath) };
  } else if (tls !== undefined) {
    baseUrl = `https://${endpoint}`;
    nodeOptions = {
      ca: tls.ca,
      cert: tls.cert,
      key: tls.key,
      servername: tls.serverName ?? "localhost",
    };
  } else {
    baseUrl = `http://${endpoint}`;
    nodeOptions = {};
  }
  const pingOptions =
    options.pingIntervalMs === undefined
      ? {}
      : // Not on idle connections: connect-node 2.1.2 may then ping a destroyed
        // session after close() and throw ERR_HTTP2_INVALID_SESSION.
        { pingIntervalMs: options.pingIntervalMs, pingIdleConnection: false };
  const sessionManager = new Http2SessionManager(baseUrl, pingOptions, nodeOptions);
  const transport = createGrpcTransport({ baseUrl, sessionManager });
  const close = () => sessionManager.abort();
  return { transport, close, [Symbol.dispose]: close };
}
