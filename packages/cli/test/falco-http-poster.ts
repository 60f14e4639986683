// Posts alerts the way Falco 0.44's http_output does (as packages/http/bench/falco-poster.mjs):
// one worker, one HTTP/1.1 keep-alive connection (TCP_NODELAY, like libcurl), one alert per
// POST, the next POST only once the answer to the previous one has arrived; libcurl's headers
// with Falco's settings. Falco never retries: a POST whose connection fails is lost on Falco's
// side (it logs the error). Here the burst stops at the first failure instead of trying every
// later alert against a relay that is gone, and says how far it got.
import { connect, type Socket } from "node:net";

/** How far a burst got. */
export interface BurstResult {
  /** Alerts answered with a 2xx status: `from` up to `from + answered - 1`. */
  readonly answered: number;
  /** Alerts written on the connection: `answered`, plus the one in flight when it failed. */
  readonly sent: number;
  /** Non-2xx answers (they end the burst too). */
  readonly refused: number;
  /** Why the burst stopped early (the connection failed, or an answer was not 2xx). */
  readonly error?: Error;
}

/** Falco's http_output body of alert `i` (about 560 bytes), numbered in output field `n`. */
export const falcoAlertBody = (i: number) =>
  `{"hostname":"web-1","output":"16:17:57.881781397: Warning Shell spawned in a container (user=root shell=bash parent=runc cmdline=bash -i n=${i})","output_fields":{"container.id":"8c6a1f0e2b3d","evt.num":${9007199254740993n + BigInt(i)},"n":${i},"proc.cmdline":"bash -i","proc.name":"bash","proc.pname":"runc","user.name":"root"},"priority":"Warning","rule":"Terminal shell in container","source":"syscall","tags":["container","shell","mitre_execution"],"time":"2026-12-05T00:00:00.${String(i).padStart(9, "0")}Z"}`;

/** The bytes of one POST, as libcurl writes them for Falco. */
function requestBytes(url: URL, body: string): Buffer {
  return Buffer.from(
    `POST ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nUser-Agent: falcosecurity/falco\r\n` +
      `Accept: */*\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/**
 * POSTs `body(i)` for i in [from, from + count) to `url`, one at a time on one connection.
 * `onAnswered(i)` is called as soon as alert i's 2xx answer has arrived.
 */
export async function postBurst(
  url: string,
  from: number,
  count: number,
  body: (i: number) => string,
  onAnswered?: (i: number) => void,
): Promise<BurstResult> {
  const target = new URL(url);
  let answered = 0;
  let sent = 0;
  let refused = 0;
  let socket: Socket | undefined;
  try {
    socket = await new Promise<Socket>((resolve, reject) => {
      const s = connect(Number(target.port), target.hostname, () => resolve(s));
      s.once("error", reject);
    });
    socket.setNoDelay(true);
    const connection = socket;
    let buffer: Buffer = Buffer.alloc(0);
    let waiting: { resolve: (status: number) => void; reject: (error: Error) => void } | undefined;
    const fail = (error: Error) => {
      const w = waiting;
      waiting = undefined;
      w?.reject(error);
    };
    connection.on("error", fail);
    connection.on("close", () => fail(new Error("the relay closed the connection")));
    connection.on("data", (chunk: Buffer) => {
      buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
      const end = buffer.indexOf("\r\n\r\n");
      if (end < 0) return;
      const head = buffer.toString("latin1", 0, end);
      // A 204 has no body; anything else ends the burst, its body unread.
      const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
      if (buffer.length < end + 4 + length) return;
      buffer = buffer.subarray(end + 4 + length);
      const w = waiting;
      waiting = undefined;
      w?.resolve(Number(head.slice(9, 12)));
    });
    for (let i = from; i < from + count; i++) {
      const status = await new Promise<number>((resolve, reject) => {
        waiting = { resolve, reject };
        sent++;
        connection.write(requestBytes(target, body(i)));
      });
      if (status < 200 || status > 299) {
        refused++;
        return { answered, sent, refused, error: new Error(`alert ${i} answered ${status}`) };
      }
      answered++;
      onAnswered?.(i);
    }
    return { answered, sent, refused };
  } catch (error) {
    return { answered, sent, refused, error: error as Error };
  } finally {
    socket?.destroy();
  }
}
