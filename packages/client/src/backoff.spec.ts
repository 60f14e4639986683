import { describe, expect, it } from "vitest";
import { retryDelayMs } from "./backoff.js";
import { ConnectionError } from "./errors.js";
import { resolveBackoff as backoffWithDefaults } from "./resolve-options.js";

const error = new ConnectionError("down");

describe("reconnect backoff", () => {
  it("grows 1 s x1.6 up to 30 s, grpc-js style", () => {
    const b = backoffWithDefaults();
    const middle = () => 0.5; // no jitter at the middle of the range
    expect([1, 2, 3, 4, 10].map((n) => retryDelayMs(b, n, error, middle))).toEqual([
      1000, 1600, 2560, 4096, 30000,
    ]);
  });

  it("spreads each delay by +-20%", () => {
    const b = backoffWithDefaults();
    expect(retryDelayMs(b, 1, error, () => 0)).toBe(800);
    expect(retryDelayMs(b, 1, error, () => 0.999999)).toBe(1200);
  });

  it("gives up after maxAttempts, and lets a custom delay function decide", () => {
    expect(retryDelayMs(backoffWithDefaults({ maxAttempts: 2 }), 3, error)).toBeUndefined();
    const seen: number[] = [];
    const custom = backoffWithDefaults({
      delayMs: (attempt, e) => {
        seen.push(attempt);
        expect(e).toBe(error);
        return attempt < 3 ? attempt * 10 : false;
      },
    });
    expect([1, 2, 3].map((n) => retryDelayMs(custom, n, error))).toEqual([10, 20, undefined]);
    expect(seen).toEqual([1, 2, 3]);
  });
});
