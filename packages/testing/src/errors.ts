import { FalcoError, type FalcoErrorCode } from "@falco-sdk/core";

declare module "@falco-sdk/core" {
  interface FalcoErrorCodes {
    "insecure-listen": InsecureListenError;
    "listen-failed": ServerListenError;
    "server-state": ServerStateError;
    "stop-timeout": ServerStopTimeoutError;
  }
}

/**
 * Base class of every error the test servers throw on purpose: a `FalcoError` of
 * `@falco-sdk/core` (`code` is stable, `message` says what to do), so one `instanceof
 * FalcoError` covers the SDK and its test servers.
 */
export class FalcoTestServerError<
  C extends FalcoErrorCode = FalcoErrorCode,
> extends FalcoError<C> {}

/** TCP listen options without TLS material and without the `insecurePlaintext: true` opt-in. */
export class InsecureListenError extends FalcoTestServerError<"insecure-listen"> {
  constructor(message: string) {
    super("insecure-listen", message);
  }
}

/** The server could not listen (socket path in use by a non-socket file, port taken, ...). */
export class ServerListenError extends FalcoTestServerError<"listen-failed"> {
  constructor(message: string, options?: { cause?: unknown }) {
    super("listen-failed", message, options);
  }
}

/** A lifecycle method was called in a state that does not allow it (e.g. `restart()` while listening). */
export class ServerStateError extends FalcoTestServerError<"server-state"> {
  constructor(message: string) {
    super("server-state", message);
  }
}

/**
 * `stop({ timeoutMs })` elapsed before every open call finished (a `sub` whose
 * client never sent another request, like the subscribers that keep Falco
 * from stopping). The remaining connections were destroyed; the server is stopped.
 */
export class ServerStopTimeoutError extends FalcoTestServerError<"stop-timeout"> {
  /** Calls still open when the timeout elapsed (then destroyed). */
  readonly openCalls: number;

  constructor(openCalls: number, timeoutMs: number) {
    super(
      "stop-timeout",
      `${openCalls} call(s) were still open ${timeoutMs} ms after stop(): a sub stream only ends ` +
        "(OK) when its client sends its next request, like Falco. They were destroyed. Cancel " +
        "subscribers before stopping, or keep them polling.",
    );
    this.openCalls = openCalls;
  }
}
