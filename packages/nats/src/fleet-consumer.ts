import { sleep } from "@falco-sdk/core";
import {
  AckPolicy,
  type ConsumerConfig,
  DeliverPolicy,
  JetStreamApiError,
  jetstreamManager,
} from "@nats-io/jetstream";
import { type NatsConnection, nanos } from "@nats-io/nats-core";
import type { SubscribeFleetOptions } from "./fleet-options.js";
import type { FleetStatus } from "./fleet-status.js";
import { NatsStreamError } from "./nats-errors.js";
import { asFalcoError, isTransient } from "./nats-failures.js";

const CONSUMER_NOT_FOUND = 10014;
const STREAM_NOT_FOUND = 10059;
/** Wait before asking again for a stream that is missing or a JetStream that is not ready. */
const RECHECK_MS = 500;

function consumerConfig(options: SubscribeFleetOptions, subject: string): Partial<ConsumerConfig> {
  const start = options.start ?? "new";
  const config: Partial<ConsumerConfig> = {
    ack_policy: AckPolicy.Explicit,
    ack_wait: nanos(options.ackWaitMs ?? 30_000),
    filter_subject: subject,
    max_ack_pending: Math.max(1000, (options.maxBufferedAlerts ?? 64) * 4),
  };
  if (start instanceof Date) {
    config.deliver_policy = DeliverPolicy.StartTime;
    config.opt_start_time = start.toISOString();
  } else {
    config.deliver_policy = start === "all" ? DeliverPolicy.All : DeliverPolicy.New;
  }
  if (options.durable) config.durable_name = options.durable;
  else config.inactive_threshold = nanos(30_000);
  return config;
}

/** Creates the consumer (an existing durable is used as it is); resolves its name. */
async function openConsumer(
  nc: NatsConnection,
  stream: string,
  options: SubscribeFleetOptions,
  subject: string,
): Promise<string> {
  const jsm = await jetstreamManager(nc);
  const config = consumerConfig(options, subject);
  try {
    if (options.durable) {
      try {
        await jsm.consumers.info(stream, options.durable);
        return options.durable; // an existing durable keeps its position and settings
      } catch (error) {
        if (!(error instanceof JetStreamApiError && error.code === CONSUMER_NOT_FOUND)) throw error;
      }
    }
    const info = await jsm.consumers.add(stream, config);
    return info.name;
  } catch (error) {
    if (error instanceof JetStreamApiError && error.code === STREAM_NOT_FOUND) {
      throw new NatsStreamError(
        `there is no stream ${stream} on this NATS: start a forwarder (falco-alerts forward), ` +
          "which creates it, or name the right stream (--stream)",
        { cause: error },
      );
    }
    if (error instanceof JetStreamApiError) {
      throw new NatsStreamError(
        `JetStream refused the consumer on ${stream}: ${error.message} (code ${error.code})`,
        { cause: error },
      );
    }
    throw error;
  }
}

/**
 * Opens the consumer, asking again every 500 ms while JetStream is not ready (a cluster
 * electing a leader after losing a node: `retrying`) or, with `waitForStream`, while the
 * stream is missing (`waiting-for-stream`). Resolves its name, or undefined when `signal` aborts.
 */
export async function openConsumerWhenReady(
  nc: NatsConnection,
  stream: string,
  options: SubscribeFleetOptions,
  subject: string,
  report: (event: FleetStatus) => void,
  signal: AbortSignal,
): Promise<string | undefined> {
  for (let waited = false; !signal.aborted; waited = true) {
    try {
      return await openConsumer(nc, stream, options, subject);
    } catch (error) {
      const missing =
        error instanceof NatsStreamError &&
        error.cause instanceof JetStreamApiError &&
        error.cause.code === STREAM_NOT_FOUND;
      const transient = isTransient(error);
      if (!transient && (!missing || !options.waitForStream)) throw error;
      if (transient) {
        report({ type: "retrying", error: asFalcoError(error), delayMs: RECHECK_MS });
      } else if (!waited) {
        report({ type: "waiting-for-stream", stream });
      }
      await sleep(RECHECK_MS, signal);
    }
  }
  return undefined;
}
