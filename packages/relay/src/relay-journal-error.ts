import { FalcoError } from "@falco-sdk/core";

declare module "@falco-sdk/core" {
  interface FalcoErrorCodes {
    "relay-journal": RelayJournalError;
  }
}

/**
 * The relay's intake journal (`intakeJournal`) cannot be used: the file is not a journal (it is
 * left as it is), cannot be opened or written, or what it holds could not be appended to the
 * store at start. Thrown by `createAlertRelay()`; a failed write later is counted in
 * `stats().store.journal.failedWrites` instead (the source is answered with an error, or an alert read from a source is stored without the journal).
 */
export class RelayJournalError extends FalcoError<"relay-journal"> {
  constructor(message: string, options?: { cause?: unknown }) {
    super("relay-journal", message, {
      ...options,
      namedOptions: [{ api: "createAlertRelay", name: "intakeJournal" }],
    });
  }
}
