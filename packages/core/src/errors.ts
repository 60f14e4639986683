/**
 * Every `code` a `FalcoError` can carry, mapped to the class that carries it. Each package adds
 * its own codes by declaration merging, so `FalcoErrorCode` is the union of every code of the
 * packages a program imports, and a table such as `Record<FalcoErrorCode, number>` fails to
 * compile when a code is added without an entry:
 *
 * ```ts
 * declare module "@falco-sdk/core" {
 *   interface FalcoErrorCodes {
 *     "my-failure": MyFailureError;
 *   }
 * }
 * ```
 */
export interface FalcoErrorCodes {
  /** An alert could not be parsed (JSON or text): {@link AlertParseError}. */
  "alert-parse": AlertParseError;
  /** A subscription was iterated a second time (each feeds one loop): {@link AlreadyIteratedError}. */
  "already-iterated": AlreadyIteratedError;
  /** The options cannot work and retrying will not help: {@link ConfigurationError}. */
  configuration: ConfigurationError;
}

/** A stable, machine-readable name of a failure, e.g. `"socket-not-found"`. */
export type FalcoErrorCode = keyof FalcoErrorCodes;

/**
 * An option of an SDK function that an error's message names, e.g. `tls.cert` of
 * `createFalcoClient`: a program that exposes the option under another name (a command-line
 * flag) can say its own name instead.
 */
export interface NamedOption {
  /** The function the option belongs to, e.g. `"createFalcoClient"`. */
  readonly api: string;
  /** The option exactly as `message` writes it, e.g. `"tls.cert"` or `"insecurePlaintextTcp: true"`. */
  readonly name: string;
}

/** Options of every `FalcoError` constructor. */
export interface FalcoErrorOptions {
  /** What caused it (another error). @default none */
  readonly cause?: unknown;
  /** The options the message names, verbatim. @default none */
  readonly namedOptions?: readonly NamedOption[];
}

/**
 * Base class of every error the SDK throws on purpose, in every package. `code` is stable and
 * meant for programs; `message` says what happened and what to do.
 */
export class FalcoError<C extends FalcoErrorCode = FalcoErrorCode> extends Error {
  /** A stable, machine-readable name of the failure, e.g. `"socket-not-found"`. */
  readonly code: C;
  /** The options of the SDK that `message` names, as it writes them (empty when none). */
  readonly namedOptions: readonly NamedOption[];

  constructor(code: C, message: string, options?: FalcoErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.namedOptions = options?.namedOptions ?? [];
  }
}

/** Input that is not a Falco alert (bad JSON, missing `rule`, unknown priority, ...). */
export class AlertParseError extends FalcoError<"alert-parse"> {
  constructor(message: string, options?: FalcoErrorOptions) {
    super("alert-parse", message, options);
  }
}

/**
 * The options cannot work and retrying will not help: a malformed endpoint, an unreadable
 * certificate file, an unauthenticated listener on a public address.
 */
export class ConfigurationError extends FalcoError<"configuration"> {
  constructor(message: string, options?: FalcoErrorOptions) {
    super("configuration", message, options);
  }
}

/**
 * A subscription was iterated a second time: each one feeds one loop. Call `subscribe()` (or
 * `alerts()`) again for another loop over the same source.
 */
export class AlreadyIteratedError extends FalcoError<"already-iterated"> {
  constructor(message: string, options?: FalcoErrorOptions) {
    super("already-iterated", message, options);
  }
}
