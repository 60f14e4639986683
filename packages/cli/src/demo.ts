// The README's first command: starts the built-in Falco-compatible server as
// a real process, runs `falco-alerts tail` against it, and exits by itself.
//   npm run demo                 (from the repository root)
//   npm run demo -- --seconds 10 --rate 50
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const bin = fileURLToPath(new URL("bin.js", import.meta.url));

function options(): { seconds: number; rate: number } {
  try {
    const { values } = parseArgs({
      options: {
        seconds: { type: "string", default: "5" },
        rate: { type: "string", default: "20" },
      },
    });
    const seconds = Number(values.seconds);
    const rate = Number(values.rate);
    if (seconds > 0 && rate > 0) return { seconds, rate };
    throw new Error("--seconds and --rate take positive numbers");
  } catch (error) {
    process.stderr.write(
      `demo: ${(error as Error).message}\nusage: npm run demo -- [--seconds 5] [--rate 20]\n`,
    );
    process.exit(2);
  }
}

const exited = (child: ChildProcess): Promise<number> =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve(child.exitCode ?? 1)
    : new Promise((resolve) => child.once("exit", (code) => resolve(code ?? 1)));

const { seconds, rate } = options();
const dir = mkdtempSync(join(tmpdir(), "falco-demo-"));
const socket = join(dir, "falco.sock");
let tail: ChildProcess | undefined;
let interrupted = false;

const server = spawn(
  process.execPath,
  [bin, "serve", "--socket", socket, "--rate", String(rate), "--seed", "42"],
  { stdio: ["ignore", "pipe", "inherit"] },
);
// Last resort if something below throws: never leave the server or the socket behind.
process.on("exit", () => {
  server.kill("SIGTERM");
  rmSync(dir, { recursive: true, force: true });
});
// Ctrl-C: let tail print its summary, then clean up as usual.
process.on("SIGINT", () => {
  interrupted = true;
  tail?.kill("SIGINT");
});

await new Promise<void>((resolve, reject) => {
  let out = "";
  server.stdout?.on("data", (chunk: Buffer) => {
    out += chunk;
    if (out.includes("listening on")) resolve();
  });
  server.once("exit", (code) => reject(new Error(`the demo server exited with ${code}`)));
});
const command = `falco-alerts tail -e unix://${socket} --duration ${seconds} --summary`;
process.stdout.write(
  `Built-in Falco-compatible server on unix://${socket} (${rate} alerts/s, no Falco needed).\n` +
    `Running: ${command}\n\n`,
);
tail = spawn(
  process.execPath,
  [bin, "tail", "-e", `unix://${socket}`, "--duration", String(seconds), "--summary"],
  { stdio: "inherit" },
);
const code = await exited(tail);
server.kill("SIGTERM");
await exited(server);
const leftover = existsSync(socket);
rmSync(dir, { recursive: true, force: true });
// `npm run demo` runs this from packages/cli; INIT_CWD is where the user typed it.
const here = process.env.INIT_CWD ?? process.cwd();
const runBin = `node ${relative(here, bin) || bin}`;
const clone = relative(here, fileURLToPath(new URL("../../..", import.meta.url))) || ".";
process.stdout.write(
  `\nDemo done (tail exited ${code}${leftover ? "; the server left its socket behind" : ""}).\n` +
    "Next, the falco-alerts command from this clone (not on the npm registry):\n" +
    `  ${runBin} --help\n` +
    `or on PATH (README.md, "falco-alerts from a clone"), from ${clone === "." ? "here" : clone}:\n` +
    "  npm run pack && npm install -g ./dist-packages/*.tgz\n",
);
process.exitCode = interrupted ? 130 : code;
