// Helpers of the end-to-end specs: falco-alerts as a real process.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll } from "vitest";

export const bin = fileURLToPath(new URL("../dist/bin.js", import.meta.url));
export const demo = fileURLToPath(new URL("../dist/demo.js", import.meta.url));

export interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface Started {
  child: ChildProcess;
  done: Promise<Result>;
  /** Resolves with the first match of `pattern` in the output so far (stdout or stderr). */
  waitFor(stream: "stdout" | "stderr", pattern: RegExp): Promise<RegExpExecArray>;
}

const children: ChildProcess[] = [];
const dirs: string[] = [];

/** Registers the hooks that fail fast without dist/ and stop every process and temp dir. */
export function useProcesses(): void {
  beforeAll(() => {
    if (!existsSync(bin))
      throw new Error(`${bin} is missing: run \`pnpm --filter @falco-sdk/cli build\` first`);
  });
  afterEach(() => {
    for (const child of children.splice(0)) child.kill("SIGKILL");
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
}

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "falco-cli-"));
  dirs.push(dir);
  return dir;
}

/** falco-alerts (or another Node script of this package) as a process. */
export function start(args: string[], script = bin, env: NodeJS.ProcessEnv = {}): Started {
  return startCommand(process.execPath, [script, ...args], env);
}

/**
 * Any command as a process, with NO_COLOR=1, its own XDG_STATE_HOME and no FALCO_GRPC_* unless
 * `env` says otherwise.
 */
export function startCommand(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Started {
  // Each process its own state directory: forward's default spool is there, and two forwarders
  // may not share one.
  const merged: NodeJS.ProcessEnv = {
    ...process.env,
    NO_COLOR: "1",
    DEBUG: "",
    XDG_STATE_HOME: tempDir(),
    ...env,
  };
  delete merged.FALCO_GRPC_ENDPOINT;
  for (const [key, value] of Object.entries(merged)) if (value === undefined) delete merged[key];
  const child = spawn(command, args, { env: merged });
  children.push(child);
  const out = { stdout: "", stderr: "" };
  const waiters: (() => void)[] = [];
  const onData = (key: "stdout" | "stderr") => (d: Buffer) => {
    out[key] += d;
    for (const w of waiters.splice(0)) w();
  };
  child.stdout?.on("data", onData("stdout"));
  child.stderr?.on("data", onData("stderr"));
  // One listener wakes every waiter on exit (one per waitFor would pile up).
  child.once("exit", () =>
    setImmediate(() => {
      for (const w of waiters.splice(0)) w();
    }),
  );
  const done = new Promise<Result>((resolve) =>
    child.once("close", (code) => resolve({ code, ...out })),
  );
  const waitFor = (stream: "stdout" | "stderr", pattern: RegExp) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const check = () => {
        const m = pattern.exec(out[stream]);
        if (m) resolve(m);
        else if (child.exitCode !== null)
          reject(new Error(`exited before ${pattern}: ${out[stream]}`));
        else waiters.push(check);
      };
      check();
    });
  return { child, done, waitFor };
}

export const run = (args: string[]) => start(args).done;

/** `falco-alerts serve` as a process; resolves when it listens. */
export async function serve(
  listen?: string[],
  rate = 200,
): Promise<{ endpoint: string; hint: string; dir: string; server: Started }> {
  const dir = tempDir();
  const server = start([
    "serve",
    ...(listen ?? ["--socket", join(dir, "falco.sock")]),
    "--rate",
    String(rate),
    "--seed",
    "3",
  ]);
  const m = await server.waitFor(
    "stdout",
    /listening on (\S+)\nconnect with: falco-alerts tail (.*)\n/,
  );
  return { endpoint: m[1] ?? "", hint: m[2] ?? "", dir, server };
}
