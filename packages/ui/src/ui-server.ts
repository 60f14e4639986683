import { createServer as createHttpServer, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { isLoopbackHost } from "@falco-sdk/api";
import { ConfigurationError, hostForUrl } from "@falco-sdk/core";
import { type AlertUiOptions, createAlertUi } from "./alert-ui.js";

/** Options of {@link createAlertUiServer}. */
export interface AlertUiServerOptions extends Omit<AlertUiOptions, "tls"> {
  /** Address to listen on. Any other than loopback needs `tls`. @default "127.0.0.1" */
  readonly host?: string;
  /** Port (0: any free one). @default 2802 */
  readonly port?: number;
  /** Serve HTTPS with this certificate and key (PEM). @default none: plain HTTP, loopback only */
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer };
}

/** A running UI server. */
export interface AlertUiServer {
  /** `http://127.0.0.1:2802/` (or https). */
  readonly url: string;
  /** A new one-time login link: `<url>login#token=...`. */
  loginUrl(): string;
  /** Stops listening and ends every open stream. */
  close(): Promise<void>;
}

/**
 * Serves the web UI. Without TLS it listens on loopback only: on any other address the page,
 * its login link and its session cookie would cross the network in clear.
 * @throws ConfigurationError for a non-loopback `host` without `tls`.
 */
export async function createAlertUiServer(options: AlertUiServerOptions): Promise<AlertUiServer> {
  const host = options.host ?? "127.0.0.1";
  if (!options.tls && !isLoopbackHost(host)) {
    throw new ConfigurationError(
      `the UI on ${host} would send the login link and session cookie in clear: give tls ` +
        "(a certificate and key) or listen on a loopback host such as 127.0.0.1",
      {
        namedOptions: [
          { api: "createAlertUiServer", name: "tls" },
          { api: "createAlertUiServer", name: "host" },
        ],
      },
    );
  }
  const ui = createAlertUi({ ...options, tls: options.tls !== undefined });
  const server: Server = options.tls
    ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key })
    : createHttpServer();
  server.on("request", (req, res) => void ui.handle(req, res));
  server.on("clientError", (_error, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 2802, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `${options.tls ? "https" : "http"}://${hostForUrl(host)}:${port}/`;
  return {
    url,
    loginUrl: () => `${url}login#token=${ui.issueLoginToken()}`,
    close: () =>
      new Promise<void>((resolve) => {
        ui.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
