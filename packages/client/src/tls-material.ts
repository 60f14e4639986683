import { createPrivateKey, type KeyObject, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { ConfigurationError, type NamedOption } from "@falco-sdk/core";
import type { FalcoTlsOptions } from "./client-options.js";

/** A PEM value given either inline (contents or Buffer) or as a file path. */
export type PemSource = string | Buffer;

/** An option of `createFalcoClient` that a message names. */
const option = (name: string): NamedOption => ({ api: "createFalcoClient", name });

const isInline = (value: PemSource) => Buffer.isBuffer(value) || value.includes("-----BEGIN");

/** Where a PEM value came from, for messages: ` at /path` for a file, nothing when inline. */
const where = (value: PemSource) => (isInline(value) ? "" : ` at ${value}`);

/**
 * Reads a PEM value: a Buffer or a string with "-----BEGIN" is the PEM itself, else a path.
 * `what` names it, and `optionName` is the option it came from, e.g. `tls.ca` (named in the
 * message and in the error's `namedOptions`).
 */
export function loadPem(value: PemSource, what: string, optionName?: string): Buffer {
  if (Buffer.isBuffer(value)) return value;
  if (value.includes("-----BEGIN")) return Buffer.from(value);
  try {
    return readFileSync(value);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : String(code);
    const named = optionName ? ` (${optionName})` : "";
    throw new ConfigurationError(`cannot read the ${what}${named} at ${value}: ${why}`, {
      cause,
      namedOptions: optionName ? [option(optionName)] : [],
    });
  }
}

/** TLS material read from files or the environment, ready for node:tls. */
export interface LoadedTls {
  readonly ca?: Buffer;
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly serverName?: string;
}

/** Parses PEM material, or says which option holds something else. */
function parsed<T>(parse: () => T, what: string, name: string, value: PemSource, kind: string): T {
  try {
    return parse();
  } catch (cause) {
    throw new ConfigurationError(
      `the ${what} (${name})${where(value)} is not a PEM ${kind} (${(cause as Error).message})`,
      { cause, namedOptions: [option(name)] },
    );
  }
}

/**
 * Checks what node:tls would only report as a broken connection: PEM that does not parse, and
 * a client certificate whose private key is not the key given.
 */
function checkClientPair(cert: Buffer, key: Buffer, certSource: PemSource, keySource: PemSource) {
  const x509 = parsed(
    () => new X509Certificate(cert),
    "client certificate",
    "tls.cert",
    certSource,
    "certificate",
  );
  const privateKey: KeyObject = parsed(
    () => createPrivateKey(key),
    "client key",
    "tls.key",
    keySource,
    "private key (an encrypted key is not supported)",
  );
  if (!x509.checkPrivateKey(privateKey)) {
    throw new ConfigurationError(
      `the client certificate (tls.cert)${where(certSource)} and the private key (tls.key)` +
        `${where(keySource)} do not match: pass the key that belongs to the certificate ` +
        `(its subject: ${x509.subject.replaceAll("\n", ", ")})`,
      { namedOptions: [option("tls.cert"), option("tls.key")] },
    );
  }
}

/**
 * Reads the TLS options (and FALCO_GRPC_* defaults) for a TLS endpoint.
 *
 * @throws ConfigurationError for a missing client certificate or key, an unreadable file, PEM
 *   that does not parse, or a certificate and key that do not belong together.
 */
export function loadTls(options: FalcoTlsOptions = {}, env = process.env): LoadedTls {
  const ca = options.ca ?? env.FALCO_GRPC_CA;
  const cert = options.cert ?? env.FALCO_GRPC_CERT;
  const key = options.key ?? env.FALCO_GRPC_KEY;
  if (cert === undefined || key === undefined) {
    throw new ConfigurationError(
      "Falco's gRPC over TCP always requires mutual TLS: pass tls.cert and tls.key (a client " +
        "certificate signed by a CA in Falco's grpc root_certs) and usually tls.ca, or set " +
        "FALCO_GRPC_CERT, FALCO_GRPC_KEY and FALCO_GRPC_CA",
      { namedOptions: [option("tls.cert"), option("tls.key"), option("tls.ca")] },
    );
  }
  const loaded = {
    ca: ca === undefined ? undefined : loadPem(ca, "CA certificate", "tls.ca"),
    cert: loadPem(cert, "client certificate", "tls.cert"),
    key: loadPem(key, "client key", "tls.key"),
    serverName: options.serverName ?? env.FALCO_GRPC_SERVER_NAME,
  };
  if (ca !== undefined && loaded.ca) {
    const caPem = loaded.ca;
    parsed(() => new X509Certificate(caPem), "CA certificate", "tls.ca", ca, "certificate");
  }
  checkClientPair(loaded.cert, loaded.key, cert, key);
  return loaded;
}
