import { FalcoTestServerError } from "../errors.js";

/** What to run when Debian's Python gRPC stack is missing. */
export const CCORE_INSTALL_HINT =
  "install it with `apt-get install -y python3-grpcio python3-grpc-tools` " +
  "(or run scripts/ensure-system-deps.sh from the falco-sdk repository)";

/**
 * The C-core interop server cannot run here: no Python at the configured path,
 * or its `grpc` / `grpc_tools` modules are missing. The message says what to install.
 */
export class CCoreUnavailableError extends FalcoTestServerError<"ccore-unavailable"> {
  constructor(message: string, options?: { cause?: unknown }) {
    super("ccore-unavailable", message, options);
  }
}

/**
 * The C-core interop server's Python process failed: it exited unexpectedly,
 * did not start in time, or refused a command. The message carries the end of its stderr.
 */
export class CCoreProcessError extends FalcoTestServerError<"ccore-process"> {
  constructor(message: string, options?: { cause?: unknown }) {
    super("ccore-process", message, options);
  }
}
