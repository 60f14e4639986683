import { existsSync } from "node:fs";
import { ConfigurationError, hostPort } from "@falco-sdk/core";

/** Falco's default `grpc.bind_address` since 0.33. */
export const DEFAULT_SOCKET_PATH = "/run/falco/falco.sock";
/** Falco's default `grpc.bind_address` before 0.33. */
export const LEGACY_SOCKET_PATH = "/var/run/falco.sock";

/** Where and how to connect, parsed from an endpoint string. */
export type ResolvedEndpoint =
  | { readonly kind: "unix"; readonly path: string; readonly tried: readonly string[] }
  | { readonly kind: "tcp"; readonly host: string; readonly port: number; readonly tls: boolean };

/** The endpoint as users write it: `unix:///run/falco/falco.sock`, `localhost:5060`. */
export function formatEndpoint(endpoint: ResolvedEndpoint): string {
  if (endpoint.kind === "unix") return `unix://${endpoint.path}`;
  return `${endpoint.tls ? "" : "http://"}${hostPort(endpoint.host, endpoint.port)}`;
}

function defaultSocket(): ResolvedEndpoint {
  const tried = [DEFAULT_SOCKET_PATH, LEGACY_SOCKET_PATH];
  const path =
    !existsSync(DEFAULT_SOCKET_PATH) && existsSync(LEGACY_SOCKET_PATH)
      ? LEGACY_SOCKET_PATH
      : DEFAULT_SOCKET_PATH;
  return { kind: "unix", path, tried };
}

const HOST_PORT = /^(?:\[([0-9a-fA-F:.]+)\]|([^:/[\]]+)):(\d{1,5})$/;

/**
 * Parses an endpoint: `unix:///path` (or `unix:/path`, or an absolute path),
 * `host:port` and `https://host:port` (mutual TLS, Falco's only TCP mode), or
 * `http://host:port` (plaintext, only with `insecurePlaintextTcp`).
 * Undefined means Falco's default socket, falling back to the pre-0.33 path
 * when only that one exists.
 *
 * @throws ConfigurationError for anything else.
 */
export function resolveEndpoint(
  endpoint: string | undefined,
  insecurePlaintextTcp = false,
): ResolvedEndpoint {
  if (endpoint === undefined || endpoint === "") return defaultSocket();
  const text = endpoint.trim();
  if (text.startsWith("unix:") || text.startsWith("/")) {
    const path = text.replace(/^unix:(\/\/)?/, "");
    if (!path.startsWith("/")) {
      throw new ConfigurationError(
        `unix endpoint ${endpoint} needs an absolute path, e.g. unix:///run/falco/falco.sock`,
      );
    }
    return { kind: "unix", path, tried: [path] };
  }
  let tls = !insecurePlaintextTcp;
  let rest = text;
  if (text.startsWith("https://")) {
    tls = true;
    rest = text.slice("https://".length);
  } else if (text.startsWith("http://")) {
    if (!insecurePlaintextTcp) {
      throw new ConfigurationError(
        `${endpoint} is plaintext TCP, which Falco never serves (its TCP listener always requires ` +
          "mutual TLS). Use https://host:port with tls options, or set insecurePlaintextTcp: true " +
          "for a plaintext proxy or test server.",
      );
    }
    tls = false;
    rest = text.slice("http://".length);
  }
  const m = HOST_PORT.exec(rest.replace(/\/$/, ""));
  const port = Number(m?.[3]);
  if (!m || port < 1 || port > 65535) {
    throw new ConfigurationError(
      `cannot read endpoint ${JSON.stringify(endpoint)}: use unix:///path/to/falco.sock, ` +
        "host:port or https://host:port",
    );
  }
  return { kind: "tcp", host: (m[1] ?? m[2]) as string, port, tls };
}
