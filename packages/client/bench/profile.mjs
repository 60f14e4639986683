// pnpm run bench:profile (in packages/client): where the client's time goes while
// subscribe() or get() drains a backlog from the benchmark's C++ server. Runs the
// drain under `node --cpu-prof` in a child process, then sums the profile's
// self time by category. BENCH_ALERTS (default 200000) per round, 3 rounds.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const CATEGORIES = [
  ["idle (waiting for the server)", (_url, fn) => fn === "(idle)"],
  ["garbage collector", (_url, fn) => fn === "(garbage collector)"],
  [
    "protobuf decoding",
    (url, fn) =>
      /response-decoder|ascii-string-cache|output-field-order|@bufbuild/.test(url) ||
      ["utf8Slice", "decodeUTF8", "latin1Slice"].includes(fn) ||
      (url === "node:buffer" && ["slice", "toString", "getEncodingOps"].includes(fn)) ||
      url === "node:internal/encoding",
  ],
  [
    "Alert conversion and filters",
    (url) => /alert-wire|wire-enums|alert-time|alert-filter/.test(url),
  ],
  [
    "per-message promises and async iteration",
    (url, fn) =>
      /alert-stream|alert-buffer|subscription|get-alerts|falco-client|bench\/profile/.test(url) ||
      ["runMicrotasks", "processTicksAndRejections", "nextTick"].includes(fn) ||
      url.includes("task_queues") ||
      url.includes("process/promises"),
  ],
  [
    "transport (HTTP/2, streams, gRPC framing)",
    (url, fn) =>
      /connect-node|@connectrpc|grpc-stream|envelope-splitter|streams\/|stream_base_commons|http2|node:net|node:internal\/buffer/.test(
        url,
      ) || ["onStreamRead", "readStart", "FastBuffer", "subarray"].includes(fn),
  ],
];

function summarize(file) {
  const profile = JSON.parse(readFileSync(file, "utf8"));
  const selfTime = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    selfTime.set(id, (selfTime.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const totals = new Map(CATEGORIES.map(([name]) => [name, 0]));
  let other = 0;
  let all = 0;
  for (const node of profile.nodes) {
    const t = selfTime.get(node.id) ?? 0;
    all += t;
    const { url, functionName } = node.callFrame;
    const category = CATEGORIES.find(([, match]) => match(url, functionName || "(anonymous)"));
    if (category) totals.set(category[0], totals.get(category[0]) + t);
    else other += t;
  }
  totals.set("other (start-up, bench set-up)", other);
  return { totals, all };
}

if (process.argv[2] === "--child") {
  const { mkdtempSync: mk } = await import("node:fs");
  const { createFalcoClient } = await import("@falco-sdk/client");
  const { startCppServer } = await import("./falco-cpp-server.mjs");
  const mode = process.argv[3];
  const N = Number(process.env.BENCH_ALERTS ?? 200_000);
  const server = await startCppServer(mk(join(tmpdir(), "falco-profile-")));
  const falco = createFalcoClient({ endpoint: server.endpoint });
  for (let round = 0; round < 3; round++) {
    while ((await server.ask("stats")).calls > 0) await new Promise((r) => setTimeout(r, 10));
    await server.ask(`queue ${N}`);
    const t0 = performance.now();
    let got = 0;
    if (mode === "subscribe") {
      for await (const _ of falco.subscribe()) if (++got === N) break;
    } else {
      for await (const _ of falco.get()) got++;
    }
    console.log(
      `  ${mode}() round ${round + 1}: ${Math.round((N / (performance.now() - t0)) * 1000)} alerts/s`,
    );
  }
  await falco.close();
  await server.stop();
} else {
  for (const mode of ["subscribe", "get"]) {
    const dir = mkdtempSync(join(tmpdir(), "falco-cpuprof-"));
    const self = fileURLToPath(import.meta.url);
    process.stdout.write(
      execFileSync(
        process.execPath,
        ["--cpu-prof", `--cpu-prof-dir=${dir}`, self, "--child", mode],
        {
          encoding: "utf8",
          stdio: ["ignore", "pipe", "inherit"],
        },
      ),
    );
    const file = join(
      dir,
      readdirSync(dir).find((f) => f.endsWith(".cpuprofile")),
    );
    const { totals, all } = summarize(file);
    const busy = all - totals.get(CATEGORIES[0][0]);
    console.log(
      `${mode}(): share of the client's busy time (idle: ${((100 * totals.get(CATEGORIES[0][0])) / all).toFixed(1)}% of all)`,
    );
    for (const [name, t] of totals) {
      if (name === CATEGORIES[0][0]) continue;
      console.log(`  ${((100 * t) / busy).toFixed(1).padStart(5)}%  ${name}`);
    }
    rmSync(dir, { recursive: true, force: true });
  }
}
