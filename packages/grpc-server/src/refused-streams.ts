import type { Http2Session } from "node:http2";
import type { RejectionListener } from "./request-guard.js";

/**
 * Reports the streams nghttp2 reset before they reached the handler (a header block
 * HTTP/2 forbids: `te` other than "trailers", connection-specific or upper-case fields,
 * no `:authority`...). Node reports nothing of them; they show as gaps in the client's
 * stream ids, found at the next stream and when the client closes the connection.
 */
export function watchRefusedStreams(session: Http2Session, onRejected: RejectionListener): void {
  let accounted = 0; // client streams (ids 1, 3, 5...) seen or reported
  const reportUpTo = (opened: number) => {
    for (; accounted < opened; accounted++) {
      onRejected({
        reason: "protocol-error",
        message: "stream reset: its header block violates HTTP/2 (RFC 9113 section 8.2)",
        peer: "unknown",
      });
    }
  };
  session.on("stream", (stream: { id?: number }) => {
    reportUpTo(((stream.id ?? 1) - 1) / 2);
    accounted++;
  });
  const atEnd = () => {
    let last: number | undefined;
    try {
      last = session.state.lastProcStreamID;
    } catch {
      // the session is gone
    }
    if (last !== undefined && last > 0) reportUpTo((last + 1) / 2);
  };
  // The session's state is still there when the client's FIN arrives, gone at "close".
  session.socket?.once("end", atEnd);
  session.socket?.once("close", atEnd);
}
