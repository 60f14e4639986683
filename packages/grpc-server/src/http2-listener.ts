import { mkdirSync } from "node:fs";
import {
  constants,
  createSecureServer,
  createServer,
  type Http2Server,
  type Http2ServerResponse,
  type Http2Session,
} from "node:http2";
import type { AddressInfo, Socket } from "node:net";
import { dirname, resolve } from "node:path";
import { DEFAULT_IDLE_CHECK_MS, destroyWhenDead } from "./dead-sessions.js";
import { ListenError } from "./listen-error.js";
import type { ListenOptions } from "./listen-options.js";
import { type PingPolicyOptions, SessionPingPolicy } from "./ping-policy.js";
import { watchRefusedStreams } from "./refused-streams.js";
import type { RequestHandler } from "./request-guard.js";
import { guardRequests, type RejectionListener } from "./request-guard.js";
import {
  checkSocketPathLength,
  claimSocketPath,
  placeSocket,
  releaseSocketPath,
  removeSocketFile,
  type SocketFileIdentity,
  stagingPathFor,
} from "./unix-socket-path.js";

/** What {@link listenHttp2} reports, and how it checks connections. */
export interface ListenHooks {
  /**
   * Hears of every request refused as malformed, once.
   * @default none
   */
  readonly onRejected?: RejectionListener;
  /**
   * Every connection gets a PING this often; one that leaves it unanswered as long again
   * is destroyed (a peer that vanished, or a connection nghttp2 closed for a protocol error).
   * @default 60000
   */
  readonly idleCheckMs?: number;
}

/** The default TCP host: loopback only. */
export const DEFAULT_HOST = "127.0.0.1";

/** One listening HTTP/2 server and every connection it accepted. */
export interface Http2Listener {
  /** `unix:///path` or `host:port`. */
  readonly endpoint: string;
  /** The listen options with the port actually bound (to listen again on the same address). */
  readonly listen: ListenOptions;
  /** Stops accepting connections and sends GOAWAY on every session; open streams go on. */
  beginClose(): void;
  /**
   * Resolves once the server has processed everything its clients sent before
   * now: one HTTP/2 PING round trip per open session (TCP and unix sockets keep
   * order, so a stream reset or a connection closed before the PING has been
   * seen by then). A session that closes instead counts as settled.
   */
  settle(): Promise<void>;
  /** Resolves when every session has closed (after `beginClose()` or `destroy()`). */
  readonly closed: Promise<void>;
  /** Destroys every session and socket at once and stops listening. */
  destroy(): void;
}

/**
 * Wraps the request handler:
 * - like gRPC's C core (HTTP/2 section 8.1), once a call's trailers are sent
 *   while its client has not half-closed, resets the stream with NO_ERROR so
 *   the stream (and, when stopping, the connection) can close; Node would
 *   keep such streams half-open forever;
 * - feeds the session's ping policy (open streams, data sent).
 */
function wrapHandler(
  handler: RequestHandler,
  policies: WeakMap<Http2Session, SessionPingPolicy>,
): RequestHandler {
  return (request, response) => {
    const stream = request.stream;
    stream.once("wantTrailers", () => {
      // Runs after Node's own setImmediate that submits the trailers.
      setImmediate(() => {
        if (!stream.closed && !stream.destroyed && !stream.readableEnded) {
          stream.close(constants.NGHTTP2_NO_ERROR);
        }
      });
    });
    const policy = policies.get(stream.session as Http2Session);
    if (policy !== undefined) {
      policy.streamOpened();
      stream.once("close", () => policy.streamClosed());
      const { write, writeHead } = response;
      response.write = ((...args: unknown[]) => {
        policy.dataSent();
        return (write as (...a: unknown[]) => boolean).apply(response, args);
      }) as typeof write;
      response.writeHead = ((...args: unknown[]) => {
        policy.dataSent();
        return (writeHead as (...a: unknown[]) => Http2ServerResponse).apply(response, args);
      }) as typeof writeHead;
    }
    handler(request, response);
  };
}

function createHttp2Server(listen: ListenOptions, handler: RequestHandler): Http2Server {
  if ("tls" in listen && listen.tls !== undefined) {
    return createSecureServer(
      {
        cert: listen.tls.cert,
        key: listen.tls.key,
        ca: listen.tls.ca,
        requestCert: true,
        rejectUnauthorized: true,
        allowHTTP1: false,
      },
      handler,
    );
  }
  return createServer({}, handler);
}

/**
 * Listens on `listen` and tracks every connection. The caller decides which
 * options it accepts (e.g. refuses plaintext TCP without an opt-in); this
 * rejects with {@link ListenError} when the address cannot be bound.
 * `pingPolicy` enforces gRPC C-core's keepalive policy, `false` accepts any PING.
 * No request ends the process or another call: each malformed one is answered with a
 * gRPC error or a reset and reported to `hooks.onRejected` (see {@link guardRequests}); a
 * connection that falls silent and leaves a PING unanswered is destroyed (see {@link ListenHooks}).
 */
export async function listenHttp2(
  listen: ListenOptions,
  handler: RequestHandler,
  pingPolicy: PingPolicyOptions | false,
  hooks: ListenHooks = {},
): Promise<Http2Listener> {
  const onRejected = hooks.onRejected ?? (() => {});
  const idleCheckMs = hooks.idleCheckMs ?? DEFAULT_IDLE_CHECK_MS;
  const policies = new WeakMap<Http2Session, SessionPingPolicy>();
  const server = createHttp2Server(
    listen,
    wrapHandler(guardRequests(handler, onRejected), policies),
  );
  const sessions = new Set<Http2Session>();
  const sockets = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
  });
  server.on("session", (session: Http2Session) => {
    sessions.add(session);
    if (pingPolicy !== false) {
      policies.set(session, new SessionPingPolicy(session, pingPolicy));
    }
    session.on("close", () => sessions.delete(session));
    session.on("error", () => {});
    watchRefusedStreams(session, onRejected);
    destroyWhenDead(session, idleCheckMs);
  });
  // A connection that fails (the client vanished, sent GOAWAY with an error, or broke
  // HTTP/2 so that the server sent GOAWAY) ends only itself; its refused requests are
  // counted above, the connection is not a request.
  server.on("sessionError", () => {});
  server.on("tlsClientError", () => {});

  const socketPath = "socketPath" in listen ? resolve(listen.socketPath) : undefined;
  const host = "socketPath" in listen ? undefined : (listen.host ?? DEFAULT_HOST);
  let socketFile: SocketFileIdentity | undefined;
  let staging = "";
  if (socketPath !== undefined) {
    checkSocketPathLength(socketPath);
    try {
      mkdirSync(dirname(socketPath), { recursive: true });
    } catch (error) {
      throw new ListenError(`cannot listen on ${socketPath}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    staging = stagingPathFor(socketPath);
    await claimSocketPath(socketPath);
  }
  await new Promise<void>((done, fail) => {
    const onError = (error: NodeJS.ErrnoException) => {
      const where = socketPath ?? `${host}:${"port" in listen ? (listen.port ?? 0) : 0}`;
      fail(new ListenError(`cannot listen on ${where}: ${error.message}`, { cause: error }));
    };
    server.once("error", onError);
    if (socketPath === undefined) {
      server.listen("port" in listen ? (listen.port ?? 0) : 0, host, () => done());
      return;
    }
    // Bound under a private name (staging), chmod-ed, then linked into place: no client
    // sees the socket with the umask's mode, nothing that appeared at the path meanwhile
    // is replaced, and Node's close (which unlinks the name it bound) never touches the path.
    removeSocketFile(staging);
    server.listen(staging, () => {
      try {
        const mode = "socketMode" in listen ? listen.socketMode : undefined;
        socketFile = placeSocket(staging, socketPath, mode);
        done();
      } catch (error) {
        removeSocketFile(staging);
        if (error instanceof ListenError) fail(error);
        else onError(error as NodeJS.ErrnoException);
      }
    });
  }).catch((error: unknown) => {
    server.close();
    throw error;
  });
  server.on("error", () => {});

  let endpoint: string;
  let bound: ListenOptions;
  if (socketPath !== undefined) {
    endpoint = `unix://${socketPath}`;
    bound = { ...listen, socketPath };
  } else {
    const { port } = server.address() as AddressInfo;
    endpoint = host?.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
    bound = { ...listen, host, port } as ListenOptions;
  }

  const closed = new Promise<void>((done) => server.once("close", () => done()));
  const stopListening = () => {
    if (socketPath !== undefined && socketFile !== undefined) {
      // Only the socket this listener created (its inode still open, so its number cannot
      // have been reused): another server's socket now at the path stays.
      releaseSocketPath(socketPath, socketFile);
      socketFile = undefined;
    }
    if (server.listening) {
      server.close();
    }
  };
  return {
    endpoint,
    listen: bound,
    closed,
    async settle() {
      const pings = [...sessions].map(
        (session) =>
          new Promise<void>((resolve) => {
            const done = () => {
              session.off("close", done);
              resolve();
            };
            if (session.closed || session.destroyed) {
              resolve();
              return;
            }
            session.once("close", done);
            try {
              // Fails (callback with an error) when the session ends first.
              session.ping(done);
            } catch {
              done();
            }
          }),
      );
      await Promise.all(pings);
      // Streams a closed session destroyed report it on the next ticks.
      await new Promise((done) => setImmediate(done));
    },
    beginClose() {
      stopListening();
      for (const session of sessions) {
        session.close();
      }
    },
    destroy() {
      stopListening();
      for (const session of sessions) {
        session.destroy();
      }
      for (const socket of sockets) {
        socket.destroy();
      }
    },
  };
}
