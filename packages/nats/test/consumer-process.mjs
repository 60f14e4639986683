// A fleet consumer as its own process, for tests that kill it mid-batch.
// env: NATS_URL, DURABLE, ACK_WAIT_MS. Prints `hostname|timeNs` of each alert it has handled.
import { subscribeFleet } from "../dist/index.js";

const sub = subscribeFleet({
  servers: process.env.NATS_URL,
  durable: process.env.DURABLE,
  start: "all",
  ackWaitMs: Number(process.env.ACK_WAIT_MS),
  maxBufferedAlerts: 10,
});
for await (const alert of sub) {
  // Handled: written out before the loop asks for the next one (which acks this one).
  await new Promise((resolve) =>
    process.stdout.write(`${alert.hostname}|${alert.timeNs}\n`, resolve),
  );
}
