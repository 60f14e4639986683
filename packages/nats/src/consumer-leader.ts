import type { Consumer, JetStreamClient } from "@nats-io/jetstream";
import type { LeaderElections } from "./leader-elections.js";
import { isTransient, sleepOrWake } from "./nats-failures.js";

/**
 * How long to wait for a consumer's leader-elected advisory before asking again whether it
 * has a leader (the advisory needs permission to subscribe to `$JS.EVENT.>`).
 */
export const LEADER_RECHECK_MS = 1000;

/**
 * The consumer, once it has a leader (at once on a single server). A pull sent to a consumer
 * without one is lost without an answer (JetStream's API subjects have responders on every
 * node), and nats.js pulls again only after two missed idle heartbeats (30 s); a consumer
 * created while its JetStream cluster elects leaders, after losing a node, starts that way.
 * Waits for the consumer's leader-elected advisory (`elections`), asking again every
 * `LEADER_RECHECK_MS` in case the advisory cannot be received. Resolves undefined when stopped.
 */
export async function consumerWithLeader(
  js: JetStreamClient,
  stream: string,
  name: string,
  elections: LeaderElections,
  options: {
    /** The server is part of a cluster (its INFO names one). */
    readonly clustered: boolean;
    /** Ends the wait: resolves undefined. */
    readonly signal: AbortSignal;
    /** Called once when the consumer has no leader yet. */
    readonly leaderless: () => void;
  },
): Promise<Consumer | undefined> {
  let reported = false;
  while (!options.signal.aborted) {
    const electionsBefore = elections.count;
    try {
      const consumer = await js.consumers.get(stream, name);
      // The meta leader answers for a new consumer without a leader: no `cluster.leader`.
      if (!options.clustered || (await consumer.info(true)).cluster?.leader) return consumer;
    } catch (error) {
      // No answer while a consumer that had a leader has none.
      if (!isTransient(error)) throw error;
    }
    if (elections.count > electionsBefore) continue;
    if (!reported) options.leaderless();
    reported = true;
    await sleepOrWake(LEADER_RECHECK_MS, options.signal, elections.after(electionsBefore));
  }
  return undefined;
}
