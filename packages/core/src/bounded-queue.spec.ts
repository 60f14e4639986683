import { describe, expect, it } from "vitest";
import { BoundedQueue } from "./bounded-queue.js";

type End = { reason: "completed" } | { reason: "failed"; error: Error };

describe("BoundedQueue", () => {
  it("drops the oldest item when full by default, counting and reporting each", () => {
    const lost: [number, number][] = [];
    const queue = new BoundedQueue<number>({
      capacity: 2,
      onDrop: (item, total) => lost.push([item, total]),
    });
    for (const n of [1, 2, 3, 4]) expect(queue.push(n)).toBe(true);
    expect([queue.size, queue.received, queue.dropped]).toEqual([2, 4, 2]);
    expect(lost).toEqual([
      [1, 1],
      [2, 2],
    ]);
    expect([queue.shift(), queue.shift(), queue.shift()]).toEqual([3, 4, undefined]);
  });

  it("drops the item offered under drop-newest", () => {
    const queue = new BoundedQueue<number>({ capacity: 2, dropPolicy: "drop-newest" });
    expect([1, 2, 3].map((n) => queue.push(n))).toEqual([true, true, false]);
    expect([queue.dropped, queue.shift(), queue.shift()]).toEqual([1, 1, 2]);
  });

  it("keeps FIFO order across many pushes and takes", () => {
    const queue = new BoundedQueue<number>();
    const taken: number[] = [];
    for (let i = 0; i < 5000; i++) {
      queue.push(i);
      if (i % 3 === 0) taken.push(queue.shift() as number);
    }
    for (let n = queue.shift(); n !== undefined; n = queue.shift()) taken.push(n);
    expect(taken).toEqual(Array.from({ length: 5000 }, (_, i) => i));
  });

  it("wakes a waiting next() with the item pushed, in the order they waited", async () => {
    const queue = new BoundedQueue<string>();
    const first = queue.next();
    const second = queue.next();
    queue.push("a");
    queue.push("b");
    expect(await first).toEqual({ done: false, value: "a" });
    expect(await second).toEqual({ done: false, value: "b" });
    expect([queue.size, queue.received]).toEqual([0, 2]);
  });

  it("hands out what was queued after close, then the end; refuses pushes", async () => {
    const queue = new BoundedQueue<number, End>();
    queue.push(1);
    const error = new Error("broken");
    expect(queue.close({ reason: "failed", error })).toBe(true);
    expect(queue.close({ reason: "completed" })).toBe(false);
    expect(queue.push(2)).toBe(false);
    expect(await queue.next()).toEqual({ done: false, value: 1 });
    expect(await queue.next()).toEqual({ done: true, value: { reason: "failed", error } });
    expect([queue.isClosed, queue.end, queue.received]).toEqual([
      true,
      { reason: "failed", error },
      1,
    ]);
  });

  it("ends a waiting next() at close", async () => {
    const queue = new BoundedQueue<number, End>();
    const waiting = queue.next();
    queue.close({ reason: "completed" });
    expect(await waiting).toEqual({ done: true, value: { reason: "completed" } });
  });

  it("rejects next() with the signal's reason when it aborts, and takes nothing then", async () => {
    const queue = new BoundedQueue<number>();
    const controller = new AbortController();
    const waiting = queue.next(controller.signal);
    controller.abort(new Error("stop"));
    await expect(waiting).rejects.toThrow("stop");
    queue.push(1);
    expect(queue.size).toBe(1);
    await expect(queue.next(AbortSignal.abort(new Error("already")))).resolves.toEqual({
      done: false,
      value: 1,
    });
    await expect(queue.next(AbortSignal.abort(new Error("already")))).rejects.toThrow("already");
  });

  it("wakes a producer waiting for room once the consumer took enough, or at wake() or close()", async () => {
    const queue = new BoundedQueue<number, End>();
    for (const n of [1, 2, 3]) queue.push(n);
    const events: string[] = [];
    const room = queue.whenBelow(2).then(() => events.push("room"));
    queue.shift();
    await Promise.resolve();
    expect(events).toEqual([]);
    queue.shift();
    await room;
    expect(events).toEqual(["room"]);

    const woken = queue.whenBelow(1);
    queue.wake();
    await woken;
    const closed = queue.whenBelow(1);
    queue.close({ reason: "completed" });
    await closed;
    await queue.whenBelow(0); // closed: never waits
  });

  it("clear() empties it without counting drops", () => {
    const queue = new BoundedQueue<number>({ capacity: 3 });
    for (const n of [1, 2, 3]) queue.push(n);
    expect(queue.clear()).toEqual([1, 2, 3]);
    expect([queue.size, queue.dropped, queue.shift()]).toEqual([0, 0, undefined]);
  });

  it("refuses a capacity below 1", () => {
    expect(() => new BoundedQueue({ capacity: 0 })).toThrow(RangeError);
  });
});
