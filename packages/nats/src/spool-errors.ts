import { FalcoError, type FalcoErrorOptions } from "@falco-sdk/core";

declare module "@falco-sdk/core" {
  interface FalcoErrorCodes {
    "nats-spool": NatsSpoolError;
    "nats-spool-locked": SpoolLockedError;
  }
}

const named = (...names: string[]) => names.map((name) => ({ api: "createNatsForwarder", name }));

/**
 * The forwarder's spool cannot be opened or written: `@falco-sdk/store` is not installed, the
 * directory is not writable, holds something else, or its disk is full. The message says which.
 */
export class NatsSpoolError extends FalcoError<"nats-spool"> {
  constructor(message: string, options?: { readonly cause?: unknown }) {
    super("nats-spool", message, { cause: options?.cause, namedOptions: named("spool.directory") });
  }
}

/** Another forwarder (process) has the spool directory: each forwarder needs its own. */
export class SpoolLockedError extends FalcoError<"nats-spool-locked"> {
  constructor(
    /** The spool directory another forwarder has. */
    readonly directory: string,
    options?: Pick<FalcoErrorOptions, "cause">,
  ) {
    super(
      "nats-spool-locked",
      `the spool directory ${directory} is in use by another forwarder: give each forwarder ` +
        "its own spool.directory, or stop the other one",
      { cause: options?.cause, namedOptions: named("spool.directory") },
    );
  }
}
