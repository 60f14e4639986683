// The baseline of the relay's http_output path: what users do without a relay, the
// @falco-sdk/http receiver with one consumer in its own process.
// IPC: {type:"ready", url};
//   {type:"expect", count} -> {ms}: once `count` more alerts were consumed, the time since asked;
//   {type:"latency", count} -> {samples}: for the next `count` alerts, receipt minus the alert's
//     time (the poster stamps it when it makes the alert), in ms;
//   {type:"stats"} -> {cpu}.
import { createHttpAlertReceiver } from "@falco-sdk/http";

const receiver = await createHttpAlertReceiver({ port: 0, maxQueuedAlerts: 1_000_000 });
const nowNs = () => BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));
let consumed = 0;
let waiter;
(async () => {
  for await (const alert of receiver.alerts()) {
    consumed++;
    waiter?.(alert);
  }
})();

process.on("message", (msg) => {
  if (msg.type === "expect") {
    const t0 = performance.now();
    const until = consumed + msg.count;
    waiter = () => {
      if (consumed < until) return;
      waiter = undefined;
      process.send({ id: msg.id, ms: performance.now() - t0 });
    };
  } else if (msg.type === "latency") {
    const samples = [];
    waiter = (alert) => {
      samples.push(Number(nowNs() - alert.timeNs) / 1e6);
      if (samples.length < msg.count) return;
      waiter = undefined;
      process.send({ id: msg.id, samples });
    };
  } else if (msg.type === "stats") {
    const { user, system } = process.cpuUsage();
    process.send({ id: msg.id, cpu: user + system });
  }
});
process.on("disconnect", async () => {
  await receiver.close();
  process.exit(0);
});
process.send({ type: "ready", url: receiver.url });
