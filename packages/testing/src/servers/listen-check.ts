import {
  type Http2Listener,
  ListenError,
  type ListenHooks,
  type ListenOptions,
  listenHttp2,
  type PingPolicyOptions,
} from "@falco-sdk/grpc-server";
import { InsecureListenError, ServerListenError } from "../errors.js";

/** Throws unless the options name a unix socket, mutual TLS, or plaintext TCP with the opt-in. */
export function checkListenOptions(listen: ListenOptions): void {
  if ("socketPath" in listen) {
    if (typeof listen.socketPath !== "string" || listen.socketPath === "") {
      throw new ServerListenError("listen.socketPath must be a non-empty path");
    }
    return;
  }
  if ("tls" in listen && listen.tls !== undefined) {
    return;
  }
  if ("insecurePlaintext" in listen && listen.insecurePlaintext === true) {
    return;
  }
  throw new InsecureListenError(
    "Falco never serves gRPC over plaintext TCP: give `tls` (see createTestPki()) or a " +
      "`socketPath`, or pass `insecurePlaintext: true` to opt in to plaintext TCP.",
  );
}

/**
 * `listenHttp2` after {@link checkListenOptions}, failing with the test servers' own error
 * (its `cause` is the listener's: `SocketInUseError` when another server answers on the
 * socket path or it is not a socket).
 */
export async function listenChecked(
  listen: ListenOptions,
  handler: Parameters<typeof listenHttp2>[1],
  pingPolicy: PingPolicyOptions | false,
  hooks?: ListenHooks,
): Promise<Http2Listener> {
  checkListenOptions(listen);
  try {
    return await listenHttp2(listen, handler, pingPolicy, hooks);
  } catch (error) {
    if (error instanceof ListenError) {
      throw new ServerListenError(error.message, { cause: error });
    }
    throw error;
  }
}
