// One server process (one core for its JavaScript), posted to by bench/falco-poster.mjs:
// argv[2] "baseline": a bare node:http server answering 204 once the body is read, parsing
// nothing; "receiver" / "receiver-parsed": createHttpAlertReceiver (acknowledge "received",
// the default, or "parsed") with a consumer reading every alert.
// IPC: {type:"ready", url}; {type:"stats"} -> {consumed, malformed, rejected, cpu}.
import { createServer } from "node:http";
import { createHttpAlertReceiver } from "@falco-sdk/http";

const kind = process.argv[2];
let consumed = 0;
let url;
let stats = () => ({});
if (kind === "baseline") {
  const server = createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(204).end());
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${server.address().port}/`;
} else {
  const acknowledge = kind === "receiver-parsed" ? "parsed" : "received";
  const receiver = await createHttpAlertReceiver({ port: 0, acknowledge });
  (async () => {
    for await (const _ of receiver.alerts()) consumed++;
  })();
  url = receiver.url;
  stats = () => {
    const { malformed, rejected } = receiver.stats();
    return { malformed, rejected };
  };
}
process.on("message", (msg) => {
  if (msg.type === "stats") {
    const { user, system } = process.cpuUsage();
    process.send({ id: msg.id, consumed, ...stats(), cpu: user + system });
  }
});
process.on("disconnect", () => process.exit(0));
process.send({ type: "ready", url });
