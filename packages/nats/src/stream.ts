import {
  DiscardPolicy,
  JetStreamApiError,
  type JetStreamManager,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
} from "@nats-io/jetstream";
import { nanos } from "@nats-io/nats-core";
import { NatsStreamError } from "./nats-errors.js";

/** Default name of the stream every forwarder writes to. */
export const DEFAULT_STREAM = "FALCO_ALERTS";

/** The stream created when it is missing (an existing stream is used as it is). */
export interface StreamOptions {
  /** Stream name. @default "FALCO_ALERTS" */
  readonly name?: string;
  /** Alerts older than this are removed. @default 604800000 (7 days) */
  readonly maxAgeMs?: number;
  /** The stream keeps at most this many bytes, dropping its oldest alerts. @default 1073741824 (1 GiB) */
  readonly maxBytes?: number;
  /** Copies kept by a JetStream cluster (1, 3 or 5; at most the cluster's size). @default 1 */
  readonly replicas?: number;
  /** How long JetStream remembers `Nats-Msg-Id`s to drop re-sent alerts. @default 120000 (2 min) */
  readonly duplicateWindowMs?: number;
}

export interface ResolvedStream {
  readonly name: string;
  readonly config: Partial<StreamConfig> & { name: string; subjects: string[] };
}

export function resolveStream(options: StreamOptions | undefined, prefix: string): ResolvedStream {
  const name = options?.name ?? DEFAULT_STREAM;
  if (!/^[^\s.*>/\\]+$/.test(name)) {
    throw new NatsStreamError(
      `stream name ${JSON.stringify(name)} is not valid: no spaces, dots, *, >, / or \\`,
    );
  }
  return {
    name,
    config: {
      name,
      subjects: [`${prefix}.>`],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      discard: DiscardPolicy.Old,
      max_age: nanos(options?.maxAgeMs ?? 7 * 24 * 3600 * 1000),
      max_bytes: options?.maxBytes ?? 1024 ** 3,
      num_replicas: options?.replicas ?? 1,
      duplicate_window: nanos(options?.duplicateWindowMs ?? 120_000),
    },
  };
}

function isNotFound(error: unknown): boolean {
  return error instanceof JetStreamApiError && error.code === 10059;
}

function covers(subjects: readonly string[] | undefined, wanted: string): boolean {
  return (subjects ?? []).some((s) => s === wanted || s === ">");
}

/** Creates the stream when it is missing; checks an existing one takes the alert subjects. */
export async function ensureStream(jsm: JetStreamManager, stream: ResolvedStream): Promise<void> {
  const wanted = stream.config.subjects[0] ?? "";
  try {
    const info = await jsm.streams.info(stream.name);
    if (!covers(info.config.subjects, wanted)) {
      throw new NatsStreamError(
        `stream ${stream.name} exists but does not take subjects ${wanted} (it takes ` +
          `${(info.config.subjects ?? []).join(", ") || "none"}): add that subject to it, or choose ` +
          "another stream name or subject prefix",
      );
    }
    return;
  } catch (error) {
    if (!isNotFound(error)) throw wrap(error, stream.name);
  }
  try {
    await jsm.streams.add(stream.config);
  } catch (error) {
    // Another forwarder created it meanwhile.
    if (error instanceof JetStreamApiError && error.code === 10058) return;
    throw wrap(error, stream.name);
  }
}

function wrap(error: unknown, name: string): Error {
  if (error instanceof NatsStreamError) return error;
  if (error instanceof JetStreamApiError) {
    return new NatsStreamError(
      `JetStream refused stream ${name}: ${error.message} (code ${error.code})`,
      { cause: error },
    );
  }
  return error as Error;
}
