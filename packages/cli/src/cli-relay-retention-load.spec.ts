// Retention under load: falco-alerts relay --store --max-store-bytes while Falco's http_output
// posts far more than the limit holds, followed live and read late. Real processes, a real store.
import { join } from "node:path";
import { openAlertStore } from "@falco-sdk/store";
import { describe, expect, it } from "vitest";
import { falcoAlertBody as body, postBurst } from "../test/falco-http-poster.js";
import { tempDir, useProcesses } from "../test/spec-process.js";
import { follow } from "../test/sse-follower.js";
import { startStoreRelay } from "../test/store-relay.js";

useProcesses();

const ALERTS = 20_000;
/** Room for a few thousand of the test's alerts: retention removes most of the burst. */
const MAX_BYTES = 1024 * 1024;

interface Stats {
  count: number;
  removed: number;
  bytes: number;
  firstCursor: number;
  lastCursor: number;
  relay: { store: { stored: number; notStored: number } };
}

describe("falco-alerts relay --store --max-store-bytes under load", () => {
  it("keeps the store within the limit, the newest alerts whole, and every removal counted or reported", async () => {
    const storeDir = join(tempDir(), "store");
    const { relay, api, input } = await startStoreRelay(storeDir, [
      ...["--max-store-bytes", String(MAX_BYTES)],
    ]);
    // A follower from the start: it gets each alert, or a gap for those removed before it read
    // them (with 1 MiB, retention overtakes even a reader that reads as fast as it can: 13 gaps,
    // 2,327 alerts, in one run).
    const live = follow(api, 0, (seen) => {
      if (seen.cursor === ALERTS) live.stop();
    });
    await live.ready;
    const burst = await postBurst(input, 0, ALERTS, body);
    expect(burst).toEqual({ answered: ALERTS, sent: ALERTS, refused: 0 });
    const followed = await live.done;
    for (let i = 1; i < followed.length; i++) {
      expect(followed[i]!.cursor).toBeGreaterThan(followed[i - 1]!.cursor);
    }
    for (const seen of followed) expect(seen.n).toBe(seen.cursor - 1);
    const missed = live.gaps.reduce((a, b) => a + b, 0);
    expect(followed.length + missed).toBe(ALERTS);

    const stats = (await (await fetch(`${api}/api/v1/stats`)).json()) as Stats;
    expect(stats.relay.store).toMatchObject({ stored: ALERTS, notStored: 0 });
    expect(stats.lastCursor).toBe(ALERTS);
    expect(stats.removed).toBeGreaterThan(ALERTS / 2);
    expect(stats.count + stats.removed).toBe(ALERTS);
    expect(stats.firstCursor).toBe(stats.removed + 1);
    expect(stats.bytes).toBeLessThanOrEqual(MAX_BYTES);

    // A reader that comes late: first a gap with what retention removed, then the rest.
    const late = follow(api, 0, (seen) => {
      if (seen.cursor === ALERTS) late.stop();
    });
    const kept = await late.done;
    expect(late.gaps).toEqual([stats.removed]);
    expect(kept.map((a) => a.n)).toEqual(
      Array.from({ length: stats.count }, (_, i) => stats.removed + i),
    );
    relay.child.kill("SIGTERM");
    expect((await relay.done).code).toBe(0);

    // Reopened: the same alerts, within the limit.
    const store = openAlertStore({ directory: storeDir, maxBytes: MAX_BYTES });
    try {
      expect(store.stats()).toMatchObject({
        count: stats.count,
        removed: stats.removed,
        lastCursor: ALERTS,
      });
      expect(store.stats().bytes).toBeLessThanOrEqual(MAX_BYTES);
    } finally {
      store.close();
    }
  }, 120_000);
});
