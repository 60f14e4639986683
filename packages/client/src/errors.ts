/**
 * Base class of every error this SDK throws on purpose. `code` is stable and
 * meant for programs; `message` says what happened and what to do.
 */
export class FalcoError extends Error {
  /** A stable, machine-readable name of the failure, e.g. `"socket-not-found"`. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Input that is not a Falco alert (bad JSON, missing `rule`, unknown priority, ...). */
export class AlertParseError extends FalcoError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("alert-parse", message, options);
  }
}
