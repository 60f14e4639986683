import { FalcoError, type FalcoErrorOptions } from "@falco-sdk/core";

declare module "@falco-sdk/core" {
  interface FalcoErrorCodes {
    "store-locked": StoreLockedError;
  }
}

/**
 * The store was opened with `exclusive: true` and another process (or another exclusive store of
 * this process) has its directory.
 */
export class StoreLockedError extends FalcoError<"store-locked"> {
  constructor(message: string, options?: FalcoErrorOptions) {
    super("store-locked", message, options);
  }
}
