import { existsSync } from "node:fs";
import { resolve as resolvePath } from "node:path";
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

const HOST_PORT = /^(?:\[([0-9a-fA-F:.]+)\]|([^:/[\]\s]+)):(\d{1,5})$/;

/** An address as every endpoint of the SDK and of falco-alerts is written: a socket or TCP. */
export type EndpointAddress =
  | { readonly kind: "unix"; readonly path: string }
  | { readonly kind: "tcp"; readonly host: string; readonly port: number };

/**
 * Parses an address, the one syntax of every endpoint: `unix:///path`, `unix:/path`,
 * `unix:path` (relative to the working directory, as gRPC reads it), a bare `/path`,
 * `host:port` and `[v6]:port`; with `defaultHost`, a bare `port` too (a listen address).
 * Ports may be 0 (a free port, for listeners).
 *
 * @returns undefined when `text` is none of these.
 */
export function parseEndpointAddress(
  text: string,
  defaultHost?: string,
): EndpointAddress | undefined {
  const trimmed = text.trim();
  if (trimmed.startsWith("unix:") || trimmed.startsWith("/")) {
    const rest = trimmed.replace(/^unix:(\/\/(?=\/))?/, "");
    if (rest === "" || rest.startsWith("//")) return undefined;
    return { kind: "unix", path: resolvePath(rest) };
  }
  if (defaultHost !== undefined && /^\d{1,5}$/.test(trimmed)) {
    const port = Number(trimmed);
    return port <= 65535 ? { kind: "tcp", host: defaultHost, port } : undefined;
  }
  const m = HOST_PORT.exec(trimmed);
  const port = Number(m?.[3]);
  if (!m || port > 65535) return undefined;
  return { kind: "tcp", host: (m[1] ?? m[2]) as string, port };
}

/**
 * Parses an endpoint to dial: an address (see {@link parseEndpointAddress}), or
 * `https://host:port` (mutual TLS, Falco's only TCP mode, and what `host:port` means), or
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
  let tls = !insecurePlaintextTcp;
  let rest = text;
  if (text.startsWith("https://")) {
    tls = true;
    rest = text.slice("https://".length);
  } else if (text.startsWith("http://")) {
    if (!insecurePlaintextTcp) {
      throw new ConfigurationError(
        `${endpoint} is plaintext TCP, which Falco never serves (its TCP listener always requires ` +
          "mutual TLS). Use https://host:port with tls.cert and tls.key, or pass " +
          "insecurePlaintextTcp: true for a plaintext proxy or test server.",
        {
          namedOptions: ["tls.cert", "tls.key", "insecurePlaintextTcp: true"].map((name) => ({
            api: "createFalcoClient",
            name,
          })),
        },
      );
    }
    tls = false;
    rest = text.slice("http://".length);
  }
  if (/^unix:\/\/[^/]/.test(text)) {
    throw new ConfigurationError(
      `unix endpoint ${endpoint} needs an absolute path, e.g. unix:///run/falco/falco.sock`,
    );
  }
  const address = parseEndpointAddress(rest === text ? rest : rest.replace(/\/$/, ""));
  if (address?.kind === "unix" && rest === text) {
    return { kind: "unix", path: address.path, tried: [address.path] };
  }
  if (address?.kind !== "tcp" || address.port < 1) {
    throw new ConfigurationError(
      `cannot read endpoint ${JSON.stringify(endpoint)}: use unix:///path/to/falco.sock (or ` +
        "/path/to/falco.sock), host:port, [v6]:port or https://host:port",
    );
  }
  return { ...address, tls };
}
