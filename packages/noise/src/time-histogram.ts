/** Most buckets a histogram keeps before it doubles their width. */
const MAX_BUCKETS = 2048;

/**
 * Counts over time in bounded memory: buckets start 1 s wide and double in width
 * (merging pairs) whenever the span would need more than 2048 of them. Widths are
 * powers of two seconds, so histograms of different widths re-bucket exactly.
 */
export class TimeHistogram {
  /** Bucket width in seconds (a power of two). */
  widthSeconds = 1;
  private readonly counts = new Map<number, number>();
  private min = Number.POSITIVE_INFINITY;
  private max = Number.NEGATIVE_INFINITY;

  /** Counts one event at `epochSeconds` (seconds since the epoch). */
  add(epochSeconds: number): void {
    let key = Math.floor(epochSeconds / this.widthSeconds);
    while (Math.max(this.max, key) - Math.min(this.min, key) >= MAX_BUCKETS) {
      this.widen();
      key = Math.floor(epochSeconds / this.widthSeconds);
    }
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    if (key < this.min) this.min = key;
    if (key > this.max) this.max = key;
  }

  private widen(): void {
    const old = [...this.counts];
    this.counts.clear();
    this.widthSeconds *= 2;
    this.min = Math.floor(this.min / 2);
    this.max = Math.floor(this.max / 2);
    for (const [key, n] of old) {
      const k = Math.floor(key / 2);
      this.counts.set(k, (this.counts.get(k) ?? 0) + n);
    }
  }

  /**
   * Counts per bucket of `widthSeconds` (a power of two, at least this histogram's
   * width) from bucket `start` (epoch seconds / width) for `length` buckets.
   */
  series(widthSeconds: number, start: number, length: number): number[] {
    const out = new Array<number>(length).fill(0);
    const ratio = widthSeconds / this.widthSeconds;
    for (const [key, n] of this.counts) {
      const i = Math.floor(key / ratio) - start;
      if (i >= 0 && i < length) out[i] = (out[i] ?? 0) + n;
    }
    return out;
  }
}
