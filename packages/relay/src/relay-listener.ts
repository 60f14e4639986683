import { ConfigurationError } from "@falco-sdk/core";
import {
  type Http2Listener,
  type ListenOptions,
  listenHttp2,
  type RejectionListener,
} from "@falco-sdk/grpc-server";
import type { RelayListenOptions } from "./relay-options.js";

/** The relay's default unix socket mode: owner and group may connect. */
export const DEFAULT_SOCKET_MODE = 0o660;

/** Checks `options` (Falco's rule: TCP needs mutual TLS unless plaintext is asked for by name). */
function toListenOptions(options: RelayListenOptions): ListenOptions {
  if ("socketPath" in options) {
    if (typeof options.socketPath !== "string" || options.socketPath === "") {
      throw new ConfigurationError(
        "socketPath must be a non-empty path, e.g. /run/falco/relay.sock",
      );
    }
    return {
      socketPath: options.socketPath,
      socketMode: options.socketMode ?? DEFAULT_SOCKET_MODE,
    };
  }
  if ("tls" in options && options.tls !== undefined) {
    const { cert, key, ca } = options.tls;
    if (!cert || !key || !ca) {
      throw new ConfigurationError(
        "TCP listeners need mutual TLS: give tls.cert, tls.key and tls.ca (the CA client " +
          "certificates must chain to), like Falco's cert_chain, private_key and root_certs.",
      );
    }
    return options;
  }
  if ("insecurePlaintext" in options && options.insecurePlaintext === true) {
    return options;
  }
  throw new ConfigurationError(
    "refusing plaintext gRPC on TCP: anyone reaching the port could read every alert. Give " +
      "tls { cert, key, ca } (mutual TLS, as Falco requires) or a socketPath, or set " +
      "insecurePlaintext: true to accept the risk.",
  );
}

/** Listens for the relay's gRPC services; rejects with ListenError when the address is unusable. */
export async function listenRelay(
  options: RelayListenOptions,
  handler: Parameters<typeof listenHttp2>[1],
  onRejected: RejectionListener,
): Promise<Http2Listener> {
  const listen = toListenOptions(options);
  // The relay accepts any keepalive PING (Falco's server would kill such clients).
  return listenHttp2(listen, handler, false, { onRejected });
}
