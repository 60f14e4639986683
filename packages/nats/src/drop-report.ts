import type { ForwarderStatus } from "./forwarder-status.js";

/**
 * Reports a run of drops from a full backlog: `dropping` at its first drop, `dropped` (with
 * the run's count and the total) once the backlog has room again.
 */
export class DropReport {
  /** The drop total before the current run; undefined while nothing is being dropped. */
  #before: number | undefined;

  constructor(
    private readonly capacity: number,
    private readonly publish: (event: ForwarderStatus) => void,
  ) {}

  get dropping(): boolean {
    return this.#before !== undefined;
  }

  /** An alert was taken into the backlog; `droppedNow` when the oldest had to go for it. */
  taken(droppedNow: boolean, total: number): void {
    if (!droppedNow || this.#before !== undefined) return;
    this.#before = total - 1;
    this.publish({ type: "dropping", capacity: this.capacity });
  }

  /** The backlog has room again: ends the current run of drops, if any. */
  roomAgain(total: number): void {
    if (this.#before === undefined) return;
    const count = total - this.#before;
    this.#before = undefined;
    this.publish({ type: "dropped", count, total });
  }

  /** `count` alerts were lost at once (a full spool removed them unpublished); `total` ever. */
  lost(count: number, total: number): void {
    if (count > 0) this.publish({ type: "dropped", count, total });
  }
}
