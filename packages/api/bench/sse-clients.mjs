// The clients of the SSE benchmark, in their own process: CLIENTS connections to URL, each
// reads until it has ALERTS alert events; the delivery latency of each (now minus the
// `bench.sent_ms` the producer put in the alert) is collected. Prints one JSON line.
import { request } from "node:http";

const [url, clientsText, alertsText] = process.argv.slice(2);
const CLIENTS = Number(clientsText);
const ALERTS = Number(alertsText);
const now = () => performance.timeOrigin + performance.now();
const latencies = [];
const SENT = /"bench\.sent_ms":([0-9.]+)/g;
let done = 0;
let connected = 0;

function client() {
  const req = request(url, (res) => {
    if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}`);
    if (++connected === CLIENTS) process.stdout.write("connected\n");
    res.setEncoding("utf8");
    let buffered = "";
    let got = 0;
    res.on("data", (chunk) => {
      const t = now();
      buffered += chunk;
      const end = buffered.lastIndexOf("\n\n");
      if (end < 0) return;
      const complete = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      for (const m of complete.matchAll(SENT)) {
        latencies.push(t - Number(m[1]));
        if (++got === ALERTS) {
          res.destroy();
          if (++done === CLIENTS) report();
          return;
        }
      }
    });
  });
  req.end();
}

function report() {
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  process.stdout.write(
    `${JSON.stringify({ count: latencies.length, p50: at(0.5), p99: at(0.99), max: latencies[latencies.length - 1] })}\n`,
  );
  process.exit(0);
}

for (let i = 0; i < CLIENTS; i++) client();
