import type { AlertStore } from "@falco-sdk/store";
import { alertEvent, type SseSession } from "./sse-session.js";

/**
 * The live side of every stream: after each append (and every `pollMs`, for alerts another
 * process appended) it reads the new alerts once per distinct filter and hands the page to
 * each live session with that filter, so 100 clients cost one read, not 100.
 */
export class SseFeed {
  private readonly groups = new Map<string, Set<SseSession>>();
  private scheduled = false;
  private stopListening: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: AlertStore,
    private readonly pageSize: number,
    private readonly pollMs: number,
  ) {}

  join(session: SseSession): void {
    let group = this.groups.get(session.key);
    if (!group) {
      group = new Set();
      this.groups.set(session.key, group);
    }
    group.add(session);
    if (!this.stopListening) {
      this.stopListening = this.store.onAppend(() => this.schedule());
      this.timer = setInterval(() => this.schedule(), this.pollMs);
      this.timer.unref();
    }
    // An append may have come between the session's last read and now: look.
    this.schedule();
  }

  leave(session: SseSession): void {
    const group = this.groups.get(session.key);
    group?.delete(session);
    if (group?.size === 0) this.groups.delete(session.key);
    if (this.groups.size === 0) this.stop();
  }

  stop(): void {
    this.stopListening?.();
    this.stopListening = undefined;
    clearInterval(this.timer);
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    for (const group of [...this.groups.values()]) {
      for (let pages = 0; group.size > 0; pages++) {
        if (pages === 8) {
          this.schedule(); // a burst: let other work run, then go on
          break;
        }
        const first = group.values().next().value as SseSession;
        let after = first.scanned;
        for (const s of group) after = Math.min(after, s.scanned);
        let page: ReturnType<AlertStore["readJsonPage"]>;
        try {
          page = this.store.readJsonPage({
            after,
            filter: first.range.filter,
            since: first.range.since,
            until: first.range.until,
            limit: this.pageSize,
          });
        } catch {
          for (const s of [...group]) s.end();
          break;
        }
        let text = "";
        for (const alert of page.alerts) text += alertEvent(alert);
        const shared = { after, text };
        for (const s of [...group]) {
          if (!s.deliver(page, shared)) {
            group.delete(s);
            s.fallBehind();
          }
        }
        if (page.scanned >= page.last) break;
      }
    }
    for (const [key, group] of this.groups) if (group.size === 0) this.groups.delete(key);
    if (this.groups.size === 0) this.stop();
  }
}
