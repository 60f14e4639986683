import type { Alert } from "@falco-sdk/core";
import type { PlaintextListenOptions, TlsListenOptions } from "@falco-sdk/grpc-server";
import type { VersionInit } from "@falco-sdk/proto";
import type { AlertStore } from "@falco-sdk/store";

/**
 * One input of the relay: any `AsyncIterable<Alert>`, such as a
 * `FalcoClient.subscribe()` subscription or an `HttpAlertReceiver.alerts()`
 * iterable (see `relaySourceFromClient` / `relaySourceFromReceiver`).
 */
export interface RelaySource {
  /** Name in stats and status events, e.g. the endpoint or URL. */
  readonly name: string;
  /** The alerts. When the iteration ends or throws, the source is reported ended; the relay goes on. */
  readonly alerts: AsyncIterable<Alert> & { unsubscribe?(): void };
  /**
   * Status events of the source (the client's or receiver's `status()`), re-published as
   * `{ type: "source-status" }` relay events. @default none
   */
  readonly status?: AsyncIterable<{ readonly type: string }>;
  /**
   * The upstream Falco's `version` answer, for the relay's own `version` (gRPC sources
   * only). @default none: the source says nothing about the version
   */
  readonly version?: (signal: AbortSignal) => Promise<VersionInit>;
  /**
   * The source acknowledges an alert to its upstream when it is asked for the next one (a
   * NATS fleet subscription: `subscribeFleet()`). With a `store`, the relay then asks for the
   * next alert only once this one is stored, so that no alert is acknowledged before it is on
   * disk (one append per alert from this source: slower than batches). A source that can
   * delay its acknowledgements should rather use `relay.whenStored()` (a fleet subscription's
   * `ackAfter`): the relay then reads it in batches.
   * @default false
   */
  readonly acknowledgesOnNext?: boolean;
}

/** Options of `createAlertRelay()`. */
export interface AlertRelayOptions {
  /** The inputs, merged into one stream in arrival order. */
  readonly sources: readonly RelaySource[];
  /**
   * Alerts kept per subscriber (and, while nobody is subscribed, for the first subscriber).
   * Beyond it the subscriber's OLDEST alert is dropped and counted in its `dropped`.
   * @default 10000
   */
  readonly maxQueued?: number;
  /**
   * The relay's answer to `falco.version.service/version`. By default the relay forwards
   * the answer of the first gRPC source that gives one, and, when no source can
   * (http_output only, or Falco unreachable), answers {@link RELAY_VERSION}.
   * @default forwarded, else RELAY_VERSION
   */
  readonly version?: VersionInit;
  /**
   * How long `close()` lets gRPC calls finish (a write held by a client that stopped
   * reading) before it destroys their connections. Calls waiting for a request end with
   * OK at once.
   * @default 1000
   */
  readonly stopGraceMs?: number;
  /**
   * Write-through store (`openAlertStore()` of `@falco-sdk/store`): every alert, from every
   * source, is appended to it before any subscriber gets it. The alerts of one event-loop turn
   * are appended in one batch. A failed append is reported (`store-failed` status event,
   * `stats().store`), its alerts still delivered; the relay never stops for it. The relay does
   * not close the store: close it after `relay.close()`.
   * @default none: alerts are held in memory only
   */
  readonly store?: AlertStore;
  /**
   * With a `store`: path of the intake journal, a file where each alert is written (one JSON
   * line, synchronously) as soon as it is received, before `intake()` returns (before Falco's
   * http_output is answered): a killed relay loses no answered alert. At start, what the journal
   * holds that the store lacks is appended (`stats().store.journal.replayed`). It may live in the
   * store's directory. A file there that is not a journal is refused (`RelayJournalError`) and
   * left as it is.
   * @default none: an alert is on disk only once its batch is appended (`storeBatchMs`)
   */
  readonly intakeJournal?: string;
  /**
   * With a `store`: how long the first alert of a batch waits for others before the batch is
   * appended (one transaction, one fsync with a durable store), and so the most a subscriber's
   * alert is delayed by the store. 0 appends once per event-loop turn: alert by alert on Falco's
   * http_output path (one alert per request). A burst of 2048 alerts, or a source that
   * `acknowledgesOnNext`, is appended at once.
   * @default 10
   */
  readonly storeBatchMs?: number;
  /**
   * Shortest time between two writes to one `sub` call. A client that polls again sooner
   * after a write (the SDK client polls as soon as it has read one) is answered this long
   * after that write, with every alert queued by then: under load each subscriber costs at
   * most 1000 / minWriteIntervalMs writes a second (system calls, HTTP/2 frames, wake-ups of
   * the client) instead of one per alert. A poll that comes later, or finds nothing queued,
   * is answered at once, as Falco does. 0: every poll is answered at once (Falco's behaviour).
   * With 2 (ms), the relay's benchmark measured about 10% less relay CPU per alert with 10
   * subscribers under load, and about 1 ms more median latency.
   * @default 0
   */
  readonly minWriteIntervalMs?: number;
}

/** A unix socket of the relay's gRPC server (plaintext, like Falco's default). */
export interface RelayUnixListenOptions {
  /** Path of the socket file; its parent directory is created, a stale socket replaced. */
  readonly socketPath: string;
  /**
   * Permission bits of the socket file, set before it appears. The group may connect:
   * run consumers in the socket's group (e.g. `falco`), or choose 0o600.
   * @default 0o660
   */
  readonly socketMode?: number;
}

/**
 * Where the relay serves Falco's gRPC API: a unix socket, TCP with mutual TLS
 * (client certificates required and verified against `tls.ca`), or, only with
 * `insecurePlaintext: true`, plaintext TCP that anyone who reaches the port can read.
 */
export type RelayListenOptions = RelayUnixListenOptions | TlsListenOptions | PlaintextListenOptions;
