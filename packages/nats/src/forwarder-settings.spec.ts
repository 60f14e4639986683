import { describe, expect, it } from "vitest";
import { forwarderSettings } from "./forwarder-settings.js";

describe("forwarderSettings", () => {
  it("retry defaults to 1 s, x1.6, +-20%, at most 5 s", () => {
    expect(forwarderSettings({}).retry).toEqual({
      initialDelayMs: 1000,
      maxDelayMs: 5000,
      multiplier: 1.6,
      jitter: 0.2,
    });
  });

  it("takes the deprecated retryDelayMs and maxRetryDelayMs when retry does not say", () => {
    expect(forwarderSettings({ retryDelayMs: 50, maxRetryDelayMs: 400 }).retry).toMatchObject({
      initialDelayMs: 50,
      maxDelayMs: 400,
    });
    const both = forwarderSettings({
      retry: { initialDelayMs: 20, multiplier: 2, jitter: 0 },
      retryDelayMs: 50,
      maxRetryDelayMs: 400,
    });
    expect(both.retry).toEqual({ initialDelayMs: 20, maxDelayMs: 400, multiplier: 2, jitter: 0 });
  });

  it("a maximum below the first delay does not shorten it; nonsense is refused", () => {
    expect(
      forwarderSettings({ retry: { initialDelayMs: 800, maxDelayMs: 100 } }).retry,
    ).toMatchObject({ initialDelayMs: 800, maxDelayMs: 800 });
    expect(() => forwarderSettings({ retry: { multiplier: 0.5 } })).toThrow(/multiplier >= 1/);
    expect(() => forwarderSettings({ maxBacklog: 0 })).toThrow(/maxBacklog must be at least 1/);
  });
});
