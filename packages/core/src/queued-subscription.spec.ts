import { describe, expect, it } from "vitest";
import type { Alert } from "./alert.js";
import { AlreadyIteratedError, ConfigurationError } from "./errors.js";
import { QueuedSubscription, type QueuedSubscriptionOptions } from "./queued-subscription.js";
import type { SubscriptionEnd } from "./subscription-end.js";

const alert = (rule: string) => ({ rule }) as Alert;

/** A subscription its test feeds by hand. */
class Fed extends QueuedSubscription {
  started = 0;
  constructor(options?: QueuedSubscriptionOptions<Alert>) {
    super(options);
  }
  push(...rules: string[]): void {
    for (const rule of rules) this.queue.push(alert(rule));
  }
  finishWith(end: SubscriptionEnd): void {
    this.finish(end);
  }
  protected override onStart(): void {
    this.started++;
  }
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

describe("QueuedSubscription", () => {
  it("refuses a second iteration with already-iterated", () => {
    const subscription = new Fed();
    subscription[Symbol.asyncIterator]();
    let error: unknown;
    try {
      subscription[Symbol.asyncIterator]();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AlreadyIteratedError);
    expect((error as AlreadyIteratedError).code).toBe("already-iterated");
    expect(subscription.started).toBe(1);
  });

  it("hands over what is queued, then ends when the producer completes", async () => {
    const subscription = new Fed();
    const status = collect(subscription.status());
    subscription.push("a", "b");
    expect(subscription.pending).toBe(2);
    const loop = collect(subscription);
    subscription.push("c");
    subscription.finishWith({ reason: "completed" });
    expect((await loop).map((a) => a.rule)).toEqual(["a", "b", "c"]);
    expect(await subscription.closed).toEqual({ reason: "completed" });
    expect(await status).toEqual([{ type: "closed", reason: "completed" }]);
    expect([subscription.delivered, subscription.pending]).toEqual([3, 0]);
  });

  it("throws the producer's failure once what came before it is handed over", async () => {
    const subscription = new Fed();
    const error = new ConfigurationError("bad");
    subscription.push("a");
    subscription.finishWith({ reason: "failed", error });
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const a of subscription) seen.push(a.rule);
      })(),
    ).rejects.toBe(error);
    expect(seen).toEqual(["a"]);
    expect(await subscription.closed).toEqual({ reason: "failed", error });
  });

  it("ends a waiting loop at unsubscribe(), discarding and reporting what was queued", async () => {
    const subscription = new Fed();
    const status = collect(subscription.status());
    const seen: string[] = [];
    const loop = (async () => {
      for await (const a of subscription) {
        seen.push(a.rule);
        if (a.rule === "a") {
          subscription.push("b", "c");
          subscription.unsubscribe();
        }
      }
    })();
    subscription.push("a");
    await loop;
    expect(seen).toEqual(["a"]);
    expect(await subscription.closed).toEqual({ reason: "unsubscribed" });
    expect(await status).toEqual([
      { type: "dropped", count: 2, total: 2 },
      { type: "closed", reason: "unsubscribed" },
    ]);
    expect([subscription.pending, subscription.dropped]).toEqual([0, 2]);
  });

  it("ends as aborted when its signal aborts, or had", async () => {
    const controller = new AbortController();
    const subscription = new Fed({ signal: controller.signal });
    const loop = collect(subscription);
    controller.abort();
    expect(await loop).toEqual([]);
    expect(await subscription.closed).toEqual({ reason: "aborted" });

    const early = new Fed({ signal: AbortSignal.abort() });
    expect(await early.closed).toEqual({ reason: "aborted" });
    expect(await collect(early.status())).toEqual([{ type: "closed", reason: "aborted" }]);
  });

  it("ends as unsubscribed at break, and the first end wins", async () => {
    const subscription = new Fed();
    subscription.push("a", "b");
    for await (const _ of subscription) break;
    subscription.finishWith({ reason: "completed" });
    expect(await subscription.closed).toEqual({ reason: "unsubscribed" });
    expect(subscription.dropped).toBe(1);
  });

  it("is disposed by await using, which waits for the end's clean-up", async () => {
    const ends: string[] = [];
    let release!: () => void;
    const cleanup = new Promise<void>((resolve) => {
      release = resolve;
    });
    let disposed = false;
    const scope = (async () => {
      await using subscription = new Fed({
        onEnd: async (end, discarded) => {
          ends.push(`${end.reason}:${discarded.map((a) => a.rule).join(",")}`);
          await cleanup;
        },
      });
      subscription.push("left");
    })().then(() => {
      disposed = true;
    });
    await Promise.resolve();
    await Promise.resolve();
    expect([ends, disposed]).toEqual([["unsubscribed:left"], false]);
    release();
    await scope;
    expect(disposed).toBe(true);
  });

  it("reports alerts a full queue dropped, one dropped event per burst", async () => {
    const subscription = new Fed({ capacity: 2 });
    const status = collect(subscription.status());
    subscription.push("a", "b", "c", "d", "e");
    await Promise.resolve();
    subscription.push("f");
    await Promise.resolve();
    subscription.unsubscribe();
    expect(await status).toEqual([
      { type: "dropped", count: 3, total: 3 },
      { type: "dropped", count: 1, total: 4 },
      { type: "dropped", count: 2, total: 6 },
      { type: "closed", reason: "unsubscribed" },
    ]);
  });

  it("skips what its filter refuses", async () => {
    const subscription = new Fed({ filter: (a) => a.rule !== "skip" });
    subscription.push("a", "skip", "b");
    subscription.finishWith({ reason: "completed" });
    expect((await collect(subscription)).map((a) => a.rule)).toEqual(["a", "b"]);
    expect(subscription.delivered).toBe(2);
  });
});
