import { mkdtempSync } from "node:fs";
import { parseAlertJson } from "@falco-sdk/client";
import { startNatsServer } from "@falco-sdk/testing/nats";
import { createNatsForwarder } from "../dist/index.js";

const nats = await startNatsServer();
await nats.stop();
const f = createNatsForwarder({
  servers: nats.url,
  waitForServer: true,
  retry: { initialDelayMs: 50, maxDelayMs: 100 },
  spool: { directory: mkdtempSync("/tmp/dbgn-"), maxBytes: 1024 * 1024, durable: false },
});
(async () => {
  for await (const e of f.status()) console.log("status", e.type, e.error?.message ?? "");
})();
async function* gen() {
  for (let i = 0; i < 8000; i++)
    yield parseAlertJson({
      hostname: "h",
      output: "o " + i,
      output_fields: { "evt.num": i },
      priority: "Warning",
      rule: "r",
      source: "syscall",
      tags: [],
      time: new Date(Date.UTC(2026, 0, 1) + i).toISOString(),
    });
}
const done = f.forward(gen());
const t = setInterval(() => console.log(JSON.stringify(f.stats())), 1000);
await new Promise((r) => setTimeout(r, 1500));
await nats.restart();
await done;
clearInterval(t);
console.log("done", f.stats());
await f.close();
await nats[Symbol.asyncDispose]();
