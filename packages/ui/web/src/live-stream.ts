/** What the live stream tells the page. */
export interface LiveStreamEvents {
  alert(cursor: number, json: string): void;
  /** `live`: connected and caught up; `connecting`: (re)connecting; `signed-out`: the session ended. */
  state(state: "connecting" | "live" | "signed-out"): void;
  gap(missed: number): void;
}

/**
 * The alert stream of `/api/v1/alerts/stream` (SSE, the session cookie goes along). It keeps the
 * cursor of the last alert it got: after a drop, the browser's own reconnection sends it as
 * `Last-Event-ID`; when the browser gives up (a refused or failed response) it starts a new
 * stream `?after=<cursor>`, so no alert is missed and none comes twice.
 */
export class LiveStream {
  private source: EventSource | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private retries = 0;
  private stopped = false;

  constructor(
    private readonly query: URLSearchParams,
    private cursor: number,
    private readonly events: LiveStreamEvents,
  ) {
    this.open();
  }

  /** Cursor of the last alert received. */
  get lastCursor(): number {
    return this.cursor;
  }

  close(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.source?.close();
  }

  private open(): void {
    const params = new URLSearchParams(this.query);
    params.set("after", String(this.cursor));
    const source = new EventSource(`/api/v1/alerts/stream?${params}`);
    this.source = source;
    this.events.state("connecting");
    source.addEventListener("alert", (e) => {
      const m = e as MessageEvent<string>;
      const cursor = Number(m.lastEventId);
      if (!Number.isSafeInteger(cursor) || cursor <= this.cursor) return;
      this.cursor = cursor;
      this.retries = 0;
      this.events.alert(cursor, m.data);
    });
    source.addEventListener("caught-up", () => {
      this.retries = 0;
      this.events.state("live");
    });
    source.addEventListener("gap", (e) => {
      const missed = Number(
        (JSON.parse((e as MessageEvent<string>).data) as { missed: number }).missed,
      );
      this.events.gap(missed);
    });
    source.addEventListener("error", () => {
      if (this.stopped) return;
      if (source.readyState !== EventSource.CLOSED) {
        this.events.state("connecting");
        return;
      }
      void this.reopen();
    });
  }

  private async reopen(): Promise<void> {
    this.events.state("connecting");
    const status = await fetch("/api/v1/stats", { credentials: "same-origin" })
      .then((r) => r.status)
      .catch(() => 0);
    if (this.stopped) return;
    if (status === 401) {
      this.events.state("signed-out");
      return;
    }
    const delayMs = Math.min(500 * 2 ** this.retries, 10_000);
    this.retries++;
    this.retryTimer = setTimeout(() => this.open(), delayMs);
  }
}
