// At most `perWindow` messages in any `windowMs`; past it, alerts are held and counted
// by rule, and one digest message summarises them as soon as the window has room again.
// A state machine with the time passed in, so it is tested without clocks.
import { comparePriority } from "@falco-sdk/core";

/**
 * @param {{ perWindow: number, windowMs: number }} options
 */
export function createRateLimit({ perWindow, windowMs }) {
  if (!(perWindow >= 2)) throw new Error("perWindow must be at least 2 (one alert and the digest)");
  /** Times of the messages sent in the current window. */
  let sent = [];
  let held;

  const prune = (now) => {
    sent = sent.filter((t) => t > now - windowMs);
  };

  return {
    /** An alert arrives: `"send"` it now, or `"held"` for the digest. */
    offer(alert, now) {
      prune(now);
      if (!held && sent.length < perWindow) {
        sent.push(now);
        return "send";
      }
      held ??= {
        held: 0,
        rules: new Map(),
        first: alert.time,
        last: alert.time,
        priority: alert.priority,
      };
      held.held++;
      if (alert.time < held.first) held.first = alert.time;
      if (alert.time > held.last) held.last = alert.time;
      if (comparePriority(alert.priority, held.priority) < 0) held.priority = alert.priority;
      const row = held.rules.get(alert.rule) ?? {
        rule: alert.rule,
        count: 0,
        priority: alert.priority,
      };
      row.count++;
      if (comparePriority(alert.priority, row.priority) < 0) row.priority = alert.priority;
      held.rules.set(alert.rule, row);
      return "held";
    },
    /** The digest if one is due at `now` (and counts it as sent), else undefined. */
    takeDigest(now, force = false) {
      prune(now);
      if (!held || (!force && sent.length >= perWindow)) return undefined;
      sent.push(now);
      const digest = { ...held, rules: [...held.rules.values()].sort((a, b) => b.count - a.count) };
      held = undefined;
      return digest;
    },
    /** When the window next has room, for the timer that sends the digest (undefined: nothing held). */
    nextDigestAt(now) {
      prune(now);
      if (!held) return undefined;
      return sent.length < perWindow ? now : sent[sent.length - perWindow] + windowMs;
    },
    heldCount: () => held?.held ?? 0,
  };
}
