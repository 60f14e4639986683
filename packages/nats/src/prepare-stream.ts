import { backoffDelayMs } from "@falco-sdk/core";
import type { JetStreamManager } from "@nats-io/jetstream";
import type { ForwarderLifecycle } from "./forwarder-lifecycle.js";
import type { ForwarderSettings } from "./forwarder-settings.js";
import type { ForwarderStatus } from "./forwarder-status.js";
import type { LeaderElections } from "./leader-elections.js";
import { asFalcoError, isTransient, sleepOrWake } from "./nats-failures.js";
import { ensureStream } from "./stream.js";

/**
 * The forwarder's `preparing` state: creates the stream when missing (unless `createStream` is
 * false), retrying while JetStream is not ready (a cluster electing its leader, a restarting
 * server); alerts meanwhile wait in the backlog. A stream leader's election ends a wait early.
 */
export async function prepareStream(
  jsm: JetStreamManager,
  elections: LeaderElections,
  settings: ForwarderSettings,
  lifecycle: ForwarderLifecycle,
  report: (event: ForwarderStatus) => void,
  backlogSize: () => number,
): Promise<void> {
  if (settings.options.createStream === false) return;
  for (let attempt = 1; !lifecycle.closing && !lifecycle.stopped.aborted; attempt++) {
    const electionsBefore = elections.count;
    try {
      await ensureStream(jsm, settings.stream);
      return;
    } catch (error) {
      if (!isTransient(error)) throw error;
      const delayMs = backoffDelayMs(settings.retry, attempt);
      report({
        type: "publish-failed",
        error: asFalcoError(error),
        backlog: backlogSize(),
        delayMs,
      });
      await sleepOrWake(delayMs, lifecycle.stopped, elections.after(electionsBefore));
    }
  }
}
