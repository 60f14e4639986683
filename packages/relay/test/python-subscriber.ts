// Drives test/grpc_subscriber.py (gRPC C core through Debian's python3-grpcio) from the tests.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const interopDir = join(dirname(require.resolve("@falco-sdk/testing/package.json")), "interop");
const protoDir = join(here, "..", "..", "..", "proto");
// Private to this process: a directory of a predictable name could be another user's.
const stubsDir = join(mkdtempSync(join(tmpdir(), "falco-sdk-relay-stubs-")), "stubs");

/** One line the subscriber printed. */
export type SubscriberLine = Record<string, unknown>;

export interface PythonSubscriberOptions {
  /** grpc target: `unix:///path` or `127.0.0.1:port`. */
  readonly target: string;
  readonly mode?: "sub" | "get" | "version";
  /** Seconds between two `sub` requests (client-go: 1, client-py: 0.1). */
  readonly pollInterval?: number;
  /** Stop (and print {"done": N}) after this many alerts. */
  readonly count?: number;
  readonly stopReadingAfter?: number;
  readonly stopPollingAfter?: number;
  readonly tls?: { readonly ca: string; readonly cert?: string; readonly key?: string };
}

export interface PythonSubscriber {
  /** Resolves with the next line whose key `key` is present (earlier lines are kept in `alerts`). */
  until(key: string): Promise<SubscriberLine>;
  /** Alert lines received so far. */
  readonly alerts: SubscriberLine[];
  /** Cancels the call and waits for the process to exit. */
  quit(): Promise<void>;
  readonly process: ChildProcess;
}

export function startPythonSubscriber(options: PythonSubscriberOptions): PythonSubscriber {
  const args = [
    "-u",
    join(here, "grpc_subscriber.py"),
    "--target",
    options.target,
    "--mode",
    options.mode ?? "sub",
    "--poll-interval",
    String(options.pollInterval ?? 1),
    "--count",
    String(options.count ?? 0),
    "--stop-reading-after",
    String(options.stopReadingAfter ?? -1),
    "--stop-polling-after",
    String(options.stopPollingAfter ?? -1),
    "--interop-dir",
    interopDir,
    "--proto-dir",
    protoDir,
    "--stubs-dir",
    stubsDir,
  ];
  if (options.tls) {
    args.push("--ca", options.tls.ca);
    if (options.tls.cert) args.push("--cert", options.tls.cert);
    if (options.tls.key) args.push("--key", options.tls.key);
  }
  const child = spawn("/usr/bin/python3", args, { stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const alerts: SubscriberLine[] = [];
  const others: SubscriberLine[] = [];
  let wake: (() => void) | undefined;
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.once("exit", () => {
      exited = true;
      wake?.();
      resolve();
    });
  });
  createInterface({ input: child.stdout }).on("line", (line) => {
    const doc = JSON.parse(line) as SubscriberLine;
    if ("rule" in doc) alerts.push(doc);
    else others.push(doc);
    wake?.();
  });
  return {
    alerts,
    process: child,
    async until(key) {
      for (;;) {
        const index = others.findIndex((doc) => key in doc);
        if (index >= 0) return others.splice(index, 1)[0] as SubscriberLine;
        if (exited) {
          throw new Error(`python subscriber exited before printing "${key}": ${stderr}`);
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    },
    async quit() {
      if (!exited) {
        child.stdin.end("quit\n");
      }
      await exit;
    },
  };
}
