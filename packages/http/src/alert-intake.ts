import type { Alert } from "@falco-sdk/core";
import { decodeBody, parseBody } from "./request-body.js";

/** A whole body, answered already, waiting to be parsed. */
interface WholeBody {
  readonly type: string;
  readonly encoding: string | undefined;
  readonly body: Buffer;
}

/**
 * Turns bodies the receiver has already answered (204) into alerts, after the answer has
 * left: Falco's http_output has one worker that waits for each answer, so the time to
 * answer is Falco's throughput, and parsing is kept out of it. Bodies are parsed in
 * `setImmediate`, after the event loop flushed the answers of its turn; each body that is
 * not an alert (bad JSON, not a Falco alert, bad gzip, too large once inflated) is handed
 * to `onMalformed` with the reason, since it was answered 204 and cannot be refused any more.
 */
export class AlertIntake {
  #pending: WholeBody[] = [];
  #scheduled = false;

  constructor(
    private readonly maxBodyBytes: number,
    private readonly onAlert: (alert: Alert) => void,
    private readonly onMalformed: (message: string) => void,
  ) {}

  /** Parses `body` soon (after the answers of this event-loop turn are written). */
  add(type: string, encoding: string | undefined, body: Buffer): void {
    this.#pending.push({ type, encoding, body });
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => this.flush());
  }

  /** Parses every body added so far, now. */
  flush(): void {
    this.#scheduled = false;
    const bodies = this.#pending;
    this.#pending = [];
    for (const { type, encoding, body } of bodies) {
      let alert: Alert;
      try {
        alert = parseBody(type, decodeBody(encoding, body, this.maxBodyBytes));
      } catch (error) {
        // RejectedRequest says why; anything else is a parser bug, still no reason to stop.
        this.onMalformed(error instanceof Error ? error.message : String(error));
        continue;
      }
      this.onAlert(alert);
    }
  }
}
