// pnpm bench (in packages/http): alerts/s accepted by the receiver on one core
// over keep-alive, against a bare node:http server that parses nothing.
// BENCH_SECONDS (default 5) per measurement. BENCH_QUICK=1 (the short mode CI runs,
// `pnpm bench:short` at the root) measures 1 s each: it proves the benchmark runs,
// its figures mean little.
import { fork } from "node:child_process";
import { Agent, request } from "node:http";
import { fileURLToPath } from "node:url";

const quick = process.env.BENCH_QUICK === "1";
const seconds = Number(process.env.BENCH_SECONDS ?? (quick ? 1 : 5));
const body = JSON.stringify({
  hostname: "web-1",
  output: "16:17:57.881781397: Warning A shell was spawned in a container (user=root)",
  output_fields: { "container.id": "bfb9637a47a6", "proc.cmdline": "bash", "user.loginuid": 0 },
  priority: "Warning",
  rule: "Terminal shell in container",
  source: "syscall",
  tags: ["container", "mitre_execution", "shell"],
  time: "2022-05-01T23:29:32.918828894Z",
});

async function measure(kind) {
  const child = fork(fileURLToPath(new URL("server-process.mjs", import.meta.url)), [kind]);
  const { url } = await new Promise((resolve) => child.once("message", resolve));
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  const post = () =>
    new Promise((resolve, reject) => {
      const req = request(
        url,
        { method: "POST", agent, headers: { "Content-Type": "application/json" } },
        (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode));
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  const until = performance.now() + seconds * 1000;
  let sent = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (performance.now() < until) {
        if ((await post()) !== 204) throw new Error("refused");
        sent++;
      }
    }),
  );
  const rate = Math.round(sent / ((performance.now() - t0) / 1000));
  child.send("consumed");
  const { consumed } = await new Promise((resolve) => child.once("message", resolve));
  agent.destroy();
  child.kill();
  return { rate, sent, consumed };
}

const receiver = await measure("receiver");
const baseline = await measure("baseline");
console.log(
  `receiver: ${receiver.rate} alerts/s accepted (${receiver.sent} sent, ${receiver.consumed} consumed)`,
);
console.log(`baseline (bare node:http, 204, no parsing): ${baseline.rate} requests/s`);
console.log(`receiver / baseline: ${(receiver.rate / baseline.rate).toFixed(2)}`);
