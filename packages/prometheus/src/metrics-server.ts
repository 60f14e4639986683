import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { hostForUrl } from "@falco-sdk/core";
import { Registry } from "prom-client";
import { MetricsListenError } from "./errors.js";

/** Where an HTTP listener binds. */
export interface ListenAddress {
  /** @default "127.0.0.1" (loopback: set "0.0.0.0" or "::" for a remote Prometheus) */
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port: number;
}

/** What a running listener serves from. */
export interface MetricsRoutes {
  /** Path of the metrics, e.g. "/metrics"; undefined on a probes-only listener. */
  readonly path?: string;
  readonly registries: readonly Registry[];
  readonly ready: () => boolean;
}

/** A running HTTP listener. */
export interface Listener {
  /** Base URL, e.g. `http://127.0.0.1:9376`. */
  readonly url: string;
  close(): Promise<void>;
}

function respond(req: IncomingMessage, res: ServerResponse, routes: MetricsRoutes): void {
  const path = new URL(req.url ?? "/", "http://exporter").pathname;
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { Allow: "GET, HEAD" }).end("only GET and HEAD\n");
    return;
  }
  if (path === "/liveness") {
    res.writeHead(204).end();
    return;
  }
  if (path === "/readiness") {
    if (routes.ready()) res.writeHead(204).end();
    else res.writeHead(503, { "Content-Type": "text/plain" }).end("not connected to Falco\n");
    return;
  }
  if (routes.path === undefined || path !== routes.path) {
    const where = routes.path ? `${routes.path}, ` : "";
    res.writeHead(404, { "Content-Type": "text/plain" }).end(`see ${where}/liveness, /readiness\n`);
    return;
  }
  const merged = Registry.merge([...routes.registries]);
  merged.metrics().then(
    (text) => {
      res.writeHead(200, { "Content-Type": merged.contentType });
      res.end(req.method === "HEAD" ? undefined : text);
    },
    (error: unknown) => {
      res.writeHead(500, { "Content-Type": "text/plain" });
      res.end(`collecting metrics failed: ${error instanceof Error ? error.message : error}\n`);
    },
  );
}

/**
 * Serves `routes.path` (every registry merged), `/liveness` (always 204) and `/readiness`
 * (204 while `ready()`, else 503), as falco-exporter did.
 *
 * @throws MetricsListenError when the address cannot be bound.
 */
export async function listen(address: ListenAddress, routes: MetricsRoutes): Promise<Listener> {
  const host = address.host ?? "127.0.0.1";
  const server: Server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    try {
      respond(req, res, routes);
    } catch (error) {
      res.writeHead(500).end(`${error instanceof Error ? error.message : error}\n`);
    }
  });
  const shown = hostForUrl(host);
  await new Promise<void>((resolve, reject) => {
    server.once("error", (cause) =>
      reject(new MetricsListenError(`${shown}:${address.port}`, { cause })),
    );
    server.listen(address.port, host, () => resolve());
  });
  server.on("error", () => {}); // after listening: per-connection failures are not ours to crash on
  const bound = server.address();
  const port = typeof bound === "object" && bound ? bound.port : address.port;
  return {
    url: `http://${shown}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
