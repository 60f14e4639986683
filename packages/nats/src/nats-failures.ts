import { FalcoError, sleep } from "@falco-sdk/core";
import { linkedAbortController } from "@falco-sdk/core/internal";
import { JetStreamApiError } from "@nats-io/jetstream";
import { errors } from "@nats-io/nats-core";
import { NatsAuthError, NatsConnectionError, NatsStreamError } from "./nats-errors.js";

// How the forwarder and the fleet subscription tell NATS failures apart: retry (transient), skip
// (rejected), or give up.

/**
 * Core's abortable `sleep`, ended early too when `wake` settles (a leader's election, a
 * connection that came back). Listens to `signal` only while it sleeps.
 */
export async function sleepOrWake(
  ms: number,
  signal: AbortSignal,
  wake: Promise<unknown>,
): Promise<void> {
  const nap = linkedAbortController(signal);
  const end = () => nap.abort();
  void wake.then(end, end);
  await sleep(ms, nap.signal);
  nap.abort();
}

/** Ours as they are; anything else as a (retryable) connection error. */
export function asFalcoError(error: unknown): FalcoError {
  if (error instanceof FalcoError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new NatsConnectionError(`publish to NATS failed: ${message}`, { cause: error });
}

/** JetStream not ready yet: no answer, no responders, or "temporarily unavailable". */
export function isTransient(error: unknown): boolean {
  for (let e = error; e; e = (e as { cause?: unknown }).cause) {
    if (e instanceof errors.TimeoutError || e instanceof errors.NoRespondersError) return true;
    if (e instanceof errors.RequestError && e.isNoResponders()) return true;
    if (e instanceof JetStreamApiError && e.code === JETSTREAM_UNAVAILABLE) return true;
    if (e instanceof errors.ClosedConnectionError) return false;
  }
  return false;
}

/** JetStream's "system temporarily unavailable" (a cluster without a meta leader). */
const JETSTREAM_UNAVAILABLE = 10008;

export function isNoResponders(error: unknown): boolean {
  for (let e = error; e; e = (e as { cause?: unknown }).cause) {
    if (e instanceof errors.NoRespondersError) return true;
    if (e instanceof errors.RequestError && e.isNoResponders()) return true;
  }
  return false;
}

export function permissionError(error: Error): FalcoError {
  return new NatsStreamError(
    `NATS does not permit this user to publish alerts (${error.message}): grant publish on ` +
      "the alert subjects in the server's authorization settings",
    { cause: error },
  );
}

export function asFalcoErrorFromClose(error: Error, servers: string): FalcoError {
  if (error instanceof errors.AuthorizationError) {
    return new NatsAuthError(servers, error.message, { cause: error });
  }
  return new NatsConnectionError(`the NATS connection closed: ${error.message}`, { cause: error });
}
