import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFalcoClient } from "@falco-sdk/client";
import { startCppServer } from "./falco-cpp-server.mjs";

const server = await startCppServer(mkdtempSync(join(tmpdir(), "fb-")));
const falco = createFalcoClient({ endpoint: server.endpoint });
const N = 200000;
for (let r = 0; r < 4; r++)
  for (const mode of ["sub", "get"]) {
    while ((await server.ask("stats")).calls > 0) await new Promise((r) => setTimeout(r, 10));
    await server.ask(`queue ${N}`);
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    let got = 0;
    if (mode === "sub") {
      for await (const _ of falco.subscribe()) if (++got === N) break;
    } else for await (const _ of falco.get()) got++;
    const c = process.cpuUsage(c0);
    console.log(
      mode,
      Math.round((N / (performance.now() - t0)) * 1000),
      ((c.user + c.system) / N).toFixed(2),
    );
  }
await falco.close();
await server.stop();
