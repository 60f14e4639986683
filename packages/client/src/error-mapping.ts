import { Code, ConnectError } from "@connectrpc/connect";
import { FalcoError } from "@falco-sdk/core";
import { formatEndpoint, type ResolvedEndpoint } from "./endpoint.js";
import {
  ConnectionError,
  NotFalcoServerError,
  SocketNotFoundError,
  SocketPermissionError,
  TlsError,
} from "./errors.js";
import type { LoadedTls } from "./tls-material.js";
import { probeClientCertificate } from "./tls-probe.js";

const CA_CODES = new Set([
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_GET_ISSUER_CERT",
  "CERT_UNTRUSTED",
  "CERT_SIGNATURE_FAILURE",
]);

/** The node error codes and messages along an error's cause chain. */
function causeChain(error: unknown): { codes: string[]; text: string } {
  const codes: string[] = [];
  const texts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 8; depth++) {
    const e = current as {
      code?: unknown;
      message?: unknown;
      rawMessage?: unknown;
      cause?: unknown;
    };
    if (typeof e.code === "string") codes.push(e.code);
    if (typeof e.message === "string") texts.push(e.message);
    current = e.cause;
  }
  return { codes, text: texts.join(" | ") };
}

/**
 * What a failed call means for a user, as a FalcoError that says what to do.
 * `opening` is true while the connection has not yet answered anything; `tls` is the
 * material in use (whether a CA was given changes the advice on an untrusted certificate).
 */
export function mapCallError(
  error: unknown,
  endpoint: ResolvedEndpoint,
  opening: boolean,
  tls?: LoadedTls,
): FalcoError {
  if (error instanceof FalcoError) return error;
  const display = formatEndpoint(endpoint);
  const connectError = ConnectError.from(error);
  const { codes, text } = causeChain(error);
  const has = (code: string) => codes.includes(code);
  const tcpTls = endpoint.kind === "tcp" && endpoint.tls;

  if (endpoint.kind === "unix") {
    if (has("ENOENT")) return new SocketNotFoundError(endpoint.tried, { cause: error });
    if (has("EACCES") || has("EPERM")) {
      return new SocketPermissionError(endpoint.path, { cause: error });
    }
  }
  if (has("ECONNREFUSED")) {
    return new ConnectionError(
      endpoint.kind === "unix"
        ? `nothing listens on ${endpoint.path} (a socket file left by a stopped or crashed ` +
            "Falco): start Falco, or wait for it to restart"
        : `connection refused by ${display}: is Falco running with its gRPC server on this port?`,
      { cause: error },
    );
  }
  if (tcpTls) {
    if (
      codes.some((c) => CA_CODES.has(c)) ||
      /self[- ]signed|unable to verify|issuer/i.test(text)
    ) {
      return new TlsError("ca-untrusted", text, { cause: error, caGiven: tls?.ca !== undefined });
    }
    if (has("ERR_TLS_CERT_ALTNAME_INVALID") || /altnames|Hostname\/IP does not match/i.test(text)) {
      return new TlsError("name-mismatch", text, { cause: error });
    }
    if (
      opening &&
      (connectError.code === Code.Canceled || /alert|certificate required|handshake/i.test(text))
    ) {
      return new TlsError("client-cert-refused", text, { cause: error });
    }
    if (codes.some((c) => c.startsWith("ERR_SSL") || c.startsWith("ERR_TLS"))) {
      return new TlsError("handshake", text, { cause: error });
    }
  }
  if (connectError.code === Code.Unimplemented) {
    return new NotFalcoServerError(display, connectError.rawMessage, { cause: error });
  }
  if (
    opening &&
    /protocol error|ERR_HTTP2_ERROR|ERR_HTTP2_SESSION_ERROR/i.test(text) &&
    !has("ECONNRESET")
  ) {
    return new NotFalcoServerError(display, `not HTTP/2 gRPC: ${connectError.rawMessage}`, {
      cause: error,
    });
  }
  if (connectError.code === Code.DeadlineExceeded) {
    return new ConnectionError(
      `${display} did not answer in time: Falco is hung, overloaded or unreachable`,
      { cause: error },
    );
  }
  return new ConnectionError(
    `connection to ${display} failed or broke (${Code[connectError.code]}: ` +
      `${connectError.rawMessage}): Falco stopped, restarted or the network failed`,
    { cause: error },
  );
}

/** How long the certificate check after a reset may wait for the server. */
const PROBE_TIMEOUT_MS = 5_000;

/**
 * `mapCallError`, plus the one case the error cannot tell: a connection reset
 * while opening mutual TLS. That is what a refused client certificate looks
 * like when the server's reset overtakes its TLS alert (see tls-probe.ts), so
 * a second handshake that sends nothing asks the server again.
 */
export async function diagnoseCallError(
  error: unknown,
  endpoint: ResolvedEndpoint,
  tls: LoadedTls | undefined,
  opening: boolean,
): Promise<FalcoError> {
  const mapped = mapCallError(error, endpoint, opening, tls);
  if (!(mapped instanceof ConnectionError) || !opening) return mapped;
  if (endpoint.kind !== "tcp" || !endpoint.tls || !tls) return mapped;
  const { codes, text } = causeChain(error);
  if (!codes.includes("ECONNRESET") && !codes.includes("EPIPE") && !/ECONNRESET|EPIPE/.test(text)) {
    return mapped;
  }
  const verdict = await probeClientCertificate(endpoint.host, endpoint.port, tls, PROBE_TIMEOUT_MS);
  return verdict.refused
    ? new TlsError("client-cert-refused", verdict.detail, { cause: error })
    : mapped;
}

/** Failures that no retry can fix. */
export function isPermanent(error: FalcoError): boolean {
  return error.code === "configuration" || error.code === "not-falco";
}
