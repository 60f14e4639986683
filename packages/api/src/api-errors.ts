import { FalcoError, type FalcoErrorOptions } from "@falco-sdk/core";

declare module "@falco-sdk/core" {
  interface FalcoErrorCodes {
    "bad-parameter": BadParameterError;
    "api-configuration": ApiConfigurationError;
    "api-listen": ApiListenError;
  }
}

/** A query parameter or header of a request is malformed: answered with HTTP 400. */
export class BadParameterError extends FalcoError<"bad-parameter"> {
  /** The parameter (or header) at fault, e.g. `limit` or `Last-Event-ID`. */
  readonly parameter: string;

  constructor(parameter: string, message: string, options?: FalcoErrorOptions) {
    super("bad-parameter", message, options);
    this.parameter = parameter;
  }
}

/**
 * The options of `createAlertApiServer` do not make a safe server: a non-loopback address
 * without TLS and credentials, a token file that is empty or unreadable, a key without a cert.
 */
export class ApiConfigurationError extends FalcoError<"api-configuration"> {
  constructor(message: string, options?: FalcoErrorOptions) {
    super("api-configuration", message, options);
  }
}

/** The server could not listen on its address (in use, not permitted, unknown host). */
export class ApiListenError extends FalcoError<"api-listen"> {
  constructor(address: string, options?: FalcoErrorOptions) {
    const cause = options?.cause as { code?: string; message?: string } | undefined;
    super(
      "api-listen",
      `cannot listen on ${address}: ${cause?.message ?? "unknown error"}` +
        (cause?.code === "EADDRINUSE" ? " (another process uses it: pick another port)" : ""),
      options,
    );
  }
}
