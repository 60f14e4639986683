// Starts the benchmark's C++ Falco-like server (falco-server-cpp/server.cc, built once by
// falco-server-cpp/build.sh from Debian's gRPC C++) on a unix socket, in its own process, and
// drives it over its stdin/stdout control lines (see server.cc).
import { spawn, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { create, toBinary } from "@bufbuild/protobuf";
import { responseSchema } from "@falco-sdk/proto/outputs";
import { createAlertGenerator } from "@falco-sdk/testing/fixtures";

/** Builds the server if its sources changed; returns the binary's path. */
export function buildCppServer() {
  const script = fileURLToPath(new URL("falco-server-cpp/build.sh", import.meta.url));
  const result = spawnSync("bash", [script], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  if (result.status !== 0) throw new Error(`building the benchmark server failed (${script})`);
  return result.stdout.trim();
}

/**
 * Writes `count` realistic alerts (the project's fixtures, cycled by the server) as
 * length-prefixed serialized `falco.outputs.response` messages.
 */
function writeTemplates(path, count) {
  const parts = [];
  for (const alert of createAlertGenerator({ seed: 7 }).take(count)) {
    const bytes = toBinary(responseSchema, create(responseSchema, alert));
    const length = Buffer.alloc(4);
    length.writeUInt32LE(bytes.length);
    parts.push(length, bytes);
  }
  writeFileSync(path, Buffer.concat(parts));
}

/** Starts the server on `dir`/falco.sock; `ask(line)` sends one control line and resolves with its JSON answer. */
export async function startCppServer(dir) {
  const binary = process.env.BENCH_SERVER_BINARY || buildCppServer();
  const socketPath = join(dir, "falco.sock");
  const templates = join(dir, "alerts.bin");
  writeTemplates(templates, 1000);
  // Falco's grpc.threadiness: 0 (the default, as in Falco) is one thread per CPU.
  const threadiness = String(Number(process.env.BENCH_THREADINESS ?? 0));
  const child = spawn(binary, [socketPath, templates, threadiness], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout });
  const waiting = [];
  let ready;
  let stopping = false;
  const started = new Promise((resolve, reject) => {
    ready = resolve;
    child.once("exit", (code) => reject(new Error(`the benchmark server exited (${code})`)));
  });
  // Once started, a server that dies ends the benchmark (its questions would wait forever).
  started.then(() =>
    child.once("exit", (code, signal) => {
      if (stopping) return;
      console.error(`the benchmark server ${binary} exited (${signal ?? `code ${code}`})`);
      process.exit(1);
    }),
  );
  lines.on("line", (line) => {
    const answer = JSON.parse(line);
    if (answer.ready) ready();
    else waiting.shift()?.(answer);
  });
  await started;
  return {
    socketPath,
    endpoint: `unix://${socketPath}`,
    ask(line) {
      return new Promise((resolve) => {
        waiting.push(resolve);
        child.stdin.write(`${line}\n`);
      });
    },
    stop() {
      stopping = true;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.stdin.end();
      return exited;
    },
  };
}
