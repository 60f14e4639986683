import type { Alert } from "@falco-sdk/core";

/** An alert read from the store, with its cursor. */
export interface StoredAlert extends Alert {
  /**
   * Its place in the store: 1 for the first alert appended, then each one more, never reused,
   * not even after retention removed alerts or the store was reopened. Read from it with
   * `read({ after: cursor })`.
   */
  readonly cursor: number;
}
