// One side of the outage benchmark, as its own process so its RSS is its own:
// Falco (gRPC test server) -> NATS, either through @falco-sdk/nats ("forwarder") or a
// plain loop of awaited @nats-io publishes ("baseline"). argv: kind (forwarder,
// forwarder-wait or baseline), Falco endpoint, NATS URL.
// Answers "stats" messages with its RSS and counters.
import { createFalcoClient, formatAlertJson } from "@falco-sdk/client";
import { jetstream } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { alertMessageId, createNatsForwarder } from "../dist/index.js";
import { alertSubject } from "../dist/subject.js";

const [kind, endpoint, servers] = process.argv.slice(2);
const client = createFalcoClient({ endpoint, reconnect: { initialDelayMs: 50 } });
const counts = { received: 0, published: 0, failed: 0 };
let forwarder;
if (kind.startsWith("forwarder")) {
  forwarder = createNatsForwarder({
    servers,
    retryDelayMs: 200,
    stream: { name: "OUTAGE" },
    subjectPrefix: "outage",
    whenBacklogFull: kind === "forwarder-wait" ? "wait" : "drop-oldest",
  });
  const ready = forwarder.status()[Symbol.asyncIterator]();
  void forwarder.forward(client.subscribe());
  for (;;) if ((await ready.next()).value?.type === "ready") break;
  void ready.return?.();
} else {
  // What one writes by hand: await each publish; on error log and go on.
  const nc = await connect({ servers, maxReconnectAttempts: -1, reconnectTimeWait: 1000 });
  const js = jetstream(nc);
  void (async () => {
    for await (const alert of client.subscribe()) {
      counts.received++;
      try {
        await js.publish(alertSubject("outage", alert), formatAlertJson(alert), {
          msgID: alertMessageId(alert),
        });
        counts.published++;
      } catch {
        counts.failed++;
      }
    }
  })();
}
process.on("message", (m) => {
  if (m !== "stats") return;
  const stats = forwarder ? forwarder.stats() : counts;
  process.send({ rss: process.memoryUsage().rss, ...stats });
});
process.send({ ready: true });
