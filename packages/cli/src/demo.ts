// The README's first command: starts the built-in Falco-compatible server as
// a real process, runs `falco-alerts tail` against it, and exits by itself.
//   npm run demo                 (from the repository root)
//   npm run demo -- --seconds 10
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const bin = fileURLToPath(new URL("bin.js", import.meta.url));
const { values } = parseArgs({ options: { seconds: { type: "string", default: "5" } } });
const seconds = Number(values.seconds);
const dir = mkdtempSync(join(tmpdir(), "falco-demo-"));
const socket = join(dir, "falco.sock");

const server = spawn(
  process.execPath,
  [bin, "serve", "--socket", socket, "--rate", "20", "--seed", "42"],
  {
    stdio: ["ignore", "pipe", "inherit"],
  },
);
const cleanup = () => {
  server.kill("SIGTERM");
  rmSync(dir, { recursive: true, force: true });
};
process.on("exit", cleanup);

await new Promise<void>((resolve, reject) => {
  server.stdout.on("data", (chunk: Buffer) => {
    if (chunk.toString().includes("listening on")) resolve();
  });
  server.once("exit", (code) => reject(new Error(`the demo server exited with ${code}`)));
});
process.stdout.write(
  `Built-in Falco-compatible server on unix://${socket} (20 alerts/s).\n` +
    `Running: falco-alerts tail -e unix://${socket} --duration ${seconds} --summary\n\n`,
);
const tail = spawn(
  process.execPath,
  [bin, "tail", "-e", `unix://${socket}`, "--duration", String(seconds), "--summary"],
  { stdio: "inherit" },
);
const code: number = await new Promise((resolve) => tail.once("exit", (c) => resolve(c ?? 1)));
server.kill("SIGTERM");
await new Promise((resolve) => server.once("exit", resolve));
const leftover = existsSync(socket);
rmSync(dir, { recursive: true, force: true });
process.stdout.write(
  `\nDemo done (tail exited ${code}${leftover ? "; server socket was left behind" : ""}). ` +
    "Next: falco-alerts --help, or see README.md for a real Falco.\n",
);
process.exitCode = code;
