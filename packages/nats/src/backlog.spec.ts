import { describe, expect, it } from "vitest";
import { Backlog, type OutgoingAlert } from "./backlog.js";

const alert = (n: number): OutgoingAlert => ({
  subject: "falco.alerts.h.syscall.warning",
  id: `falco-${n}`,
  body: new Uint8Array([n]),
});
const ids = (backlog: Backlog) => {
  const out: string[] = [];
  for (let a = backlog.current(); a; a = backlog.current()) {
    out.push(a.id);
    backlog.settle(a);
  }
  return out;
};

describe("Backlog", () => {
  it("a full backlog drops its oldest queued alert, never the one in flight", () => {
    const backlog = new Backlog(3);
    for (const n of [1, 2, 3]) expect(backlog.push(alert(n))).toBe(false);
    expect(backlog.current()?.id).toBe("falco-1"); // in flight
    expect(backlog.push(alert(4))).toBe(true);
    expect(backlog.push(alert(5))).toBe(true);
    expect(backlog).toMatchObject({ size: 3, dropped: 2 });
    expect(ids(backlog)).toEqual(["falco-1", "falco-4", "falco-5"]);
    expect(backlog.size).toBe(0);
  });

  it("without an alert in flight the queue drops its oldest", () => {
    const backlog = new Backlog(2);
    for (const n of [1, 2, 3]) backlog.push(alert(n));
    expect(backlog).toMatchObject({ size: 2, dropped: 1 });
    expect(ids(backlog)).toEqual(["falco-2", "falco-3"]);
  });

  it("with a capacity of 1 the newest replaces the one in flight, whose ack then changes nothing", () => {
    const backlog = new Backlog(1);
    backlog.push(alert(1));
    const inFlight = backlog.current();
    expect(backlog.push(alert(2))).toBe(true);
    if (inFlight) backlog.settle(inFlight);
    expect(backlog).toMatchObject({ size: 1, dropped: 1 });
    expect(ids(backlog)).toEqual(["falco-2"]);
  });

  it("an alert handed to a waiting next() counts in size at once", async () => {
    const backlog = new Backlog(10);
    const stop = new AbortController();
    const next = backlog.next(stop.signal);
    backlog.push(alert(1));
    // Before next() resumes, forward()'s drain check must still see the alert.
    expect(backlog.size).toBe(1);
    const item = await next;
    expect(item?.id).toBe("falco-1");
    expect(backlog.size).toBe(1);
    if (item) backlog.settle(item);
    expect(backlog.size).toBe(0);
    const aborted = backlog.next(stop.signal);
    stop.abort();
    expect(await aborted).toBeUndefined();
  });

  it("wakes a reader waiting for room, and a drain waiting for empty, when the alert in flight is acked", async () => {
    const backlog = new Backlog(2);
    backlog.push(alert(1));
    backlog.push(alert(2));
    const first = backlog.current();
    let room = false;
    let empty = false;
    void backlog.whenBelow(2).then(() => {
      room = true;
    });
    void backlog.whenEmpty().then(() => {
      empty = true;
    });
    if (first) backlog.settle(first);
    await Promise.resolve();
    expect(room).toBe(true);
    expect(empty).toBe(false);
    const second = backlog.current();
    if (second) backlog.settle(second);
    await Promise.resolve();
    expect(empty).toBe(true);
  });
});
