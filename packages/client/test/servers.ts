// Test servers for the client's tests: the SDK's Node server and the gRPC
// C-core one (the stack Falco's C++ server runs on), behind one interface.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createAlertGenerator } from "@falco-sdk/testing/fixtures";
import { createTestPki, type TestPki } from "@falco-sdk/testing/pki";
import {
  createFalcoTestServer,
  type FalcoServer,
  type ListenOptions,
  startCCoreFalcoServer,
} from "@falco-sdk/testing/servers";
import { afterEach } from "vitest";
import type { ClientStatus, FalcoClient } from "../src/index.js";

/** Server options the client's tests vary. */
export interface ServerOptions {
  /** Falco's grpc.threadiness (threadiness x 10 calls per method are served). */
  readonly threadiness?: number;
}

export const SERVER_KINDS = [
  {
    name: "Node server",
    start: (listen: ListenOptions, options?: ServerOptions) =>
      createFalcoTestServer({ listen, ...options }),
  },
  {
    name: "C-core server",
    start: (listen: ListenOptions, options?: ServerOptions) =>
      startCCoreFalcoServer({ listen, ...options }),
  },
] as const;

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Runs `fn` after the current test, even when it fails. */
export function defer(fn: () => unknown): void {
  cleanups.push(fn);
}

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "falco-client-"));
  defer(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export async function startServer(
  start: (listen: ListenOptions, options?: ServerOptions) => Promise<FalcoServer>,
  listen?: ListenOptions,
  options?: ServerOptions,
): Promise<FalcoServer> {
  const server = await start(listen ?? { socketPath: join(tempDir(), "falco.sock") }, options);
  defer(() => server[Symbol.asyncDispose]());
  return server;
}

let pki: Promise<TestPki> | undefined;
export const testPki = () => {
  pki ??= createTestPki();
  return pki;
};

export const alerts = (count: number, seed = 1) => createAlertGenerator({ seed }).take(count);

/** Collects a client's status events from now on. */
export function recordStatus(client: FalcoClient): ClientStatus[] {
  const events: ClientStatus[] = [];
  (async () => {
    for await (const event of client.status()) events.push(event);
  })();
  return events;
}

/** Waits until `check` is true (polling), failing after `timeoutMs`. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 10_000) {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Takes `count` items from an async iterator without ending it. */
export async function take<T>(iterator: AsyncIterator<T>, count: number): Promise<T[]> {
  const out: T[] = [];
  while (out.length < count) {
    const next = await iterator.next();
    if (next.done) break;
    out.push(next.value);
  }
  return out;
}
