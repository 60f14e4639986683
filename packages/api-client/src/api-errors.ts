import { FalcoError, type FalcoErrorOptions } from "@falco-sdk/core";

declare module "@falco-sdk/core" {
  interface FalcoErrorCodes {
    "api-unauthorized": ApiUnauthorizedError;
    "api-unreachable": ApiUnreachableError;
    "api-bad-response": ApiBadResponseError;
    "api-bad-request": ApiBadRequestError;
  }
}

/** The function whose options the errors of this package name. */
export const CLIENT_API = "createAlertStreamClient";
/** The method whose options the errors of a subscription name. */
export const SUBSCRIBE_API = "AlertStreamClient.subscribe";

/**
 * The server refused the credentials (HTTP 401 or 403): none were given and it requires some,
 * or the `token` is wrong. Retrying does not help, so a subscription ends with it at once.
 */
export class ApiUnauthorizedError extends FalcoError<"api-unauthorized"> {
  /** The HTTP status: 401 or 403. */
  readonly status: number;

  constructor(message: string, status: number, options?: FalcoErrorOptions) {
    super("api-unauthorized", message, options);
    this.status = status;
  }
}

/**
 * No answer from the server: refused, reset, DNS, TLS, a timeout or the connection dropped
 * mid-stream. A subscription retries it (a `disconnected` status event); a query throws it.
 */
export class ApiUnreachableError extends FalcoError<"api-unreachable"> {
  /** The system error code when there is one, e.g. `ECONNREFUSED`. */
  readonly errno: string | undefined;

  constructor(message: string, errno: string | undefined, options?: FalcoErrorOptions) {
    super("api-unreachable", message, options);
    this.errno = errno;
  }
}

/**
 * The server answered, but not as the falco-sdk alert API does: a 404 (the `url` is not the
 * API's base URL), a 5xx, another content type, a body that is not the JSON or event stream
 * expected. `status` is the HTTP status.
 */
export class ApiBadResponseError extends FalcoError<"api-bad-response"> {
  /** The HTTP status of the response. */
  readonly status: number;

  constructor(message: string, status: number, options?: FalcoErrorOptions) {
    super("api-bad-response", message, options);
    this.status = status;
  }
}

/**
 * The server refused a parameter of the request (HTTP 400, e.g. a malformed `since`, an unknown
 * facet field): `serverCode` and the message are the server's own. Retrying does not help.
 */
export class ApiBadRequestError extends FalcoError<"api-bad-request"> {
  /** The server's error code, e.g. `"bad-parameter"`. */
  readonly serverCode: string;

  constructor(message: string, serverCode: string, options?: FalcoErrorOptions) {
    super("api-bad-request", message, options);
    this.serverCode = serverCode;
  }
}

/** Any error of a request to the API. */
export type ApiError =
  | ApiUnauthorizedError
  | ApiUnreachableError
  | ApiBadResponseError
  | ApiBadRequestError;
