// Exposes Falco alerts as Prometheus metrics, like falco-exporter:
//   FALCO_GRPC_ENDPOINT=unix:///run/falco/falco.sock node index.mjs
// then scrape http://127.0.0.1:9376/metrics. Settings (environment):
//   FALCO_GRPC_ENDPOINT, FALCO_GRPC_CA/CERT/KEY  where Falco is (see @falco-sdk/client)
//   METRICS_HOST (127.0.0.1), METRICS_PORT (9376; 0 picks a free port)
import { createServer } from "node:http";
import { createFalcoClient } from "@falco-sdk/client";
import { collectDefaultMetrics, Registry } from "prom-client";
import { createFalcoMetrics } from "./falco-events-metric.mjs";

const registry = new Registry();
collectDefaultMetrics({ register: registry });
const metrics = createFalcoMetrics(registry);

const falco = createFalcoClient();
const server = createServer(async (req, res) => {
  if (req.url !== "/metrics") {
    res.writeHead(404).end("see /metrics\n");
    return;
  }
  res.writeHead(200, { "Content-Type": registry.contentType });
  res.end(await registry.metrics());
});
server.listen(Number(process.env.METRICS_PORT ?? 9376), process.env.METRICS_HOST ?? "127.0.0.1");
server.once("listening", () => {
  const { address, port } = server.address();
  console.log(`falco metrics on http://${address}:${port}/metrics (Falco at ${falco.endpoint})`);
});

const shutdown = new AbortController();
for (const signal of ["SIGINT", "SIGTERM"]) process.once(signal, () => shutdown.abort());

(async () => {
  for await (const status of falco.status()) {
    metrics.status(status);
    if (status.type === "disconnected") console.error(`falco: ${status.error.message}`);
  }
})();

try {
  for await (const alert of falco.subscribe({ signal: shutdown.signal })) metrics.count(alert);
} catch (error) {
  if (!shutdown.signal.aborted) {
    console.error(`falco: ${error.message}`);
    process.exitCode = 1;
  }
} finally {
  await falco.close();
  server.close();
}
