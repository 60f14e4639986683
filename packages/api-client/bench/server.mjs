// The bench's server: @falco-sdk/api on a store of N alerts in DIR; prints its URL when ready.
// Usage: node server.mjs DIR N
import { createAlertApiServer } from "@falco-sdk/api";
import { parseAlertJson } from "@falco-sdk/core";
import { openAlertStore } from "@falco-sdk/store";

const [directory, count] = process.argv.slice(2);
const store = openAlertStore({ directory, durable: false });
const alertJson = (i) =>
  `{"hostname":"node-${i % 20}","output":"12:00:00.000000000: Warning Shell spawned in a container (user=root n=${i})","output_fields":{"evt.num":${9007199254740993n + BigInt(i)},"k8s.ns.name":"ns-${i % 10}","proc.name":"bash","user.name":"root"},"priority":"Warning","rule":"Terminal shell in container","source":"syscall","tags":["container","shell"],"time":"2026-12-01T12:00:00.${String(i % 1e9).padStart(9, "0")}Z"}`;
for (let i = 0; i < Number(count); i += 1000) {
  const batch = [];
  for (let k = i; k < Math.min(i + 1000, Number(count)); k++)
    batch.push(parseAlertJson(alertJson(k)));
  store.append(batch);
}
const server = await createAlertApiServer({ store, port: 0 });
console.log(server.url);
process.once("SIGTERM", async () => {
  await server.close();
  store.close();
});
