// Sends Falco alerts at or above a priority to a Slack incoming webhook, at most
// RATE_LIMIT messages a minute; past it, one digest message says what was held back.
//   SLACK_WEBHOOK_URL=https://hooks.slack.com/services/... node index.mjs
// Settings (environment):
//   SLACK_WEBHOOK_URL   the incoming webhook (Slack or a Slack-compatible server); required
//   MIN_PRIORITY        lowest priority sent (Warning); Falco's names, any case
//   RATE_LIMIT          messages per window, digests included (20)
//   RATE_WINDOW_MS      the window (60000: a minute)
//   LISTEN_HTTP         host:port to receive Falco's http_output (Falco >= 0.44), e.g. 127.0.0.1:2801;
//                       without it, Falco's gRPC output at FALCO_GRPC_ENDPOINT (see @falco-sdk/client)
import { createFalcoClient } from "@falco-sdk/client";
import { parsePriority } from "@falco-sdk/core";
import { createHttpAlertReceiver } from "@falco-sdk/http";
import { createRateLimit } from "./rate-limit.mjs";
import { alertMessage, digestMessage } from "./slack-message.mjs";

const webhook = process.env.SLACK_WEBHOOK_URL;
const minPriority = parsePriority(process.env.MIN_PRIORITY ?? "warning");
if (!webhook || !minPriority) {
  console.error(
    "set SLACK_WEBHOOK_URL (and MIN_PRIORITY to one of Emergency..Debug, or leave it unset)",
  );
  process.exit(2);
}
const limit = createRateLimit({
  perWindow: Number(process.env.RATE_LIMIT ?? 20),
  windowMs: Number(process.env.RATE_WINDOW_MS ?? 60_000),
});

// One POST at a time, in order; a bounded queue (a slow webhook never grows memory).
const MAX_QUEUED = 100;
const queue = [];
let sending;
const counts = { sent: 0, failed: 0, dropped: 0 };
async function drain() {
  while (queue.length > 0) {
    const { message, what } = queue.shift();
    try {
      const res = await fetch(webhook, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(message),
        signal: AbortSignal.timeout(10_000),
      });
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      counts.sent++;
      console.log(`sent ${what}`);
    } catch (error) {
      counts.failed++;
      console.error(`slack: could not send ${what}: ${error.message}`);
    }
  }
  sending = undefined;
}
function enqueue(message, what) {
  if (queue.length >= MAX_QUEUED) {
    counts.dropped++;
    console.error(`slack: queue full, dropped ${what} (${counts.dropped} so far)`);
    return;
  }
  queue.push({ message, what });
  sending ??= drain();
}

let timer;
function scheduleDigest() {
  const at = limit.nextDigestAt(Date.now());
  if (at === undefined || timer) return;
  timer = setTimeout(
    () => {
      timer = undefined;
      const digest = limit.takeDigest(Date.now());
      if (digest) enqueue(digestMessage(digest), `digest of ${digest.held} alerts`);
      else scheduleDigest();
    },
    Math.max(0, at - Date.now()),
  );
}

const shutdown = new AbortController();
for (const signal of ["SIGINT", "SIGTERM"]) process.once(signal, () => shutdown.abort());

let source;
if (process.env.LISTEN_HTTP) {
  const [host, port] = process.env.LISTEN_HTTP.split(/:(?=\d+$)/);
  const receiver = await createHttpAlertReceiver({ host, port: Number(port) });
  console.log(`receiving Falco's http_output at ${receiver.url}`);
  source = { alerts: (o) => receiver.alerts(o), close: () => receiver.close() };
} else {
  const falco = createFalcoClient();
  console.log(`reading Falco's gRPC output at ${falco.endpoint}`);
  source = { alerts: (o) => falco.subscribe(o), close: () => falco.close() };
}

try {
  for await (const alert of source.alerts({ minPriority, signal: shutdown.signal })) {
    if (limit.offer(alert, Date.now()) === "send") enqueue(alertMessage(alert), alert.rule);
    else {
      console.log(`held ${limit.heldCount()}`);
      scheduleDigest();
    }
  }
} catch (error) {
  if (!shutdown.signal.aborted) {
    console.error(`falco: ${error.message}`);
    process.exitCode = 1;
  }
} finally {
  await source.close();
  clearTimeout(timer);
  // What is still held goes out as a last digest, whatever the limit says.
  const digest = limit.takeDigest(Date.now(), true);
  if (digest) enqueue(digestMessage(digest), `digest of ${digest.held} alerts`);
  await sending;
  console.log(
    `stopped: ${counts.sent} messages sent, ${counts.failed} failed, ${counts.dropped} dropped`,
  );
}
