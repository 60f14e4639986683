import type { Http2Session } from "node:http2";

/** How long a connection may stay silent before the server asks whether it is alive. */
export const DEFAULT_IDLE_CHECK_MS = 60_000;

/**
 * Destroys a session that stays silent for `idleCheckMs` and then leaves a PING unanswered
 * for `idleCheckMs` more. A peer that is there answers any PING (RFC 9113 section 6.7), even
 * with no call open. Node keeps a session nghttp2 ended with GOAWAY for a protocol error (a
 * frame over the size allowed, a broken header compression...) and stops reading its socket,
 * so it never sees the peer leave: without this, each such connection would hold its session,
 * its open streams and the calls' queues for ever.
 */
export function destroyWhenDead(session: Http2Session, idleCheckMs: number): void {
  let deadline: NodeJS.Timeout | undefined;
  session.once("close", () => clearTimeout(deadline));
  const check = () => {
    if (session.destroyed) return;
    deadline = setTimeout(() => session.destroy(), idleCheckMs);
    deadline.unref();
    try {
      session.ping(() => {
        clearTimeout(deadline);
        // Node runs a session's timeout listener once: watch the next silence.
        if (!session.destroyed) session.setTimeout(idleCheckMs, check);
      });
    } catch {
      session.destroy();
    }
  };
  session.setTimeout(idleCheckMs, check);
}
