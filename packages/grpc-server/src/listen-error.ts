import { FalcoError } from "@falco-sdk/core";

declare module "@falco-sdk/core" {
  interface FalcoErrorCodes {
    "cannot-listen": ListenError;
  }
}

/**
 * An HTTP/2 listener could not start: the socket path is taken by a file that
 * is not a socket, the port is in use, the directory is not writable...
 * The message names the address and what to change.
 */
export class ListenError extends FalcoError<"cannot-listen"> {
  constructor(message: string, options?: { cause?: unknown }) {
    super("cannot-listen", message, options);
  }
}
