import {
  createServer as createHttpServer,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { isIP } from "node:net";
import {
  type Alert,
  type AlertSubscription,
  ConfigurationError,
  compileAlertFilter,
  hostForUrl,
} from "@falco-sdk/core";
import { BoundedFanout, EventHub } from "@falco-sdk/core/internal";
import { AlertIntake } from "./alert-intake.js";
import { createPostHandler } from "./post-handler.js";
import type { HttpAlertReceiverOptions, ReceiverAlertsOptions } from "./receiver-options.js";
import { REJECT_REASONS, type ReceiverStatus, type RejectReason } from "./receiver-status.js";

/** Counters of a receiver. */
export interface ReceiverStats {
  /**
   * Alerts accepted (answered 204) and parsed. With `acknowledge: "received"` (the default),
   * `received + malformed` is the number of 204 answers.
   */
  readonly received: number;
  /**
   * Bodies answered 204 before they were parsed (`acknowledge: "received"`, the default)
   * that turned out not to be an alert: bad JSON, not a Falco alert, an empty body, bad
   * gzip or too large once inflated. Each is an alert lost, also announced by a `malformed`
   * status event. Never counted in `rejected` (they were not refused). With
   * `acknowledge: "parsed"` such bodies are refused (400 `bad-body`) instead.
   */
  readonly malformed: number;
  /** Alerts dropped because a consumer fell behind (oldest first). */
  readonly dropped: number;
  /**
   * Requests refused with a 4xx, every reason. Falco does not retry a refused POST: each is an
   * alert that may be lost.
   */
  readonly rejected: number;
  /** Requests refused so far, by reason (every reason, 0 when none). */
  readonly rejectedByReason: Readonly<Record<RejectReason, number>>;
  /** Alerts waiting for consumers now. */
  readonly queued: number;
  /** `alerts()` subscriptions open now (each has its own queue of `maxQueuedAlerts`). */
  readonly consumers: number;
}

/** A running receiver of Falco's HTTP output. */
export interface HttpAlertReceiver extends AsyncDisposable {
  /** Where to point `http_output.url`, e.g. `http://127.0.0.1:2801/`. */
  readonly url: string;
  /**
   * Every alert received from now on (each call gets all of them: fan-out), from its own queue
   * of `maxQueuedAlerts`: core's `AlertSubscription` (one loop each; `pending`, `closed`,
   * `unsubscribe()`, `await using`, its own `status()` of `dropped` and `closed` events).
   * `close()` ends it as `"completed"` once its loop has taken what was queued.
   */
  alerts(options?: ReceiverAlertsOptions): AlertSubscription;
  /**
   * A new iterable of the receiver's events from now on (`listening`, `dropped`, `malformed`,
   * `rejected`, `closed`); it ends after `closed`. A reader that does not keep up loses its
   * oldest events beyond 100, never slowing the receiver.
   */
  status(): AsyncIterable<ReceiverStatus>;
  /** A snapshot of the receiver's counters (totals since it was created, `queued` and `consumers` now). */
  stats(): ReceiverStats;
  /** Stops listening and ends every `alerts()` iteration. */
  close(): Promise<void>;
}

const isLoopback = (host: string) =>
  host === "localhost" || host === "::1" || (isIP(host) === 4 && host.startsWith("127."));

function checkSecurity(host: string, options: HttpAlertReceiverOptions): void {
  if (isLoopback(host) || options.tls || options.sharedSecret) return;
  if (options.insecureAllowUnauthenticatedRemote) return;
  throw new ConfigurationError(
    `refusing to listen on ${host} without TLS or a shared secret: anyone reaching the port could ` +
      "inject alerts. Set tls (with tls.ca for mutual TLS, which Falco's http_output.mtls " +
      "supports), sharedSecret (Falcosidekick customheaders), or " +
      "insecureAllowUnauthenticatedRemote: true.",
    {
      namedOptions: [
        "tls",
        "tls.ca",
        "sharedSecret",
        "insecureAllowUnauthenticatedRemote: true",
      ].map((name) => ({ api: "createHttpAlertReceiver", name })),
    },
  );
}

/**
 * Starts an HTTP(S) server that accepts Falco's alert POSTs (`http_output`, one alert per
 * request, JSON or text) and Falcosidekick's webhook, and yields them as `Alert` objects.
 *
 * @throws ConfigurationError for an unauthenticated non-loopback address.
 */
export async function createHttpAlertReceiver(
  options: HttpAlertReceiverOptions = {},
): Promise<HttpAlertReceiver> {
  const host = options.host ?? "127.0.0.1";
  const path = options.path ?? "/";
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  checkSecurity(host, options);
  const status = new EventHub<ReceiverStatus>();
  const fanout = new BoundedFanout<Alert>(options.maxQueuedAlerts ?? 10_000, (total) =>
    status.publish({ type: "dropped", total }),
  );
  const secret = options.sharedSecret;
  const secretHeader = (secret?.header ?? "x-falco-sdk-secret").toLowerCase();
  let rejected = 0;
  let malformed = 0;
  let handedOff = 0;
  const rejectedByReason = Object.fromEntries(REJECT_REASONS.map((r) => [r, 0])) as Record<
    RejectReason,
    number
  >;
  const closing = new AbortController();

  const count = (code: number, reason: RejectReason, message: string) => {
    rejected++;
    rejectedByReason[reason]++;
    status.publish({
      type: "rejected",
      status: code,
      reason,
      message,
      reasonTotal: rejectedByReason[reason],
      total: rejected,
    });
  };
  const onMalformed = (message: string) => {
    malformed++;
    status.publish({ type: "malformed", message, total: malformed });
  };
  const intake = new AlertIntake(maxBodyBytes, (alert) => fanout.publish(alert), onMalformed);
  const takeAlert = options.handOff;
  const handle = createPostHandler({
    path,
    maxBodyBytes,
    secret: secret && { value: Buffer.from(secret.value), header: secretHeader },
    answerFirst: (options.acknowledge ?? "received") === "received",
    intake,
    publish: (alert) => fanout.publish(alert),
    handOff:
      takeAlert &&
      ((line, alert) => {
        const taken = takeAlert(line, alert);
        handedOff++;
        return taken;
      }),
    malformed: onMalformed,
    count,
  });
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    try {
      handle(req, res);
    } catch {
      if (!res.headersSent) res.writeHead(500).end("internal error\n");
      else res.destroy();
    }
  };
  const timeouts = {
    requestTimeout: options.requestTimeoutMs ?? 10_000,
    headersTimeout: Math.min(options.requestTimeoutMs ?? 10_000, 10_000),
    connectionsCheckingInterval: Math.min(1000, options.requestTimeoutMs ?? 10_000),
    keepAliveTimeout: 30_000,
  };
  const server = options.tls
    ? createHttpsServer(
        {
          ...timeouts,
          cert: options.tls.cert,
          key: options.tls.key,
          ca: options.tls.ca,
          requestCert: options.tls.ca !== undefined,
          rejectUnauthorized: options.tls.ca !== undefined,
        },
        listener,
      )
    : createHttpServer(timeouts, listener);
  server.on("clientError", (error: NodeJS.ErrnoException, socket) => {
    // Malformed HTTP, or a request that did not arrive whole in time (slow uploads).
    const timedOut = error.code === "ERR_HTTP_REQUEST_TIMEOUT";
    if (timedOut) count(408, "timeout", "the request did not arrive whole in time");
    else if (error.code === "ECONNRESET" || error.code === "EPIPE") {
      count(
        400,
        "malformed-http",
        `the connection broke before the request was whole (${error.code})`,
      );
    } else count(400, "malformed-http", `not valid HTTP/1.1 (${error.code ?? error.message})`);
    if (socket.writable) {
      socket.end(
        `HTTP/1.1 ${timedOut ? "408 Request Timeout" : "400 Bad Request"}\r\nConnection: close\r\n\r\n`,
      );
    } else socket.destroy();
  });
  server.on("tlsClientError", () => {}); // refused handshakes are the client's problem
  await new Promise<void>((resolve, rejectListen) => {
    server.once("error", rejectListen);
    server.listen(options.port ?? 2801, host, () => {
      server.off("error", rejectListen);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  const url = `${options.tls ? "https" : "http"}://${hostForUrl(host)}:${port}${path}`;
  status.publish({ type: "listening", url });

  const receiver: HttpAlertReceiver = {
    url,
    alerts(alertOptions = {}) {
      const subscription = fanout.subscribe({
        signal: alertOptions.signal,
        filter: compileAlertFilter(alertOptions),
      });
      if (closing.signal.aborted) subscription.close({ reason: "completed" });
      return subscription;
    },
    status: () => status.subscribe(),
    stats: () => ({
      received: fanout.received + handedOff,
      dropped: fanout.dropped,
      malformed,
      rejected,
      rejectedByReason: { ...rejectedByReason },
      queued: fanout.queued,
      consumers: fanout.consumerCount,
    }),
    async close() {
      if (closing.signal.aborted) return;
      intake.flush(); // bodies answered 204 so far are counted and queued like the rest
      closing.abort();
      // Each loop takes what is queued for it, then ends.
      fanout.closeAll({ reason: "completed" });
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      status.publish({ type: "closed" });
    },
    [Symbol.asyncDispose]: () => receiver.close(),
  };
  return receiver;
}
