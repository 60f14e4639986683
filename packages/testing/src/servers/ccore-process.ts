import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { CCORE_INSTALL_HINT, CCoreProcessError, CCoreUnavailableError } from "./ccore-errors.js";

/** One JSON reply of the interop program (`{ id, ok, ... }`). */
export type CCoreReply = Record<string, unknown>;

/** How to run `interop/falco_server.py`. */
export interface CCoreProcessOptions {
  readonly python: string;
  readonly script: string;
  readonly protoDir: string;
  readonly stubsDir: string;
  readonly startupTimeoutMs: number;
  readonly log: ((line: string) => void) | undefined;
}

interface Pending {
  readonly resolve: (reply: CCoreReply) => void;
  readonly reject: (error: Error) => void;
}

const STDERR_LINES_KEPT = 40;

/** Children still running, killed if the Node process exits without disposing them. */
const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const child of live) child.kill("SIGKILL");
  });
}

/**
 * The Python interop program as a child process, driven by newline-delimited
 * JSON on its stdin/stdout. Closing its stdin ends it, so it never outlives us.
 */
export class CCoreProcess {
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, Pending>();
  readonly #stderr: string[] = [];
  readonly #log: ((line: string) => void) | undefined;
  #nextId = 1;
  #exitError: Error | undefined;
  /** Settles when the process has exited (never rejects). */
  readonly exited: Promise<void>;

  private constructor(child: ChildProcess, log: ((line: string) => void) | undefined) {
    this.#child = child;
    this.#log = log;
    this.exited = new Promise((resolve) => child.once("close", () => resolve()));
  }

  /** Spawns the program and waits until it has generated its stubs and is ready for commands. */
  static async spawn(options: CCoreProcessOptions): Promise<CCoreProcess> {
    installExitHook();
    const child = spawn(
      options.python,
      ["-u", options.script, "--proto-dir", options.protoDir, "--stubs-dir", options.stubsDir],
      // No __pycache__ next to the installed interop/*.py.
      { stdio: ["pipe", "pipe", "pipe"], env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" } },
    );
    live.add(child);
    // A write to a dead process (EPIPE) surfaces through `close` instead.
    for (const stream of [child.stdin, child.stdout, child.stderr]) stream?.on("error", () => {});
    child.once("close", () => live.delete(child));
    const proc = new CCoreProcess(child, options.log);
    try {
      await proc.#waitReady(options);
    } catch (error) {
      await proc.kill();
      throw error;
    }
    proc.#setRef(false);
    return proc;
  }

  /** The process id (for logs). */
  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** Sends one command and resolves with its reply; rejects if the program refuses it or exits. */
  request(cmd: string, args: Record<string, unknown> = {}): Promise<CCoreReply> {
    if (this.#exitError) return Promise.reject(this.#exitError);
    const id = this.#nextId++;
    const line = `${JSON.stringify({ ...args, id, cmd })}\n`;
    return new Promise<CCoreReply>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#setRef(true);
      (this.#child.stdin as Writable).write(line);
    });
  }

  /** Kills the program (SIGKILL) and waits for it to be gone. */
  async kill(): Promise<void> {
    this.#setRef(true); // keep Node alive until the process is gone
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      this.#child.kill("SIGKILL");
    }
    await this.exited;
  }

  /** The last lines the program wrote to stderr. */
  stderrTail(): string {
    return this.#stderr.join("\n");
  }

  #waitReady(options: CCoreProcessOptions): Promise<void> {
    const child = this.#child;
    return new Promise<void>((resolve, reject) => {
      let fatal: CCoreReply | undefined;
      const timer = setTimeout(() => {
        reject(
          new CCoreProcessError(
            `the C-core interop server did not start within ${options.startupTimeoutMs} ms. ` +
              `stderr:\n${this.stderrTail()}`,
          ),
        );
      }, options.startupTimeoutMs);
      const done = (error?: Error): void => {
        clearTimeout(timer);
        if (error) reject(error);
        else resolve();
      };
      child.once("error", (error: NodeJS.ErrnoException) => {
        const missing = error.code === "ENOENT" || error.code === "EACCES";
        done(
          missing
            ? new CCoreUnavailableError(
                `cannot run ${options.python} (${error.code}): the C-core interop server needs ` +
                  `Debian's Python with gRPC; ${CCORE_INSTALL_HINT}, or pass \`python\`.`,
                { cause: error },
              )
            : new CCoreProcessError(`cannot start ${options.python}: ${error.message}`, {
                cause: error,
              }),
        );
      });
      createInterface({ input: child.stderr as Readable }).on("line", (line) => {
        this.#stderr.push(line);
        if (this.#stderr.length > STDERR_LINES_KEPT) this.#stderr.shift();
        this.#log?.(line);
      });
      createInterface({ input: child.stdout as Readable }).on("line", (line) => {
        let doc: CCoreReply;
        try {
          doc = JSON.parse(line) as CCoreReply;
        } catch {
          this.#log?.(line);
          return;
        }
        if (doc.event === "ready") done();
        else if (doc.event === "fatal") fatal = doc;
        else this.#settle(doc);
      });
      child.once("close", (code, signal) => {
        const error =
          fatal?.kind === "missing-module"
            ? new CCoreUnavailableError(
                `${options.python} has no Python module '${String(fatal.module)}': the C-core ` +
                  `interop server needs gRPC's C core for Python; ${CCORE_INSTALL_HINT}.`,
              )
            : new CCoreProcessError(
                `the C-core interop server exited (${signal ?? `code ${code}`}). ` +
                  `stderr:\n${this.stderrTail()}`,
              );
        this.#exitError = error;
        done(error);
        for (const pending of this.#pending.values()) pending.reject(error);
        this.#pending.clear();
      });
    });
  }

  #settle(doc: CCoreReply): void {
    const id = typeof doc.id === "number" ? doc.id : -1;
    const pending = this.#pending.get(id);
    if (!pending) {
      this.#log?.(`unexpected reply: ${JSON.stringify(doc)}`);
      return;
    }
    this.#pending.delete(id);
    if (this.#pending.size === 0) this.#setRef(false);
    if (doc.ok === true) pending.resolve(doc);
    else pending.reject(new CCoreProcessError(`interop server refused: ${String(doc.error)}`));
  }

  /** Keeps Node's event loop alive only while a reply is awaited. */
  #setRef(ref: boolean): void {
    const child = this.#child;
    const handles = [child.stdout, child.stderr, child.stdin] as unknown as {
      ref?: () => void;
      unref?: () => void;
    }[];
    for (const handle of handles) {
      if (ref) handle.ref?.();
      else handle.unref?.();
    }
    if (ref) child.ref();
    else child.unref();
  }
}
