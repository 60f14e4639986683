import { FalcoError, type FalcoErrorOptions } from "@falco-sdk/core";

declare module "@falco-sdk/core" {
  interface FalcoErrorCodes {
    "store-corrupt": StoreCorruptError;
    "store-foreign": StoreForeignError;
    "store-access": StoreAccessError;
    "store-full": StoreFullError;
    "store-closed": StoreClosedError;
  }
}

/** The store's database file is damaged. The store never overwrites it. */
export class StoreCorruptError extends FalcoError<"store-corrupt"> {
  constructor(message: string, options?: FalcoErrorOptions) {
    super("store-corrupt", message, options);
  }
}

/** The directory holds a file that is not a falco-sdk store (or one of a newer format). */
export class StoreForeignError extends FalcoError<"store-foreign"> {
  constructor(message: string, options?: FalcoErrorOptions) {
    super("store-foreign", message, options);
  }
}

/** The directory or its files cannot be read or written (permissions, a read-only file system). */
export class StoreAccessError extends FalcoError<"store-access"> {
  constructor(message: string, options?: FalcoErrorOptions) {
    super("store-access", message, options);
  }
}

/** The disk is full: the batch was not stored (nothing of it was), and may be appended again. */
export class StoreFullError extends FalcoError<"store-full"> {
  constructor(message: string, options?: FalcoErrorOptions) {
    super("store-full", message, options);
  }
}

/** The store was closed. */
export class StoreClosedError extends FalcoError<"store-closed"> {
  constructor(message: string, options?: FalcoErrorOptions) {
    super("store-closed", message, options);
  }
}
