import { FalcoError } from "@falco-sdk/core";

declare module "@falco-sdk/core" {
  interface FalcoErrorCodes {
    "relay-closed": RelayClosedError;
  }
}

/** `listen()` or `subscribe()` on a relay after `close()`. */
export class RelayClosedError extends FalcoError<"relay-closed"> {
  constructor(what: string) {
    super(
      "relay-closed",
      `${what}: the relay is closed. Create a new one with createAlertRelay().`,
    );
  }
}
