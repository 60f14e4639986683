// The NATS flags shared by `forward` (--to) and `tail --nats`: servers, auth and TLS.
import type { NatsConnectionOptions } from "@falco-sdk/nats";
import type { Command } from "commander";
import { UsageError } from "./exit-codes.js";
import { loadFile } from "./load-file.js";

/** The NATS flags, as commander parses them. */
export interface NatsFlags {
  natsUser?: string;
  natsPassword?: string;
  natsToken?: string;
  natsCreds?: string;
  natsCa?: string;
  natsCert?: string;
  natsKey?: string;
  stream?: string;
  subjectPrefix?: string;
}

/** Adds --nats-user/--nats-password, --nats-token, --nats-creds, --nats-ca/-cert/-key, --stream, --subject-prefix. */
export function addNatsOptions(command: Command): Command {
  return command
    .option("--stream <name>", "JetStream stream (default FALCO_ALERTS)")
    .option(
      "--subject-prefix <prefix>",
      "subjects are <prefix>.<hostname>.<source>.<priority> (default falco.alerts)",
    )
    .option("--nats-user <user>", "NATS user (with --nats-password)")
    .option("--nats-password <password>", "NATS password (env NATS_PASSWORD)")
    .option("--nats-token <token>", "NATS token (env NATS_TOKEN)")
    .option("--nats-creds <file>", "NATS credentials file (JWT and NKey seed)")
    .option("--nats-ca <file>", "CA of the NATS server's certificate (TLS)")
    .option("--nats-cert <file>", "client certificate for NATS (mutual TLS)")
    .option("--nats-key <file>", "private key of --nats-cert");
}

/** Splits `nats://a:4222,nats://b:4222` (and repeated flags) into a server list. */
export function natsServers(
  values: string | readonly string[] | undefined,
  flag: string,
): string[] {
  const list = (typeof values === "string" ? [values] : [...(values ?? [])])
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter((v) => v !== "");
  if (list.length === 0)
    throw new UsageError(`${flag} needs a NATS URL, e.g. nats://127.0.0.1:4222`);
  for (const url of list) {
    if (!/^(nats|tls):\/\/[^/\s]+$|^[^:/\s]+:\d+$/.test(url)) {
      throw new UsageError(`${flag} takes nats://HOST:PORT (or tls://HOST:PORT), got ${url}`);
    }
  }
  return list;
}

/** The connection options for the flags. */
export function natsConnectionFromFlags(
  servers: string[],
  flags: NatsFlags,
): NatsConnectionOptions {
  const password = flags.natsPassword ?? process.env.NATS_PASSWORD;
  const token = flags.natsToken ?? process.env.NATS_TOKEN;
  const methods = [
    flags.natsUser !== undefined,
    token !== undefined,
    flags.natsCreds !== undefined,
  ];
  if (methods.filter(Boolean).length > 1) {
    throw new UsageError("give one of --nats-user/--nats-password, --nats-token or --nats-creds");
  }
  if (flags.natsUser !== undefined && password === undefined) {
    throw new UsageError("--nats-user needs --nats-password (or env NATS_PASSWORD)");
  }
  if (!flags.natsCert !== !flags.natsKey) {
    throw new UsageError("mutual TLS needs both --nats-cert and --nats-key");
  }
  const pem = (flag: string, path: string | undefined) =>
    path === undefined ? undefined : { pem: loadFile(flag, path) };
  const tls =
    flags.natsCa || flags.natsCert
      ? {
          ca: pem("--nats-ca", flags.natsCa),
          cert: pem("--nats-cert", flags.natsCert),
          key: pem("--nats-key", flags.natsKey),
        }
      : undefined;
  return {
    servers,
    name: "falco-alerts",
    ...(flags.natsUser !== undefined && { user: flags.natsUser, password }),
    ...(token !== undefined && { token }),
    ...(flags.natsCreds !== undefined && { creds: pem("--nats-creds", flags.natsCreds) }),
    ...(tls && { tls }),
  };
}
