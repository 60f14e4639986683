import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFalcoClient } from "@falco-sdk/client";
import { startCppServer } from "./falco-cpp-server.mjs";

const server = await startCppServer(mkdtempSync(join(tmpdir(), "fb-")));
const falco = createFalcoClient({ endpoint: server.endpoint });
const mode = process.argv[2];
const N = 200000;
for (let r = 0; r < 3; r++) {
  await server.ask(`queue ${N}`);
  const t0 = performance.now();
  let got = 0;
  if (mode === "sub") {
    for await (const _ of falco.subscribe()) if (++got === N) break;
  } else for await (const _ of falco.get()) got++;
  console.log(mode, Math.round((N / (performance.now() - t0)) * 1000));
}
await falco.close();
await server.stop();
