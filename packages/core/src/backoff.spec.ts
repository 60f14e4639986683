import { expect, it } from "vitest";
import { backoffDelayMs } from "./backoff.js";

it("grows 1 s x1.6 up to 30 s by default, grpc-js style", () => {
  const middle = () => 0.5; // no jitter at the middle of the range
  expect([1, 2, 3, 4, 10].map((n) => backoffDelayMs({}, n, middle))).toEqual([
    1000, 1600, 2560, 4096, 30000,
  ]);
});

it("spreads each delay by +-jitter and follows its options", () => {
  expect(backoffDelayMs({}, 1, () => 0)).toBe(800);
  expect(backoffDelayMs({}, 1, () => 0.999999)).toBe(1200);
  const options = { initialDelayMs: 10, maxDelayMs: 50, multiplier: 3, jitter: 0 };
  expect([1, 2, 3].map((n) => backoffDelayMs(options, n))).toEqual([10, 30, 50]);
});
