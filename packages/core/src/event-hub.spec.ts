import { expect, it } from "vitest";
import { EventHub } from "./event-hub.js";

type Event = { type: "n"; n: number } | { type: "closed" };

it("hands every event to every reader and ends each after closed", async () => {
  const hub = new EventHub<Event>();
  const one = hub.subscribe()[Symbol.asyncIterator]();
  const two = hub.subscribe()[Symbol.asyncIterator]();
  const first = [one.next(), two.next()]; // registers both readers
  hub.publish({ type: "n", n: 1 });
  hub.publish({ type: "closed" });
  hub.publish({ type: "n", n: 2 }); // after closed: ignored
  expect(await Promise.all(first)).toEqual([
    { done: false, value: { type: "n", n: 1 } },
    { done: false, value: { type: "n", n: 1 } },
  ]);
  expect(await one.next()).toEqual({ done: false, value: { type: "closed" } });
  expect(await one.next()).toEqual({ done: true, value: undefined });
  const late = hub.subscribe()[Symbol.asyncIterator]();
  expect(await late.next()).toEqual({ done: true, value: undefined });
});

it("keeps a lagging reader's newest 100 events, never blocking the publisher", async () => {
  const hub = new EventHub<Event>();
  const reader = hub.subscribe()[Symbol.asyncIterator]();
  const first = reader.next();
  for (let n = 0; n < 250; n++) hub.publish({ type: "n", n });
  hub.publish({ type: "closed" });
  const seen: Event[] = [(await first).value];
  for (let r = await reader.next(); !r.done; r = await reader.next()) seen.push(r.value);
  expect(seen).toHaveLength(101);
  expect(seen[0]).toEqual({ type: "n", n: 0 });
  expect(seen[1]).toEqual({ type: "n", n: 151 });
  expect(seen.at(-1)).toEqual({ type: "closed" });
});
