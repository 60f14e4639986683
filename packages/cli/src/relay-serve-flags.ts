import type { RelayListenOptions } from "@falco-sdk/relay";
import { InvalidArgumentError } from "commander";
import { UsageError } from "./exit-codes.js";
import { parseListenEndpoint } from "./listen-address.js";
import { loadFile } from "./load-file.js";

/** The flags of `relay --serve`: where Falco's gRPC API is served, and how. */
export interface RelayServeFlags {
  serve?: string[];
  serveCert?: string;
  serveKey?: string;
  serveCa?: string;
  serveInsecurePlaintext?: boolean;
  serveSocketMode?: number;
}

/** Parses --serve-socket-mode. */
export function socketMode(value: string): number {
  if (!/^0?[0-7]{3}$/.test(value)) throw new InvalidArgumentError("an octal mode such as 0660");
  return Number.parseInt(value, 8);
}

/** The listen options of one --serve ENDPOINT. */
export function serveOptions(endpoint: string, flags: RelayServeFlags): RelayListenOptions {
  const address = parseListenEndpoint("--serve", endpoint);
  if (address.kind === "unix") {
    return { socketPath: address.path, socketMode: flags.serveSocketMode ?? 0o660 };
  }
  const { host, port } = address;
  if (flags.serveCert && flags.serveKey && flags.serveCa) {
    return {
      host,
      port,
      tls: {
        cert: loadFile("--serve-cert", flags.serveCert),
        key: loadFile("--serve-key", flags.serveKey),
        ca: loadFile("--serve-ca", flags.serveCa),
      },
    };
  }
  if (flags.serveCert || flags.serveKey || flags.serveCa) {
    throw new UsageError("mutual TLS needs all of --serve-cert, --serve-key and --serve-ca");
  }
  if (flags.serveInsecurePlaintext) return { host, port, insecurePlaintext: true };
  throw new UsageError(
    `--serve ${endpoint} is TCP: give --serve-cert, --serve-key and --serve-ca (mutual TLS, as ` +
      "Falco requires), use a unix:///path socket, or accept plaintext with --serve-insecure-plaintext",
  );
}
