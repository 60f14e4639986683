import { readFileSync } from "node:fs";
import { ConfigurationError } from "@falco-sdk/core";
import type { FalcoTlsOptions } from "./client-options.js";

/** A PEM value given either inline (contents or Buffer) or as a file path. */
export type PemSource = string | Buffer;

/** Reads a PEM value: a Buffer or a string with "-----BEGIN" is the PEM itself, else a path. */
export function loadPem(value: PemSource, what: string): Buffer {
  if (Buffer.isBuffer(value)) return value;
  if (value.includes("-----BEGIN")) return Buffer.from(value);
  try {
    return readFileSync(value);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : String(code);
    throw new ConfigurationError(`cannot read the ${what} at ${value}: ${why}`, { cause });
  }
}

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
