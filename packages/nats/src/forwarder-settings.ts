import { type BackoffOptions, ConfigurationError } from "@falco-sdk/core";
import { serverList } from "./connection-options.js";
import type { ForwarderSpoolOptions, NatsForwarderOptions } from "./forwarder-options.js";
import { type ResolvedStream, resolveStream } from "./stream.js";
import { checkSubjectPrefix, DEFAULT_SUBJECT_PREFIX } from "./subject.js";

/** The spool's size limit when `spool.maxBytes` is not given: 512 MiB. */
export const DEFAULT_SPOOL_MAX_BYTES = 512 * 1024 * 1024;
/** The smallest `spool.maxBytes`: an empty store takes some pages already. */
const MIN_SPOOL_BYTES = 1024 * 1024;

/** The forwarder's options checked, with every default filled in. */
export interface ForwarderSettings {
  readonly options: NatsForwarderOptions;
  readonly prefix: string;
  readonly stream: ResolvedStream;
  readonly maxBacklog: number;
  readonly ackTimeoutMs: number;
  readonly waitWhenFull: boolean;
  readonly retry: Required<BackoffOptions>;
  /** The spool with its defaults; undefined for a backlog in memory. */
  readonly spool: Required<ForwarderSpoolOptions> | undefined;
  /** The servers, for messages. */
  readonly servers: string;
}

/** Checks `options` (throwing `ConfigurationError`) and fills in the defaults. */
export function forwarderSettings(options: NatsForwarderOptions): ForwarderSettings {
  const prefix = options.subjectPrefix ?? DEFAULT_SUBJECT_PREFIX;
  const prefixProblem = checkSubjectPrefix(prefix);
  if (prefixProblem) throw new ConfigurationError(prefixProblem);
  const stream = resolveStream(options.stream, prefix);
  const maxBacklog = options.maxBacklog ?? 10_000;
  if (!(maxBacklog >= 1)) throw new ConfigurationError("maxBacklog must be at least 1");
  const retry = options.retry ?? {};
  const initialDelayMs = retry.initialDelayMs ?? options.retryDelayMs ?? 1000;
  const maxDelayMs = retry.maxDelayMs ?? options.maxRetryDelayMs ?? 5000;
  const multiplier = retry.multiplier ?? 1.6;
  const jitter = retry.jitter ?? 0.2;
  if (!(initialDelayMs >= 0) || !(multiplier >= 1) || !(jitter >= 0 && jitter <= 1)) {
    throw new ConfigurationError(
      "retry needs initialDelayMs >= 0, multiplier >= 1 and jitter between 0 and 1",
    );
  }
  const spool = options.spool && {
    directory: options.spool.directory,
    maxBytes: options.spool.maxBytes ?? DEFAULT_SPOOL_MAX_BYTES,
    durable: options.spool.durable ?? true,
  };
  if (spool && (typeof spool.directory !== "string" || spool.directory === "")) {
    throw new ConfigurationError("spool.directory must be a directory path");
  }
  if (spool && !(spool.maxBytes >= MIN_SPOOL_BYTES)) {
    throw new ConfigurationError(`spool.maxBytes must be at least ${MIN_SPOOL_BYTES} (1 MiB)`);
  }
  return {
    options,
    spool,
    prefix,
    stream,
    maxBacklog,
    ackTimeoutMs: options.ackTimeoutMs ?? 5000,
    waitWhenFull: options.whenBacklogFull === "wait",
    // A maximum below the first delay would shorten the first delay: the first wins.
    retry: { initialDelayMs, maxDelayMs: Math.max(initialDelayMs, maxDelayMs), multiplier, jitter },
    servers: serverList(options).join(", "),
  };
}
