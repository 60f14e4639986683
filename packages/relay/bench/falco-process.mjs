// The relay benchmark's upstream Falco: @falco-sdk/testing's Node server on a unix
// socket, in its own process so that relay, subscribers and Falco are measured apart.
// Driven over IPC by run.mjs: {type:"queue",count}, {type:"rate",ratePerSecond,durationMs},
// {type:"cpu"}, {type:"stats"}.
import { createAlertGenerator } from "@falco-sdk/testing/fixtures";
import { createFalcoTestServer } from "@falco-sdk/testing/servers";

const [socketPath] = process.argv.slice(2);
const server = await createFalcoTestServer({ listen: { socketPath } });
// 1,000 realistic alerts, cycled: generating a million would measure the generator.
const templates = createAlertGenerator({ seed: 7 }).take(1000);

function nowNs() {
  return BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));
}

function stamped(template, ns) {
  return {
    ...template,
    time: { seconds: ns / 1_000_000_000n, nanos: Number(ns % 1_000_000_000n) },
  };
}

function queue(count) {
  for (let done = 0; done < count; ) {
    const batch = [];
    for (let i = 0; i < 10_000 && done < count; i++, done++) batch.push(templates[done % 1000]);
    server.emitSync(batch);
  }
}

/** Emits at a steady rate, each alert stamped with its emission time (for latency). */
function rate(ratePerSecond, durationMs) {
  return new Promise((resolve) => {
    const start = performance.now();
    let sent = 0;
    const timer = setInterval(() => {
      const elapsed = performance.now() - start;
      const due = Math.min(
        Math.floor((elapsed / 1000) * ratePerSecond),
        (durationMs / 1000) * ratePerSecond,
      );
      const batch = [];
      for (; sent < due; sent++) batch.push(stamped(templates[sent % 1000], nowNs()));
      if (batch.length > 0) server.emitSync(batch);
      if (elapsed >= durationMs) {
        clearInterval(timer);
        resolve(sent);
      }
    }, 2);
  });
}

process.on("message", async (msg) => {
  if (msg.type === "queue") {
    queue(msg.count);
    process.send({ id: msg.id, queued: server.statsSync().queued });
  } else if (msg.type === "rate") {
    process.send({ id: msg.id, sent: await rate(msg.ratePerSecond, msg.durationMs) });
  } else if (msg.type === "cpu") {
    process.send({ id: msg.id, cpu: process.cpuUsage(), rss: process.memoryUsage().rss });
  } else if (msg.type === "stats") {
    process.send({ id: msg.id, stats: server.statsSync() });
  }
});
process.on("disconnect", async () => {
  await server.crash().catch(() => {});
  process.exit(0);
});
process.send({ type: "ready", endpoint: server.endpoint });
