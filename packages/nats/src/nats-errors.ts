import { FalcoError } from "@falco-sdk/core";

declare module "@falco-sdk/core" {
  interface FalcoErrorCodes {
    "nats-auth": NatsAuthError;
    "nats-tls": NatsTlsError;
    "nats-connection": NatsConnectionError;
    "nats-stream": NatsStreamError;
    "nats-max-payload": AlertTooLargeError;
  }
}

import { errors } from "@nats-io/nats-core";

/** NATS refused the credentials (user/password, token or creds file). Retrying will not help. */
export class NatsAuthError extends FalcoError<"nats-auth"> {
  constructor(servers: string, detail: string, options?: { cause?: unknown }) {
    super(
      "nats-auth",
      `NATS at ${servers} refused the credentials (${detail}): check the user and password, ` +
        "the token or the creds file (--nats-user/--nats-password, --nats-token, --nats-creds)",
      options,
    );
  }
}

/** The TLS connection to NATS failed: untrusted certificate, missing client certificate, ... */
export class NatsTlsError extends FalcoError<"nats-tls"> {
  constructor(servers: string, detail: string, options?: { cause?: unknown }) {
    super(
      "nats-tls",
      `TLS to NATS at ${servers} failed (${detail}): pass the CA that signed the server's ` +
        "certificate (--nats-ca), and a client certificate and key (--nats-cert, --nats-key) " +
        "when the server verifies clients",
      options,
    );
  }
}

/** NATS could not be reached, or the connection closed for good. */
export class NatsConnectionError extends FalcoError<"nats-connection"> {
  constructor(message: string, options?: { cause?: unknown }) {
    super("nats-connection", message, options);
  }
}

/** The JetStream stream or consumer cannot be used as configured. */
export class NatsStreamError extends FalcoError<"nats-stream"> {
  constructor(message: string, options?: { cause?: unknown }) {
    super("nats-stream", message, options);
  }
}

/** An alert larger than the server's max_payload: it is reported and skipped, never retried. */
export class AlertTooLargeError extends FalcoError<"nats-max-payload"> {
  /** Size of the message body in bytes. */
  readonly bytes: number;
  /** The server's limit. */
  readonly maxPayload: number;

  constructor(bytes: number, maxPayload: number, options?: { cause?: unknown }) {
    super(
      "nats-max-payload",
      `an alert of ${bytes} bytes exceeds the NATS server's max_payload (${maxPayload} bytes): ` +
        "it was skipped. Raise max_payload in nats-server.conf, or shorten the rule's output",
      options,
    );
    this.bytes = bytes;
    this.maxPayload = maxPayload;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const TLS_CODES = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "CERT_HAS_EXPIRED",
  "ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED",
  "ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE",
  "ERR_SSL_TLSV1_ALERT_UNKNOWN_CA",
]);

function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e = error; e && chain.length < 5; e = (e as { cause?: unknown }).cause) chain.push(e);
  return chain;
}

/** Maps a failure of `connect()` from the NATS client to one of ours. */
export function mapConnectError(
  error: unknown,
  servers: string,
  tls?: { readonly clientCert: boolean },
): FalcoError {
  if (error instanceof FalcoError) return error;
  const chain = causes(error);
  // A server that requires a client certificate ends the TLS session after the handshake;
  // the NATS client only sees no answer.
  if (tls && !tls.clientCert && chain.some((e) => e instanceof errors.TimeoutError)) {
    return new NatsTlsError(
      servers,
      "no answer after the TLS handshake: the server probably requires a client certificate",
      { cause: error },
    );
  }
  if (chain.some((e) => e instanceof errors.AuthorizationError)) {
    return new NatsAuthError(servers, describe(error), { cause: error });
  }
  const tlsFailure = chain.find(
    (e) =>
      TLS_CODES.has((e as { code?: string }).code ?? "") ||
      /tls|ssl|certificate/i.test(describe(e)),
  );
  if (tlsFailure) return new NatsTlsError(servers, describe(tlsFailure), { cause: error });
  return new NatsConnectionError(
    `cannot connect to NATS at ${servers} (${describe(error)}): is nats-server running there ` +
      "with JetStream enabled (nats-server -js)?",
    { cause: error },
  );
}
