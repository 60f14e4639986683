import type { IncomingMessage } from "node:http";
import type { AlertStore } from "@falco-sdk/store";

/** Options of {@link createAlertApi}. */
export interface AlertApiOptions {
  /** The store the API reads. The API never closes it. */
  readonly store: AlertStore;
  /**
   * A bearer token: requests must send `Authorization: Bearer <token>` (compared in constant
   * time), unless `authorize` accepts them. @default undefined: no token
   */
  readonly token?: string;
  /**
   * Accepts a request by other means (the web UI's session cookie, a client certificate): a
   * request passes when it returns true, or when it carries the `token`. With neither `token`
   * nor `authorize`, every request passes (for a loopback listener only: see
   * `createAlertApiServer`). @default undefined
   */
  readonly authorize?: (request: IncomingMessage) => boolean | Promise<boolean>;
  /** Interval of the `: hb` comment on a stream, which keeps proxies from closing it. @default 15000 */
  readonly heartbeatMs?: number;
  /**
   * A stream whose client has not read what was written to it for this long is disconnected
   * and counted (`slowDisconnects`): a client that stops reading holds at most one socket
   * buffer and one page of alerts, and never slows the others. @default 30000
   */
  readonly stuckTimeoutMs?: number;
  /**
   * Bytes a stream may hold unsent for its client (beyond what the kernel holds) before it stops
   * taking alerts and waits for the socket to drain, reading on from the store afterwards: with
   * `stuckTimeoutMs`, the memory one client can make the server hold. @default 262144
   */
  readonly maxBufferedBytes?: number;
  /** How often streams look for alerts another process appended to the store. @default 1000 */
  readonly pollMs?: number;
  /** Alerts read from the store at a time, per stream or export. @default 256 */
  readonly pageSize?: number;
  /** Path prefix the API is mounted under, e.g. `/falco` (routes are then `/falco/api/v1/...`). @default "" */
  readonly basePath?: string;
  /** More figures for `/api/v1/stats` (the embedding process's own, e.g. the relay's). @default none */
  readonly extraStats?: () => Record<string, unknown>;
}
