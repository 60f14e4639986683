// falco-exporter in ten lines: FALCO_GRPC_ENDPOINT=unix:///run/falco/falco.sock node index.mjs
import { createFalcoClient } from "@falco-sdk/client";
import { createPrometheusExporter } from "@falco-sdk/prometheus";

const falco = createFalcoClient({ waitForServer: true }); // FALCO_GRPC_ENDPOINT, _CA, _CERT, _KEY
const port = Number(process.env.METRICS_PORT ?? 9376); // 0 picks a free port
const [status, alerts] = [falco.status(), falco.subscribe()];
const exporter = await createPrometheusExporter({ port, status, alerts });
console.log(`falco metrics on ${exporter.url} (Falco at ${falco.endpoint})`);
for (const signal of ["SIGINT", "SIGTERM"]) process.once(signal, () => falco.close());
await exporter.done.catch((error) => console.error(`falco: ${error.message}`));
await exporter.close();
