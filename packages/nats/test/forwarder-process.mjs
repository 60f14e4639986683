// A forwarder as its own process, for tests that kill it: Falco (gRPC test server) -> NATS.
// env: FALCO_ENDPOINT, NATS_URL. Prints its stats as one JSON line whenever they change.
import { createFalcoClient } from "@falco-sdk/client";
import { createNatsForwarder } from "../dist/index.js";

const client = createFalcoClient({
  endpoint: process.env.FALCO_ENDPOINT,
  reconnect: { initialDelayMs: 50 },
});
const forwarder = createNatsForwarder({ servers: process.env.NATS_URL, retryDelayMs: 100 });
let last = "";
setInterval(() => {
  const line = JSON.stringify(forwarder.stats());
  if (line !== last) process.stdout.write(`${line}\n`);
  last = line;
}, 20);
await forwarder.forward(client.subscribe({ pollIntervalMs: 20 }));
