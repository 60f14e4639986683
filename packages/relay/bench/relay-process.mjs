// The benchmark's relay, in its own process (so its CPU is apart from the
// subscribers'): reads the upstream test Falco with @falco-sdk/client and
// serves Falco's gRPC API on a unix socket. argv: upstream endpoint, socket
// path, maxQueued. Reports {type:"ready"}; {type:"stats"} answers its counters.
import { createFalcoClient } from "@falco-sdk/client";
import { createAlertRelay, relaySourceFromClient } from "@falco-sdk/relay";

const [upstream, socketPath, maxQueued] = process.argv.slice(2);
const client = createFalcoClient({ endpoint: upstream });
const relay = createAlertRelay({
  sources: [relaySourceFromClient(client)],
  maxQueued: Number(maxQueued),
});
const { endpoint } = await relay.listen({ socketPath });
process.on("message", (msg) => {
  if (msg.type === "stats") {
    const { received, delivered, dropped } = relay.stats();
    process.send({ id: msg.id, stats: { received, delivered, dropped }, cpu: process.cpuUsage() });
  }
});
process.on("disconnect", async () => {
  await relay.close();
  await client.close();
  process.exit(0);
});
process.send({ type: "ready", endpoint });
