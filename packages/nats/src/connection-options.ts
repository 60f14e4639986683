import { readFileSync } from "node:fs";
import { ConfigurationError } from "@falco-sdk/core";
import { type ConnectionOptions, credsAuthenticator } from "@nats-io/nats-core";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { mapConnectError } from "./nats-errors.js";

/** A PEM given as a file path or as its text. */
export type PemInput = string | { readonly pem: string | Buffer };

/** TLS towards NATS. */
export interface NatsTlsOptions {
  /** CA that signed the server's certificate (path or `{ pem }`). @default the system CAs */
  readonly ca?: PemInput;
  /** Client certificate, when the server verifies clients. @default none */
  readonly cert?: PemInput;
  /** Client private key. @default none */
  readonly key?: PemInput;
}

/** How to reach and authenticate to NATS; shared by the forwarder and `subscribeFleet`. */
export interface NatsConnectionOptions {
  /** NATS URLs, e.g. `nats://127.0.0.1:4222` or several cluster nodes. @default "nats://127.0.0.1:4222" */
  readonly servers?: string | readonly string[];
  /** User name (with `password`). @default none */
  readonly user?: string;
  /** Password of `user`. @default none */
  readonly password?: string;
  /** Token authentication. @default none */
  readonly token?: string;
  /** A NATS `.creds` file (JWT and NKey seed), path or contents. @default none */
  readonly creds?: PemInput;
  /** TLS; `{}` requires TLS with the system CAs. @default TLS when the server requires it */
  readonly tls?: NatsTlsOptions;
  /** Connection name shown by the server's monitoring. @default "falco-sdk" */
  readonly name?: string;
  /**
   * Wait between reconnection attempts after a connection was lost (the NATS client adds up
   * to 100 ms of jitter). Lost connections are retried forever; credentials refused twice in
   * a row end them (no retry storm). @default 1000
   */
  readonly reconnectTimeWaitMs?: number;
  /** How long connecting (TCP, TLS and the NATS handshake) may take. @default 5000 */
  readonly connectTimeoutMs?: number;
}

function readPem(input: PemInput, what: string): string {
  if (typeof input !== "string") return input.pem.toString();
  try {
    return readFileSync(input, "utf8");
  } catch (cause) {
    throw new ConfigurationError(
      `cannot read the ${what} file ${input}: ${(cause as Error).message}`,
      {
        cause,
      },
    );
  }
}

export function serverList(options: NatsConnectionOptions): string[] {
  const servers = options.servers ?? "nats://127.0.0.1:4222";
  return typeof servers === "string" ? [servers] : [...servers];
}

/** The NATS client's options for ours. */
export function natsConnectOptions(options: NatsConnectionOptions): ConnectionOptions {
  const servers = serverList(options);
  if (servers.length === 0) throw new ConfigurationError("no NATS server given");
  if (options.password !== undefined && options.user === undefined) {
    throw new ConfigurationError("a NATS password needs a user (--nats-user)");
  }
  const result: ConnectionOptions = {
    servers,
    name: options.name ?? "falco-sdk",
    maxReconnectAttempts: -1,
    reconnectTimeWait: options.reconnectTimeWaitMs ?? 1000,
    timeout: options.connectTimeoutMs ?? 5000,
    // Falco's alerts are small; a ping every 20 s finds a dead server fast.
    pingInterval: 20_000,
  };
  if (options.user !== undefined) {
    result.user = options.user;
    result.pass = options.password ?? "";
  }
  if (options.token !== undefined) result.token = options.token;
  if (options.creds !== undefined) {
    const text = readPem(options.creds, "NATS creds");
    result.authenticator = credsAuthenticator(new TextEncoder().encode(text));
  }
  if (options.tls) {
    const tls: NonNullable<ConnectionOptions["tls"]> = {};
    if (options.tls.ca) tls.ca = readPem(options.tls.ca, "NATS CA");
    if (options.tls.cert) tls.cert = readPem(options.tls.cert, "NATS client certificate");
    if (options.tls.key) tls.key = readPem(options.tls.key, "NATS client key");
    result.tls = tls;
  }
  return result;
}

/** Connects, turning the NATS client's failures into errors that say what to do. */
export async function connectNats(options: NatsConnectionOptions): Promise<NatsConnection> {
  const natsOptions = natsConnectOptions(options);
  try {
    return await connect(natsOptions);
  } catch (error) {
    const tls = options.tls ? { clientCert: options.tls.cert !== undefined } : undefined;
    throw mapConnectError(error, serverList(options).join(", "), tls);
  }
}
