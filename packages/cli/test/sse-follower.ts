// A follower of the relay's alert stream (`--serve-http`, `GET /api/v1/alerts/stream`), as any SSE
// client: each alert's cursor (the event's id) and its number (output field `n` of the test
// alerts), and the gaps the stream reports.
import { expect } from "vitest";

/** An alert as a follower received it: its cursor and its number. */
export interface Seen {
  readonly cursor: number;
  readonly n: number;
}

export interface Follower {
  /** Resolves once the stream said `caught-up` (it has every stored alert so far). */
  readonly ready: Promise<void>;
  /** Resolves when the stream ends (the relay died or `stop()`), with what was received. */
  readonly done: Promise<Seen[]>;
  /** The `missed` of each `gap` event so far (alerts retention removed before they were read). */
  readonly gaps: number[];
  stop(): void;
}

/** Follows `url`'s stream after cursor `after`, calling `onAlert` for each alert event. */
export function follow(url: string, after: number, onAlert: (seen: Seen) => void): Follower {
  const abort = new AbortController();
  const received: Seen[] = [];
  const gaps: number[] = [];
  let caughtUp: () => void = () => {};
  const ready = new Promise<void>((resolve) => (caughtUp = resolve));
  const done = (async () => {
    const response = await fetch(`${url}/api/v1/alerts/stream`, {
      headers: { "Last-Event-ID": String(after) },
      signal: abort.signal,
    });
    expect(response.status).toBe(200);
    const decoder = new TextDecoder();
    let buffered = "";
    try {
      for await (const chunk of response.body as ReadableStream<Uint8Array>) {
        buffered += decoder.decode(chunk, { stream: true });
        let at = buffered.indexOf("\n\n");
        while (at >= 0) {
          const block = buffered.slice(0, at);
          buffered = buffered.slice(at + 2);
          at = buffered.indexOf("\n\n");
          if (block.startsWith("event: caught-up")) caughtUp();
          const gap = /^event: gap\ndata: \{"missed":(\d+),/.exec(block);
          if (gap) gaps.push(Number(gap[1]));
          const m = /^id: (\d+)\nevent: alert\ndata: .*"n":(\d+),/.exec(block);
          if (m === null) continue;
          const seen = { cursor: Number(m[1]), n: Number(m[2]) };
          received.push(seen);
          onAlert(seen);
        }
      }
    } catch {
      // The relay was killed, or stop(): the stream ends there.
    }
    return received;
  })();
  return { ready, done, gaps, stop: () => abort.abort() };
}
