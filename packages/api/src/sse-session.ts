import type { ServerResponse } from "node:http";
import type { AlertStore, JsonPage, StoredAlertJson } from "@falco-sdk/store";
import type { ApiCounters } from "./api-stats.js";
import type { RequestRange } from "./request-params.js";

/** The Server-Sent Event of an alert: its cursor as id, its stored JSON text as data. */
export function alertEvent(alert: StoredAlertJson): string {
  return `id: ${alert.cursor}\nevent: alert\ndata: ${alert.json}\n\n`;
}

/** What a stream needs from its API. */
export interface SseContext {
  readonly store: AlertStore;
  readonly counters: ApiCounters;
  readonly pageSize: number;
  readonly heartbeatMs: number;
  readonly stuckTimeoutMs: number;
  readonly maxBufferedBytes: number;
  /** Makes the session live: it then gets each new page from the shared feed. */
  readonly goLive: (session: SseSession) => void;
  readonly leaveLive: (session: SseSession) => void;
}

/**
 * One Server-Sent Events client. It reads the store from its cursor a page at a time, and only
 * while its socket is drained (`backlog`); once it has every alert it is `live` and the shared
 * feed hands it each new page. A socket that stops draining takes it back to `backlog` (it
 * stops taking pages); one that stays undrained for `stuckTimeoutMs` is disconnected.
 */
export class SseSession {
  /** The cursor up to which this client has been sent every matching alert. */
  scanned: number;
  /** Sessions with the same key share the feed's reads. */
  readonly key: string;
  private state: "backlog" | "live" | "closed" = "backlog";
  private caughtUpSent = false;
  private heartbeat: NodeJS.Timeout | undefined;
  private wakeDrain: (() => void) | undefined;

  constructor(
    private readonly res: ServerResponse,
    readonly range: RequestRange,
    after: number,
    private readonly ctx: SseContext,
  ) {
    this.scanned = after;
    this.key = JSON.stringify(range, (_k, v) => (typeof v === "bigint" ? `${v}n` : v));
  }

  get isLive(): boolean {
    return this.state === "live";
  }

  start(): void {
    const { res, ctx } = this;
    res.writeHead(200, {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-cache, no-transform",
      "X-Accel-Buffering": "no",
    });
    res.flushHeaders();
    res.socket?.setNoDelay(true);
    ctx.counters.streamsOpen++;
    ctx.counters.streamsOpened++;
    res.on("close", () => this.close());
    this.heartbeat = setInterval(() => res.write(": hb\n\n"), ctx.heartbeatMs);
    this.heartbeat.unref();
    void this.catchUp();
  }

  /**
   * Writes what of `page` this client has not had (a gap first, when retention removed alerts
   * it had not read). `shared` is the page read after `after` already rendered, for the
   * clients at that cursor (most of a feed's). Returns false when its socket is full: it must
   * stop taking pages.
   */
  deliver(page: JsonPage, shared?: { after: number; text: string }): boolean {
    if (this.state === "closed") return true;
    if (shared && shared.after === this.scanned && page.first <= this.scanned + 1) {
      this.scanned = Math.max(this.scanned, page.scanned);
      this.ctx.counters.streamedAlerts += page.alerts.length;
      if (shared.text !== "") this.res.write(shared.text);
      return !this.full();
    }
    let out = "";
    if (page.first > this.scanned + 1) {
      out += `event: gap\ndata: {"missed":${page.first - this.scanned - 1},"after":${this.scanned}}\n\n`;
      this.ctx.counters.gaps++;
      this.scanned = page.first - 1;
    }
    let sent = 0;
    for (const alert of page.alerts) {
      if (alert.cursor <= this.scanned) continue;
      out += alertEvent(alert);
      sent++;
    }
    this.scanned = Math.max(this.scanned, page.scanned);
    this.ctx.counters.streamedAlerts += sent;
    if (out !== "") this.res.write(out);
    return !this.full();
  }

  /** Called by the feed when `deliver` returned false: read on from the store once drained. */
  fallBehind(): void {
    if (this.state !== "live") return;
    this.state = "backlog";
    void this.catchUp();
  }

  /** Reads the store from `scanned` until it has every alert, then goes live. */
  private async catchUp(): Promise<void> {
    const { ctx } = this;
    try {
      while (this.state === "backlog") {
        if (this.full()) {
          await this.drained();
          continue;
        }
        const page = ctx.store.readJsonPage({
          after: this.scanned,
          filter: this.range.filter,
          since: this.range.since,
          until: this.range.until,
          limit: ctx.pageSize,
        });
        const drained = this.deliver(page);
        if (drained && page.scanned >= page.last) {
          if (!this.caughtUpSent) {
            this.caughtUpSent = true;
            this.res.write(`event: caught-up\ndata: {"cursor":${this.scanned}}\n\n`);
          }
          // No await since the read: no alert can have been appended in between unseen.
          this.state = "live";
          ctx.goLive(this);
          return;
        }
        if (drained) await new Promise<void>((r) => setImmediate(r));
      }
    } catch {
      // The store was closed (or failed): the stream ends; the client resumes from its cursor.
      this.end();
    }
  }

  /** True when the socket holds more than `maxBufferedBytes` not yet sent. */
  private full(): boolean {
    return this.res.writableLength > this.ctx.maxBufferedBytes;
  }

  /** Waits for the socket to drain; disconnects the client when it stays full too long. */
  private drained(): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.ctx.counters.slowDisconnects++;
        this.res.destroy();
        this.close();
      }, this.ctx.stuckTimeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.res.off("drain", done);
        this.wakeDrain = undefined;
        resolve();
      };
      this.wakeDrain = done;
      this.res.on("drain", done);
    });
  }

  /** Ends the stream (the store was closed): the client resumes from its cursor elsewhere. */
  end(): void {
    this.res.end();
    this.close();
  }

  close(): void {
    if (this.state === "closed") return;
    const wasLive = this.state === "live";
    this.state = "closed";
    clearInterval(this.heartbeat);
    this.ctx.counters.streamsOpen--;
    if (wasLive) this.ctx.leaveLive(this);
    this.wakeDrain?.();
  }
}
