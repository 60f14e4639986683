import { FalcoError } from "@falco-sdk/core";

// The client's failures. FalcoError, AlertParseError and ConfigurationError (a malformed
// endpoint, an unreadable certificate file, plaintext TCP without the opt-in) are the core's.
declare module "@falco-sdk/core" {
  interface FalcoErrorCodes {
    "socket-not-found": SocketNotFoundError;
    "socket-permission": SocketPermissionError;
    tls: TlsError;
    "not-falco": NotFalcoServerError;
    connection: ConnectionError;
    "sub-slots-full": SubscriptionStarvedError;
  }
}

/** No socket file where Falco's gRPC server should listen. */
export class SocketNotFoundError extends FalcoError<"socket-not-found"> {
  /** Every path that was tried, in order. */
  readonly paths: readonly string[];

  constructor(paths: readonly string[], options?: { cause?: unknown }) {
    super(
      "socket-not-found",
      `no Falco gRPC socket at ${paths.join(" or ")}. Is Falco running with grpc.enabled and ` +
        "grpc_output.enabled set to true in falco.yaml (and grpc.bind_address pointing there)? " +
        "Falco 0.44 and later have no gRPC output at all: receive their alerts with @falco-sdk/http.",
      options,
    );
    this.paths = paths;
  }
}

/** The socket exists but this process may not open it (Falco's socket is root-only by default). */
export class SocketPermissionError extends FalcoError<"socket-permission"> {
  /** The socket file. */
  readonly path: string;

  constructor(path: string, options?: { cause?: unknown }) {
    super(
      "socket-permission",
      `permission denied on ${path}: Falco's socket is usually root-only. Run as root, or give ` +
        "this user access to the socket (e.g. a group owning the socket and its directory).",
      options,
    );
    this.path = path;
  }
}

/** Why a TLS connection failed. */
export type TlsFailure = "ca-untrusted" | "name-mismatch" | "client-cert-refused" | "handshake";

const TLS_ADVICE: Record<TlsFailure, string> = {
  "ca-untrusted":
    "the server's certificate is not signed by the CA you gave (tls.ca): pass the CA that signed " +
    "Falco's cert_chain",
  "name-mismatch":
    "the server's certificate does not name the host you dialled: set tls.serverName to a name in " +
    'the certificate (Falco\'s docs issue it for "localhost")',
  "client-cert-refused":
    "the server refused the TLS handshake: Falco requires a client certificate (tls.cert, tls.key) " +
    "signed by the CA in its grpc root_certs",
  handshake:
    "the TLS handshake failed: check the endpoint is Falco's TLS port and the certificates",
};

/** A mutual-TLS connection to Falco failed; `reason` says which side is wrong. */
export class TlsError extends FalcoError<"tls"> {
  readonly reason: TlsFailure;

  constructor(reason: TlsFailure, detail: string, options?: { cause?: unknown }) {
    super("tls", `${TLS_ADVICE[reason]} (${detail})`, options);
    this.reason = reason;
  }
}

/** The endpoint answers, but not as Falco's gRPC output server. */
export class NotFalcoServerError extends FalcoError<"not-falco"> {
  constructor(endpoint: string, detail: string, options?: { cause?: unknown }) {
    super(
      "not-falco",
      `${endpoint} is not a Falco gRPC output server (${detail}): check the endpoint`,
      options,
    );
  }
}

/** A connection failed or broke: Falco stopped, restarted, hung, or the network failed. Transient. */
export class ConnectionError extends FalcoError<"connection"> {
  constructor(message: string, options?: { cause?: unknown }) {
    super("connection", message, options);
  }
}

/**
 * Falco accepted the `sub` call but does not serve it: alerts wait in its queue
 * while the call gets nothing, and `version` still answers. Falco arms a fixed
 * number of `sub` calls (`grpc.threadiness` x 10, threadiness 0 = one per CPU)
 * and they are all taken, usually by stale calls of crashed or restarted
 * clients (falco#1268). Reported through `status()` (type `starved`); the
 * subscription keeps its call waiting for a slot and fetches the queued alerts
 * with `get` meanwhile.
 */
export class SubscriptionStarvedError extends FalcoError<"sub-slots-full"> {
  constructor(endpoint: string) {
    super(
      "sub-slots-full",
      `${endpoint} accepts the alert subscription but does not serve it: all of Falco's sub ` +
        "slots (grpc.threadiness x 10) are taken, usually by stale subscribers of crashed or " +
        "restarted clients. Stop the other subscribers or restart Falco to free the slots, or " +
        "raise grpc.threadiness in falco.yaml. Meanwhile alerts are fetched with get at every poll.",
    );
  }
}
