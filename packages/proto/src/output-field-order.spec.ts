// The output fields come out in name order, the values in their places, whether a set of
// names is new, remembered, or only looks like a remembered one.
import { describe, expect, it } from "vitest";
import { OutputFieldOrder } from "./output-field-order.js";

type Entry = readonly [key: string, value: string, slot: number];

function build(order: OutputFieldOrder, entries: readonly Entry[]): Record<string, string> {
  order.reset();
  for (const [key, value, slot] of entries) order.add(key, value, slot);
  return order.build();
}

/** What fromBinary gives: the last value of each key; here listed in name order. */
function expected(entries: readonly Entry[]): [string, string][] {
  const last = new Map<string, string>();
  for (const [key, value] of entries) last.set(key, value);
  return [...last].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

const names = ["proc.name", "evt.time", "user.name", "container.id", "fd.name", "evt.type"];
/** Every rotation, each also reversed; the values differ from one alert to the next. */
function orders(slotOf: (i: number) => number): Entry[][] {
  return names.flatMap((_, r) => {
    const rotated = [...names.slice(r), ...names.slice(0, r)];
    return [rotated, [...rotated].reverse()].map((keys, n) =>
      keys.map((key): Entry => [key, `${key}=${r}.${n}`, slotOf(names.indexOf(key))]),
    );
  });
}

describe("OutputFieldOrder", () => {
  it("lists a set of names in name order, in every order it arrives, its values in place", () => {
    const order = new OutputFieldOrder(64);
    for (let round = 0; round < 2; round++) {
      for (const entries of orders((i) => i * 3)) {
        expect(Object.entries(build(order, entries))).toEqual(expected(entries));
      }
    }
  });

  it("finds names that share a cache slot, and names the cache did not keep", () => {
    const order = new OutputFieldOrder(64);
    for (const slotOf of [(i: number) => i % 2, () => 0, (i: number) => (i === 2 ? -1 : i)]) {
      for (const entries of orders(slotOf)) {
        expect(Object.entries(build(order, entries))).toEqual(expected(entries));
      }
    }
  });

  it("keeps the last value of a repeated name, also in a set that looks remembered", () => {
    const order = new OutputFieldOrder(64);
    const set: Entry[] = [
      ["b", "1", 1],
      ["a", "2", 2],
      ["c", "3", 3],
    ];
    build(order, set);
    // Same count and, with these slots, the same hash as the set above: a name given twice.
    const repeated: Entry[] = [
      ["b", "x", 1],
      ["a", "y", 2],
      ["b", "z", 3],
    ];
    expect(Object.entries(build(order, repeated))).toEqual(expected(repeated));
    // Another set in the same slots (the cache evicted the names): not mistaken for the first.
    const other: Entry[] = [
      ["e", "4", 1],
      ["d", "5", 2],
      ["f", "6", 3],
    ];
    expect(Object.entries(build(order, other))).toEqual(expected(other));
    expect(Object.entries(build(order, set))).toEqual(expected(set));
  });

  it("stays correct when many sets share few remembered shapes", () => {
    const order = new OutputFieldOrder(256, 2);
    for (let round = 0; round < 3; round++) {
      for (let s = 0; s < 20; s++) {
        const entries: Entry[] = [3, 1, 2, 0].map((k) => [`f${s}.${k}`, `${round}`, s * 4 + k]);
        expect(Object.entries(build(order, entries))).toEqual(expected(entries));
      }
    }
    expect(build(order, [])).toEqual({});
  });
});
