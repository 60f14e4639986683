// What the browser tests share: a real store in a temporary directory, the UI server on a free
// port, and Debian's chromium driven by playwright-core (no browser download).
import { mkdtempSync, rmSync } from "node:fs";
import { createConnection, createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Alert, parseAlertJson } from "@falco-sdk/core";
import { type AlertStore, openAlertStore } from "@falco-sdk/store";
import { type Browser, chromium } from "playwright-core";
import { type AlertUiServer, createAlertUiServer } from "../src/index.js";

/** The system chromium (scripts/ensure-system-deps.sh installs it); override with CHROMIUM_PATH. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export interface UiSession {
  readonly directory: string;
  readonly store: AlertStore;
  readonly server: AlertUiServer;
  readonly browser: Browser;
  close(): Promise<void>;
}

export async function startUiSession(): Promise<UiSession> {
  const directory = mkdtempSync(join(tmpdir(), "falco-ui-"));
  const store = openAlertStore({ directory, durable: false, checkIntervalMs: 100 });
  const server = await createAlertUiServer({ store, directory, port: 0, heartbeatMs: 1000 });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
  return {
    directory,
    store,
    server,
    browser,
    close: async () => {
      await browser.close();
      await server.close();
      store.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

let sequence = 0;

/** A Falco JSON alert; `fields` are output fields as JSON text (so big integers stay exact). */
export function alertJson(options: {
  rule?: string;
  output?: string;
  priority?: string;
  hostname?: string;
  tags?: string[];
  fields?: string;
  /** RFC 3339; default: 2026-12-05 08:00 plus one second per alert made. */
  time?: string;
}): string {
  sequence++;
  const ms = Date.UTC(2026, 11, 5, 8, 0, 0) + sequence * 1000;
  return `{"hostname":${JSON.stringify(options.hostname ?? "node-a")},"output":${JSON.stringify(
    options.output ?? `alert ${sequence}`,
  )},"output_fields":${options.fields ?? `{"proc.name":"bash"}`},"priority":${JSON.stringify(
    options.priority ?? "Warning",
  )},"rule":${JSON.stringify(options.rule ?? `Rule ${sequence}`)},"source":"syscall","tags":${JSON.stringify(
    options.tags ?? ["container"],
  )},"time":"${options.time ?? `${new Date(ms).toISOString().slice(0, 19)}.123456789Z`}"}`;
}

export function alertOf(options: Parameters<typeof alertJson>[0]): Alert {
  return parseAlertJson(alertJson(options));
}

/** A TCP proxy in front of a port whose connections a test can cut (a network drop). */
export async function startCuttableProxy(port: number): Promise<{
  readonly url: string;
  cut(): void;
  close(): Promise<void>;
}> {
  const sockets = new Set<Socket>();
  const proxy: Server = createServer((client) => {
    const upstream = createConnection(port);
    sockets.add(client).add(upstream);
    client.pipe(upstream).pipe(client);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  const address = proxy.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}/`,
    cut: () => {
      for (const socket of sockets) socket.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        proxy.close(() => resolve());
      }),
  };
}
