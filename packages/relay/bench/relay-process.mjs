// The benchmark's relay, in its own process (its CPU apart from the subscribers' and the
// poster's): argv[2] "http": sources = one @falco-sdk/http receiver (port 0), what Falco 0.44's
// http_output posts to; "grpc <endpoint>": sources = @falco-sdk/client reading that Falco
// gRPC endpoint; "http-store <dir>": "http" with a write-through store in <dir> (durable: an
// fsync per append); "http-store-nosync <dir>": the same, durable: false. Serves Falco's gRPC API on the unix socket argv[last].
// IPC: {type:"ready", endpoint, url}; {type:"stats"} -> {stats, cpu};
// {type:"local-attach", k, count} attaches k in-process subscriptions (relay.subscribe());
// {type:"local-wait"} -> {times}: each one's time (ms) from its attachment to its count-th alert.
import { join } from "node:path";
import { createFalcoClient } from "@falco-sdk/client";
import { createHttpAlertReceiver } from "@falco-sdk/http";
import { createAlertRelay, relaySourceFromClient, relaySourceFromReceiver } from "@falco-sdk/relay";
import { openAlertStore } from "@falco-sdk/store";

const [mode, ...rest] = process.argv.slice(2);
const socketPath = rest.at(-1);
const maxQueued = 1_000_000; // room for a whole phase: a drop would leave a subscriber waiting
let receiver;
let client;
let source;
let store;
if (mode.startsWith("http-store")) {
  store = openAlertStore({ directory: rest[0], durable: mode !== "http-store-nosync" });
}
const journaled = mode === "http-store-journal";
let take;
if (mode.startsWith("http")) {
  receiver = await createHttpAlertReceiver({
    port: 0,
    maxQueuedAlerts: maxQueued,
    ...(journaled && { handOff: (line, alert) => take(line, alert) }),
  });
  source = journaled ? undefined : relaySourceFromReceiver(receiver);
} else {
  client = createFalcoClient({ endpoint: rest[0] });
  source = relaySourceFromClient(client);
}
const storeBatchMs =
  process.env.BENCH_STORE_BATCH_MS === undefined
    ? {}
    : { storeBatchMs: Number(process.env.BENCH_STORE_BATCH_MS) };
// BENCH_MIN_WRITE_INTERVAL_MS=2 (for A/B runs): the relay's minWriteIntervalMs (default 0).
const interval = process.env.BENCH_MIN_WRITE_INTERVAL_MS;
const relay = createAlertRelay({
  sources: source ? [source] : [],
  maxQueued,
  minWriteIntervalMs: interval === undefined ? undefined : Number(interval),
  ...(store && { store, ...storeBatchMs }),
  ...(journaled && { intakeJournal: join(rest[0], "intake-journal") }),
});
if (journaled) take = relay.intake(receiver.url);
const { endpoint } = await relay.listen({ socketPath });
/** In-process subscriptions (relay.subscribe()) of the "local" phase, each one's run. */
let locals = [];

process.on("message", async (msg) => {
  if (msg.type === "local-attach") {
    const subscriptions = Array.from({ length: msg.k }, () => relay.subscribe());
    const t0 = performance.now();
    locals = subscriptions.map(async (subscription) => {
      let got = 0;
      for await (const _ of subscription) if (++got === msg.count) break;
      return performance.now() - t0;
    });
    process.send({ id: msg.id });
  } else if (msg.type === "local-wait") {
    process.send({ id: msg.id, times: await Promise.all(locals) });
  } else if (msg.type === "elu") {
    process.send({ id: msg.id, elu: performance.eventLoopUtilization() });
  } else if (msg.type === "stats") {
    const { received, delivered, dropped, subscribers, store: stored } = relay.stats();
    const { user, system } = process.cpuUsage();
    process.send({
      id: msg.id,
      stats: {
        received,
        delivered,
        dropped,
        subscribers: subscribers.length,
        ...(stored && {
          stored: stored.stored,
          notStored: stored.notStored,
          appends: stored.batches,
        }),
      },
      cpu: user + system,
    });
  }
});
process.on("disconnect", async () => {
  await relay.close();
  store?.close();
  await receiver?.close();
  await client?.close();
  process.exit(0);
});
process.send({ type: "ready", endpoint, url: receiver?.url });
