import { describe, expect, it } from "vitest";
import type { Alert } from "./alert.js";
import { mergeAlerts } from "./merge-alerts.js";
import { outputLineText } from "./output-line.js";
import { parseFalcoTextLine } from "./text-alert.js";

const alert = (text: string): Alert => parseFalcoTextLine(`12:00:00.000000001: Warning ${text}`);
const texts = (alerts: readonly Alert[]) => alerts.map((a) => outputLineText(a.output));

/** One event-loop turn: every settled promise has run its callbacks. */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A source driven by the test: `push` answers the oldest pending `next()` (or waits for one),
 * `end` and `fail` answer the next one. Counts pulls and records `unsubscribe()` / `return()`.
 */
function manualSource(options: { withUnsubscribe?: boolean } = {}) {
  const pending: ((r: IteratorResult<Alert> | { error: unknown }) => void)[] = [];
  const queued: (IteratorResult<Alert> | { error: unknown })[] = [];
  const state = { pulls: 0, unsubscribed: false, returned: false };
  const answer = (r: IteratorResult<Alert> | { error: unknown }) => {
    const resolve = pending.shift();
    if (resolve) resolve(r);
    else queued.push(r);
  };
  const iterator: AsyncIterator<Alert> = {
    next() {
      state.pulls++;
      const ready = queued.shift();
      const outcome = ready
        ? Promise.resolve(ready)
        : new Promise<IteratorResult<Alert> | { error: unknown }>((r) => pending.push(r));
      return outcome.then((r) => {
        if ("error" in r) throw r.error;
        return r;
      });
    },
    async return() {
      state.returned = true;
      return { done: true, value: undefined };
    },
  };
  const source: AsyncIterable<Alert> & { unsubscribe?: () => void } = {
    [Symbol.asyncIterator]: () => iterator,
  };
  if (options.withUnsubscribe) {
    source.unsubscribe = () => {
      state.unsubscribed = true;
      for (const resolve of pending.splice(0)) resolve({ done: true, value: undefined });
    };
  }
  return {
    source,
    state,
    push: (text: string) => answer({ done: false, value: alert(text) }),
    end: () => answer({ done: true, value: undefined }),
    fail: (error: unknown) => answer({ error }),
  };
}

async function* generate(prefix: string, count: number) {
  for (let i = 0; i < count; i++) yield alert(`${prefix}${i}`);
}

describe("mergeAlerts", () => {
  it("yields every alert of every source, each source in its own order, and ends after all", async () => {
    const out: Alert[] = [];
    for await (const a of mergeAlerts(generate("a", 5), generate("b", 3), generate("c", 0))) {
      out.push(a);
    }
    const got = texts(out);
    expect([...got].sort()).toEqual(["a0", "a1", "a2", "a3", "a4", "b0", "b1", "b2"]);
    expect(got.filter((t) => t.startsWith("a"))).toEqual(["a0", "a1", "a2", "a3", "a4"]);
    expect(got.filter((t) => t.startsWith("b"))).toEqual(["b0", "b1", "b2"]);
  });

  it("ends at once without sources", async () => {
    const iterator = mergeAlerts()[Symbol.asyncIterator]();
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });

  it("pulls a source only while the consumer waits, one pull in flight per source", async () => {
    const a = manualSource();
    const b = manualSource();
    const iterator = mergeAlerts(a.source, b.source)[Symbol.asyncIterator]();
    await turn();
    expect([a.state.pulls, b.state.pulls]).toEqual([0, 0]); // nothing asked yet

    const first = iterator.next();
    await turn();
    expect([a.state.pulls, b.state.pulls]).toEqual([1, 1]);
    a.push("a0");
    expect(texts([(await first).value as Alert])).toEqual(["a0"]);

    // b's pull is still in flight: the next request pulls a again, never b twice.
    const second = iterator.next();
    await turn();
    expect([a.state.pulls, b.state.pulls]).toEqual([2, 1]);
    b.push("b0");
    a.push("a1"); // answers a's second pull while the consumer is not asking
    expect(texts([(await second).value as Alert])).toEqual(["b0"]);
    await turn();
    expect([a.state.pulls, b.state.pulls]).toEqual([2, 1]); // a1 waits inside: nothing pulled

    // The alert already there is delivered without pulling first.
    expect(texts([(await iterator.next()).value as Alert])).toEqual(["a1"]);
    expect([a.state.pulls, b.state.pulls]).toEqual([2, 1]);
    await iterator.return?.();
  });

  it("holds at most one alert per source however fast the sources are", async () => {
    let pulls = 0;
    const endless = (name: string): AsyncIterable<Alert> => ({
      [Symbol.asyncIterator]: () => ({
        next: async () => {
          pulls++;
          return { done: false, value: alert(name) };
        },
      }),
    });
    const iterator = mergeAlerts(endless("a"), endless("b"), endless("c"))[Symbol.asyncIterator]();
    for (let taken = 1; taken <= 50; taken++) {
      await iterator.next();
      await turn();
      expect(pulls).toBeLessThanOrEqual(taken + 3);
    }
  });

  it("break unsubscribes and returns every source, also one waiting for its next alert", async () => {
    const idle = manualSource({ withUnsubscribe: true });
    const busy = manualSource({ withUnsubscribe: true });
    busy.push("x");
    for await (const a of mergeAlerts(idle.source, busy.source)) {
      expect(texts([a])).toEqual(["x"]);
      break;
    }
    expect(idle.state).toMatchObject({ unsubscribed: true, returned: true });
    expect(busy.state).toMatchObject({ unsubscribed: true, returned: true });
  });

  it("break does not wait for a plain generator that is waiting for its next value", async () => {
    let finallyRan = false;
    let release: (() => void) | undefined;
    async function* quiet() {
      try {
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        yield alert("late");
      } finally {
        finallyRan = true;
      }
    }
    for await (const _ of mergeAlerts(quiet(), generate("a", 1))) break;
    expect(finallyRan).toBe(false); // ends once its pending pull settles
    release?.();
    await turn();
    await turn();
    expect(finallyRan).toBe(true); // return() was queued: the late value is dropped
  });

  it("an error of one source ends the others, after the alerts produced before it", async () => {
    const failing = manualSource();
    const other = manualSource({ withUnsubscribe: true });
    const boom = new Error("source broke");
    const iterator = mergeAlerts(failing.source, other.source)[Symbol.asyncIterator]();
    const first = iterator.next();
    await turn();
    other.push("o0");
    expect(texts([(await first).value as Alert])).toEqual(["o0"]);
    const second = iterator.next();
    await turn();
    failing.fail(boom);
    await expect(second).rejects.toBe(boom);
    expect(other.state).toMatchObject({ unsubscribed: true, returned: true });
    expect(failing.state.returned).toBe(false); // it threw: it has ended already
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });

  it("delivers alerts that settled before the error first", async () => {
    const failing = manualSource();
    const other = manualSource();
    const boom = new Error("broke");
    const iterator = mergeAlerts(other.source, failing.source)[Symbol.asyncIterator]();
    const first = iterator.next();
    await turn();
    other.push("o0");
    failing.fail(boom); // settles while o0 is still undelivered
    const out: Alert[] = [(await first).value as Alert];
    await expect(iterator.next()).rejects.toBe(boom);
    expect(texts(out)).toEqual(["o0"]);
  });

  it("a source whose next() throws synchronously fails the merge with that error", async () => {
    const boom = new Error("sync");
    const broken: AsyncIterable<Alert> = {
      [Symbol.asyncIterator]: () => ({
        next: () => {
          throw boom;
        },
      }),
    };
    await expect(mergeAlerts(broken)[Symbol.asyncIterator]().next()).rejects.toBe(boom);
  });

  it("return() reports a source that fails to end", async () => {
    const boom = new Error("cannot close");
    const stubborn: AsyncIterable<Alert> = {
      [Symbol.asyncIterator]: () => ({
        next: async () => ({ done: false, value: alert("s") }),
        return: async () => {
          throw boom;
        },
      }),
    };
    const iterator = mergeAlerts(stubborn)[Symbol.asyncIterator]();
    await iterator.next();
    await turn();
    await expect(iterator.return?.()).rejects.toBe(boom);
  });
});
