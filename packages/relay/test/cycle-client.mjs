// A gRPC client process for the leak test: `n` times, opens a connection and a
// `sub` (polling every 20 ms), takes one alert, cancels and closes, then waits
// for the parent's "next" before the next cycle. argv: endpoint. Messages:
// {n} starts n cycles, answered by {done}.
import { create } from "@bufbuild/protobuf";
import { createClient } from "@connectrpc/connect";
import { requestSchema, service } from "@falco-sdk/proto/outputs";
import { createTestTransport } from "@falco-sdk/testing/servers";

const [endpoint] = process.argv.slice(2);
let proceed;
process.on("message", async (msg) => {
  if (msg.type === "next") return proceed?.();
  for (let i = 0; i < msg.n; i++) {
    const next = new Promise((resolve) => {
      proceed = resolve;
    });
    const { transport, close } = createTestTransport({ endpoint });
    const abort = new AbortController();
    const requests = (async function* () {
      while (!abort.signal.aborted) {
        yield create(requestSchema);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const stream = createClient(service, transport).sub(requests, { signal: abort.signal });
    for await (const _alert of stream) break;
    abort.abort();
    close();
    await next; // the relay saw this subscriber go
  }
  process.send({ type: "done" });
});
