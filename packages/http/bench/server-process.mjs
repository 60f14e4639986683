// One server process (one core for JavaScript): the receiver with a consumer
// reading every alert, or a bare node:http server answering 204 (the baseline).
import { createServer } from "node:http";
import { createHttpAlertReceiver } from "@falco-sdk/http";

const kind = process.argv[2];
let consumed = 0;
let url;
if (kind === "receiver") {
  const receiver = await createHttpAlertReceiver({ port: 0 });
  (async () => {
    for await (const _ of receiver.alerts()) consumed++;
  })();
  url = receiver.url;
} else {
  const server = createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(204).end());
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${server.address().port}/`;
}
process.on("message", (msg) => {
  if (msg === "consumed") process.send({ consumed });
});
process.send({ url });
