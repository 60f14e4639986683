import { FalcoError } from "@falco-sdk/core";

declare module "@falco-sdk/core" {
  interface FalcoErrorCodes {
    "cannot-listen": ListenError;
    "socket-in-use": SocketInUseError;
  }
}

/**
 * An HTTP/2 listener could not start: the port is in use, the directory is not
 * writable, the socket path is too long... The message names the address and what
 * to change. {@link SocketInUseError} (a subclass) when the unix socket path is taken.
 */
export class ListenError<
  C extends "cannot-listen" | "socket-in-use" = "cannot-listen",
> extends FalcoError<C> {
  constructor(message: string, options?: { cause?: unknown; code?: C }) {
    super(options?.code ?? ("cannot-listen" as C), message, options);
  }
}

/**
 * The unix socket path is taken: another server answers there, or it is a file that is
 * not a socket. Nothing was deleted; the message says to stop that server or choose
 * another path.
 */
export class SocketInUseError extends ListenError<"socket-in-use"> {
  /** The socket path that is taken. */
  readonly socketPath: string;

  constructor(socketPath: string, message: string, options?: { cause?: unknown }) {
    super(message, { ...options, code: "socket-in-use" });
    this.socketPath = socketPath;
  }
}
