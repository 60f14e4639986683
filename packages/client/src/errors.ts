import { FalcoError, type FalcoErrorOptions, type NamedOption } from "@falco-sdk/core";

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

  constructor(paths: readonly string[], options?: FalcoErrorOptions) {
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

  constructor(path: string, options?: FalcoErrorOptions) {
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

/** An option of `createFalcoClient` that a message names. */
const option = (name: string): NamedOption => ({ api: "createFalcoClient", name });

/** What to do about each failure, and the options that advice names. */
function tlsAdvice(reason: TlsFailure, caGiven: boolean): [string, NamedOption[]] {
  switch (reason) {
    case "ca-untrusted":
      return caGiven
        ? [
            "the server's certificate is not signed by the CA you gave (tls.ca): pass the CA " +
              "that signed Falco's cert_chain",
            [option("tls.ca")],
          ]
        : [
            "the server's certificate is not trusted by this system's CAs, and no CA was given: " +
              "pass the CA that signed Falco's cert_chain as tls.ca (or set FALCO_GRPC_CA)",
            [option("tls.ca")],
          ];
    case "name-mismatch":
      return [
        "the server's certificate does not name the host you dialled: set tls.serverName to a " +
          'name in the certificate (Falco\'s docs issue it for "localhost")',
        [option("tls.serverName")],
      ];
    case "client-cert-refused":
      return [
        "the server refused the TLS handshake: Falco requires a client certificate (tls.cert, " +
          "tls.key) signed by the CA in its grpc root_certs",
        [option("tls.cert"), option("tls.key")],
      ];
    case "handshake":
      return [
        "the TLS handshake failed: check the endpoint is Falco's TLS port and the certificates",
        [],
      ];
  }
}

/** Options of {@link TlsError}. */
export interface TlsErrorOptions extends FalcoErrorOptions {
  /** Whether a CA was given (`ca-untrusted`: yours, or only the system's). @default true */
  readonly caGiven?: boolean;
}

/** A mutual-TLS connection to Falco failed; `reason` says which side is wrong. */
export class TlsError extends FalcoError<"tls"> {
  /** Which side is wrong: the CA, the server name, the client certificate, or the handshake. */
  readonly reason: TlsFailure;

  constructor(reason: TlsFailure, detail: string, options?: TlsErrorOptions) {
    const [advice, namedOptions] = tlsAdvice(reason, options?.caGiven ?? true);
    super("tls", `${advice} (${detail})`, { cause: options?.cause, namedOptions });
    this.reason = reason;
  }
}

/** The endpoint answers, but not as Falco's gRPC output server. */
export class NotFalcoServerError extends FalcoError<"not-falco"> {
  constructor(endpoint: string, detail: string, options?: FalcoErrorOptions) {
    super(
      "not-falco",
      `${endpoint} is not a Falco gRPC output server (${detail}): check the endpoint`,
      options,
    );
  }
}

/** A connection failed or broke: Falco stopped, restarted, hung, or the network failed. Transient. */
export class ConnectionError extends FalcoError<"connection"> {
  constructor(message: string, options?: FalcoErrorOptions) {
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
