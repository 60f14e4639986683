// The real @falco-sdk/api server on a real store in a temporary directory, a TCP proxy that
// can cut every connection (a network drop), and test alerts. Test code only.
import { mkdtempSync, rmSync } from "node:fs";
import { connect, createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type AlertApiServer,
  type AlertApiServerOptions,
  createAlertApiServer,
} from "@falco-sdk/api";
import { type Alert, PRIORITIES, parseAlertJson } from "@falco-sdk/core";
import { type AlertStore, type AlertStoreOptions, openAlertStore } from "@falco-sdk/store";

const cleanups: (() => Promise<void> | void)[] = [];

/** Runs every cleanup registered since the last call (afterEach). */
export async function cleanUp(): Promise<void> {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
}

/** A temporary directory removed at cleanup. */
export function tempDir(prefix = "falco-api-client-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const RULES = ["Terminal shell in container", "Write below etc", "K8s Secret Deleted"];

/** The Falco JSON of test alert `i`: its evt.num is above 2^53 and must stay exact. */
export function testAlertJson(i: number): string {
  const time = new Date(Date.UTC(2026, 11, 1) + i * 1000).toISOString().replace("Z", "000000Z");
  return `{"hostname":"node-${i % 3}","output":"alert ${i}","output_fields":{"evt.num":${9007199254740993n + BigInt(i)},"k8s.ns.name":"ns-${i % 2}"},"priority":"${PRIORITIES[i % 8]}","rule":"${RULES[i % 3]}","source":"syscall","tags":["t${i % 2}"],"time":"${time}"}`;
}

/** Test alerts `from` up to (not including) `to`. */
export function testAlerts(from: number, to: number): Alert[] {
  return Array.from({ length: to - from }, (_, k) => parseAlertJson(testAlertJson(from + k)));
}

/** A real API server on a real store; `restart()` closes both and opens them again. */
export interface ApiFixture {
  readonly dir: string;
  store: AlertStore;
  server: AlertApiServer;
  readonly url: string;
  /** Closes the server (every stream ends) and the store. */
  stop(): Promise<void>;
  /** Opens the store and the server again, on the same directory and port. */
  start(): Promise<void>;
}

/** Starts the API on a store in a new temporary directory. */
export async function startApi(
  options: Partial<AlertApiServerOptions> = {},
  storeOptions: Partial<AlertStoreOptions> = {},
): Promise<ApiFixture> {
  const dir = tempDir("falco-api-store-");
  const open = () => openAlertStore({ directory: dir, durable: false, ...storeOptions });
  let store = open();
  let server = await createAlertApiServer({ store, port: 0, ...options });
  const port = Number(new URL(server.url).port);
  let running = true;
  const fixture: ApiFixture = {
    dir,
    get store() {
      return store;
    },
    get server() {
      return server;
    },
    url: server.url,
    async stop() {
      if (!running) return;
      running = false;
      await server.close();
      store.close();
    },
    async start() {
      store = open();
      server = await createAlertApiServer({ store, ...options, port });
      running = true;
    },
  } as ApiFixture;
  cleanups.push(() => fixture.stop());
  return fixture;
}

/** A TCP proxy to `target` (`host:port`) whose `drop()` cuts every connection at once. */
export interface DropProxy {
  readonly url: string;
  /** Connections made through it so far. */
  readonly connections: number;
  /** Destroys every open connection, both sides (the server sees its client go). */
  drop(): void;
  /**
   * Cuts each connection made from now on after the server has sent it `bytes` bytes (the
   * client gets exactly that many, mid-event as it happens); undefined: never.
   */
  cutAfterBytes: number | undefined;
}

export async function dropProxy(target: string): Promise<DropProxy> {
  const { hostname, port, protocol } = new URL(target);
  const open = new Set<Socket>();
  let connections = 0;
  const proxy = { cutAfterBytes: undefined as number | undefined };
  const server: Server = createServer((client) => {
    connections++;
    const upstream = connect(Number(port), hostname);
    open.add(client);
    open.add(upstream);
    const close = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on("error", close).on("close", close);
    upstream.on("error", close).on("close", close);
    client.pipe(upstream);
    let left = proxy.cutAfterBytes ?? Number.POSITIVE_INFINITY;
    upstream.on("data", (chunk: Buffer) => {
      if (chunk.length < left) {
        left -= chunk.length;
        if (!client.write(chunk)) upstream.pause();
        return;
      }
      client.end(chunk.subarray(0, left), close);
      upstream.destroy();
    });
    client.on("drain", () => upstream.resume());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address() as { port: number };
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  );
  return {
    url: `${protocol}//127.0.0.1:${address.port}`,
    get cutAfterBytes() {
      return proxy.cutAfterBytes;
    },
    set cutAfterBytes(bytes: number | undefined) {
      proxy.cutAfterBytes = bytes;
    },
    get connections() {
      return connections;
    },
    drop() {
      for (const socket of open) socket.destroy();
      open.clear();
    },
  };
}

/** Every status event of an iterable, kept, with a wait for one that matches. */
export class StatusLog<E extends { readonly type: string }> {
  readonly events: E[] = [];
  private waiters: (() => void)[] = [];

  constructor(status: AsyncIterable<E>) {
    void (async () => {
      for await (const event of status) {
        this.events.push(event);
        for (const wake of this.waiters.splice(0)) wake();
      }
    })();
  }

  /** Resolves with the first event (from index `from`) that matches. */
  async waitFor(match: (event: E) => boolean, from = 0): Promise<E> {
    for (;;) {
      const found = this.events.slice(from).find(match);
      if (found) return found;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  count(type: string): number {
    return this.events.filter((e) => e.type === type).length;
  }
}
