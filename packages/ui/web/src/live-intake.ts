import type { PageAlert } from "./stored-alert.js";

/** How long live alerts gather before they go into the table together. */
const BATCH_MS = 50;

/**
 * The live alerts on their way to the table: gathered for a moment and handed over together,
 * or, while paused, held (counted, at most `capacity`: the page holds no more) until resume.
 */
export class LiveIntake {
  private paused = false;
  private pending: PageAlert[] = [];
  private incoming: PageAlert[] = [];
  private flushScheduled = false;

  constructor(
    private readonly capacity: number,
    /** Puts a batch of new alerts into the table. */
    private readonly deliver: (batch: PageAlert[]) => void,
    /** Called when the number of waiting alerts changed while paused. */
    private readonly waitingChanged: () => void,
  ) {}

  get isPaused(): boolean {
    return this.paused;
  }

  /** The alerts that came while paused. */
  get waiting(): number {
    return this.pending.length;
  }

  add(alert: PageAlert): void {
    if (this.paused) {
      this.pending.push(alert);
      if (this.pending.length > this.capacity) this.pending = this.pending.slice(-this.capacity);
      this.waitingChanged();
      return;
    }
    this.incoming.push(alert);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setTimeout(() => this.flush(), BATCH_MS);
    }
  }

  /** Pauses, or resumes: the alerts that waited go into the table at once. */
  toggle(): void {
    this.paused = !this.paused;
    if (this.paused) return;
    const resumed = this.pending;
    this.pending = [];
    this.incoming.push(...resumed);
    this.flush();
  }

  /** Forgets every alert on its way (a new view starts). */
  clear(): void {
    this.pending = [];
    this.incoming = [];
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.incoming;
    this.incoming = [];
    if (batch.length > 0) this.deliver(batch);
  }
}
