import { type EndpointAddress, parseEndpointAddress } from "@falco-sdk/client";
import { UsageError } from "./exit-codes.js";

/**
 * Parses a listen flag that takes TCP only (`--listen-http`, `--metrics-listen`): the one
 * endpoint syntax (`parseEndpointAddress`), host 127.0.0.1 when only a port is given.
 * @throws UsageError naming `flag` for anything else, a unix socket included.
 */
export function parseListenAddress(flag: string, address: string): { host: string; port: number } {
  const parsed = parseListenEndpoint(flag, address, false);
  if (parsed.kind === "unix") {
    throw new UsageError(
      `${flag} listens on TCP only: give [host:]port, e.g. 2801 or 0.0.0.0:2801, got the unix ` +
        `socket ${address}`,
    );
  }
  return { host: parsed.host, port: parsed.port };
}

/**
 * Parses a listen flag that takes a unix socket or TCP (`relay --serve`): `unix:///path`,
 * `unix:/path`, `unix:path`, `/path`, `[host:]port`, `[v6]:port`, as `-e` reads them.
 * @throws UsageError naming `flag` for anything else.
 */
export function parseListenEndpoint(flag: string, address: string, unix = true): EndpointAddress {
  const parsed = parseEndpointAddress(address, "127.0.0.1");
  if (!parsed) {
    const forms = unix ? ", a unix socket (unix:///path or /path)" : "";
    throw new UsageError(
      `${flag} takes [host:]port or [v6]:port${forms}, e.g. 2801 or 0.0.0.0:2801, got ${address}`,
    );
  }
  return parsed;
}
