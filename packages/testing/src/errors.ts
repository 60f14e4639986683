/**
 * The `code` of every error `@falco-sdk/testing` throws on purpose. Test-only failures, so
 * they are not codes of `@falco-sdk/core`'s `FalcoErrorCode` (the union of what a program using
 * the SDK itself can meet): a table of the SDK's codes needs no entry for them.
 */
export type TestingErrorCode =
  | "insecure-listen"
  | "listen-failed"
  | "server-state"
  | "stop-timeout"
  | "ccore-unavailable"
  | "ccore-process"
  | "invalid-generator-options"
  | "nats-server-unavailable";

/**
 * Base class of every error the test servers, fixtures and launchers throw on purpose: `code`
 * is stable and meant for programs, `message` says what to do. Not a `FalcoError` of
 * `@falco-sdk/core`: a consumer's `instanceof FalcoError` means the SDK failed, never its
 * test harness.
 */
export class FalcoTestServerError<C extends TestingErrorCode = TestingErrorCode> extends Error {
  /** A stable, machine-readable name of the failure, e.g. `"listen-failed"`. */
  readonly code: C;

  constructor(code: C, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
  }
}

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
