// Posts alerts the way Falco 0.44's http_output does, in its own process (so that it is
// measured apart and never waits for the server's CPU): one worker, one HTTP/1.1 keep-alive
// connection (libcurl reuses it; TCP_NODELAY like curl), one alert per POST, the next POST
// only once the answer to the previous one has arrived. Headers as libcurl sends them with
// Falco's settings: Host, User-Agent: falcosecurity/falco, Accept: */*, Content-Type:
// application/json, Content-Length. Bodies are Falco's JSON alerts (integer fields as JSON
// numbers), 1,000 realistic ones cycled (@falco-sdk/testing's generator).
// Driven over IPC by the benchmarks (bench/run.mjs here and packages/relay/bench/run.mjs):
//   {type:"post", url, count, notifyAt?}       -> {sent, ms, statuses, cpu, failed?}; with
//      notifyAt, {type:"answered", answered: notifyAt} (no id) as soon as that many POSTs were
//      answered (the POSTs go on); a connection that fails (the server was killed) ends the
//      burst: `sent` is then the POSTs answered, `failed` the error (Falco never retries).
//   {type:"rate", url, ratePerSecond, durationMs} -> {sent, ms, statuses, cpu}: alerts made at a
//      steady rate, each with its "time" set to the moment it was made (latency), queued while
//      the worker waits for an answer, as Falco's output queue does.
import { connect } from "node:net";
import { createAlertGenerator } from "@falco-sdk/testing";

const PRIORITIES = [
  "Emergency",
  "Alert",
  "Critical",
  "Error",
  "Warning",
  "Notice",
  "Informational",
  "Debug",
];
const INTEGER = /^-?(0|[1-9]\d{0,19})$/;
const templates = createAlertGenerator({ seed: 7 }).take(1000);

/** RFC 3339 with nanoseconds, as Falco writes `time`. */
function rfc3339(ns) {
  const ms = Number(ns / 1_000_000n);
  return `${new Date(ms).toISOString().slice(0, 19)}.${String(ns % 1_000_000_000n).padStart(9, "0")}Z`;
}

/** Falco's JSON for a generator template: integer fields as JSON numbers, like Falco. */
function falcoJson(t, timeNs) {
  const fields = Object.entries(t.outputFields)
    .map(([k, v]) => `${JSON.stringify(k)}:${INTEGER.test(v) ? v : JSON.stringify(v)}`)
    .join(",");
  return (
    `{"hostname":${JSON.stringify(t.hostname)},"output":${JSON.stringify(t.output)},` +
    `"output_fields":{${fields}},"priority":"${PRIORITIES[t.priority]}",` +
    `"rule":${JSON.stringify(t.rule)},"source":${JSON.stringify(t.source)},` +
    `"tags":${JSON.stringify(t.tags)},"time":"${rfc3339(timeNs)}"}`
  );
}

const templateNs = (t) => t.time.seconds * 1_000_000_000n + BigInt(t.time.nanos);
const nowNs = () => BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));

/** The bytes of one POST, as libcurl writes them for Falco. */
function requestBytes(url, body) {
  const length = Buffer.byteLength(body);
  return Buffer.from(
    `POST ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nUser-Agent: falcosecurity/falco\r\n` +
      `Accept: */*\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n${body}`,
  );
}

/** One keep-alive connection, one request at a time; reconnects when the server closes. */
class Connection {
  #url;
  #socket;
  #buffer = Buffer.alloc(0);
  #waiting;

  constructor(url) {
    this.#url = url;
  }

  #open() {
    return new Promise((resolve, reject) => {
      const socket = connect(Number(this.#url.port), this.#url.hostname, () => resolve(socket));
      socket.setNoDelay(true);
      socket.once("error", reject);
      socket.on("data", (chunk) => this.#read(chunk));
      socket.on("close", () => {
        if (this.#socket === socket) this.#socket = undefined;
        this.#waiting?.reject(new Error("the server closed the connection before answering"));
      });
    });
  }

  #read(chunk) {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    const end = this.#buffer.indexOf("\r\n\r\n");
    if (end < 0) return;
    const head = this.#buffer.toString("latin1", 0, end);
    let length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
    if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
      // A refusal's text (node:http sends it chunked): up to the last, empty chunk.
      const last = this.#buffer.indexOf("\r\n0\r\n\r\n", end + 2);
      if (last < 0) return;
      length = last + 7 - (end + 4);
    }
    if (this.#buffer.length < end + 4 + length) return;
    this.#buffer = this.#buffer.subarray(end + 4 + length);
    if (/\r\nconnection:\s*close/i.test(head)) this.#socket?.destroy();
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.resolve(Number(head.slice(9, 12)));
  }

  /** Sends one request and resolves with the answer's status. */
  async send(bytes) {
    this.#socket ??= await this.#open();
    return new Promise((resolve, reject) => {
      this.#waiting = { resolve, reject };
      this.#socket.write(bytes);
    });
  }

  close() {
    this.#socket?.destroy();
  }
}

function cpuSince(start) {
  const { user, system } = process.cpuUsage(start);
  return user + system;
}

async function post(url, count, notify) {
  const target = new URL(url);
  const requests = templates.map((t) => requestBytes(target, falcoJson(t, templateNs(t))));
  const connection = new Connection(target);
  const statuses = {};
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let sent = 0;
  let failed;
  for (; sent < count; sent++) {
    let status;
    try {
      status = await connection.send(requests[sent % requests.length]);
    } catch (error) {
      failed = error.message;
      break;
    }
    statuses[status] = (statuses[status] ?? 0) + 1;
    if (sent + 1 === notify?.at) notify.send(sent + 1);
  }
  const ms = performance.now() - t0;
  connection.close();
  return { sent, ms, statuses, cpu: cpuSince(cpu0), ...(failed && { failed }) };
}

async function rate(url, ratePerSecond, durationMs) {
  const target = new URL(url);
  const connection = new Connection(target);
  const statuses = {};
  const queue = [];
  let made = 0;
  let wake;
  const total = Math.floor((durationMs / 1000) * ratePerSecond);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const timer = setInterval(() => {
    const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * ratePerSecond));
    for (; made < due; made++) {
      queue.push(requestBytes(target, falcoJson(templates[made % 1000], nowNs())));
    }
    wake?.();
    if (made >= total) clearInterval(timer);
  }, 1);
  for (let sent = 0; sent < total; sent++) {
    while (queue.length === 0) await new Promise((resolve) => (wake = resolve));
    const status = await connection.send(queue.shift());
    statuses[status] = (statuses[status] ?? 0) + 1;
  }
  const ms = performance.now() - t0;
  connection.close();
  return { sent: total, ms, statuses, cpu: cpuSince(cpu0) };
}

process.on("message", async (msg) => {
  if (msg.type === "post") {
    const notify = msg.notifyAt && {
      at: msg.notifyAt,
      send: (answered) => process.send({ type: "answered", answered }),
    };
    process.send({ id: msg.id, ...(await post(msg.url, msg.count, notify)) });
  }
  if (msg.type === "rate") {
    process.send({ id: msg.id, ...(await rate(msg.url, msg.ratePerSecond, msg.durationMs)) });
  }
});
process.on("disconnect", () => process.exit(0));
process.send({ type: "ready" });
