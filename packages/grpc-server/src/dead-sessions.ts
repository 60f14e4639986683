import type { Http2Session } from "node:http2";

/** How often the server asks each connection whether it is alive. */
export const DEFAULT_IDLE_CHECK_MS = 60_000;

/**
 * Every `idleCheckMs`, sends the session a PING and destroys it when the PING stays
 * unanswered for `idleCheckMs` more. A peer that is there answers any PING (RFC 9113 section
 * 6.7), even with no call open. Node keeps a session nghttp2 ended with GOAWAY for a protocol
 * error (a frame over the size allowed, a broken header compression...) and stops reading its
 * socket, so it never sees the peer leave: without this, each such connection would hold its
 * session, its open streams and the calls' queues for ever.
 *
 * The timers are this module's own, cleared when the session closes: Node's
 * `session.setTimeout` keeps its timer (and so the session) until it fires, even after the
 * session is destroyed, which held every closed connection for `idleCheckMs`.
 */
export function destroyWhenDead(session: Http2Session, idleCheckMs: number): void {
  let deadline: NodeJS.Timeout | undefined;
  const probe = setInterval(() => {
    if (session.destroyed || session.closed || deadline) return;
    deadline = setTimeout(() => session.destroy(), idleCheckMs).unref();
    try {
      session.ping(() => {
        clearTimeout(deadline);
        deadline = undefined;
      });
    } catch {
      session.destroy();
    }
  }, idleCheckMs).unref();
  session.once("close", () => {
    clearInterval(probe);
    clearTimeout(deadline);
  });
}
