// A fleet consumer as its own process, for tests that kill it mid-batch.
// env: NATS_URL, DURABLE, ACK_WAIT_MS, and STALL_AT (optional): on taking its STALL_AT-th alert,
// before handling it, it says `stalling` on stderr and stops itself (SIGSTOP), as a starved
// process would, holding that alert (and whatever it fetched ahead) unacknowledged.
// Prints `hostname|timeNs` of each alert it has handled.
import { subscribeFleet } from "../dist/index.js";

const sub = subscribeFleet({
  servers: process.env.NATS_URL,
  durable: process.env.DURABLE,
  start: "all",
  ackWaitMs: Number(process.env.ACK_WAIT_MS),
  maxBufferedAlerts: 10,
});
const stallAt = Number(process.env.STALL_AT ?? 0);
let taken = 0;
for await (const alert of sub) {
  taken += 1;
  if (taken === stallAt) {
    await new Promise((resolve) => process.stderr.write("stalling\n", resolve));
    process.kill(process.pid, "SIGSTOP"); // returns once the test sends SIGCONT
  }
  // Handled: written out before the loop asks for the next one (which acks this one).
  await new Promise((resolve) =>
    process.stdout.write(`${alert.hostname}|${alert.timeNs}\n`, resolve),
  );
}
