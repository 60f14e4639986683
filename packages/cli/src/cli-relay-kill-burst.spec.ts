// kill -9 of falco-alerts relay --store during a 50,000-alert burst from Falco's http_output
// path, then a restart on the same store: real processes, a real store directory, real HTTP.
import { join } from "node:path";
import { openAlertStore } from "@falco-sdk/store";
import { describe, expect, it } from "vitest";
import { falcoAlertBody as body, postBurst } from "../test/falco-http-poster.js";
import { tempDir, useProcesses } from "../test/spec-process.js";
import { follow, type Seen } from "../test/sse-follower.js";
import { startStoreRelay } from "../test/store-relay.js";

useProcesses();

/** Alerts in the burst, first run and restarted run together. */
const BURST = 50_000;
/**
 * The relay is killed once Falco (the poster) had this many alerts answered and a follower of
 * the store had received `FOLLOWED` of them, at whichever of these two events comes last.
 */
const KILL_AFTER = 20_000;
const FOLLOWED = 10_000;

describe("falco-alerts relay --store, killed with SIGKILL during an http_output burst", () => {
  it("restarts on its store holding every alert Falco got an answer for, once, in order, then the rest", async () => {
    const storeDir = join(tempDir(), "store");
    const first = await startStoreRelay(storeDir);
    // The kill comes from the answers Falco got and what a follower of the store received,
    // wherever the relay then is (reading a POST, collecting a batch, in an append or its fsync,
    // serving the stream).
    let answered = 0;
    let followed = 0;
    let killed = false;
    const killWhenDue = () => {
      if (killed || answered < KILL_AFTER || followed < FOLLOWED) return;
      killed = first.relay.child.kill("SIGKILL");
    };
    const before = follow(first.api, 0, () => {
      followed++;
      killWhenDue();
    });
    await before.ready;
    const burst = await postBurst(first.input, 0, BURST, body, () => {
      answered++;
      killWhenDue();
    });
    await first.relay.done;
    expect(first.relay.child.signalCode).toBe("SIGKILL");
    const seenBefore = await before.done;
    // Killed in the middle of the burst: it stopped at the connection the kill closed.
    expect(burst.error).toBeInstanceOf(Error);
    expect(burst.refused).toBe(0);
    expect(burst.answered).toBeGreaterThanOrEqual(KILL_AFTER);
    expect(burst.answered).toBeLessThan(BURST - 1000);
    expect(seenBefore.length).toBeGreaterThanOrEqual(FOLLOWED);

    // Restarted on the same store: Falco goes on with its next alert (it never retries the
    // one whose POST failed), and a follower resumes after the last cursor it got.
    const second = await startStoreRelay(storeDir);
    const lastSeen = seenBefore[seenBefore.length - 1]?.cursor ?? 0;
    const after = follow(second.api, lastSeen, (seen) => {
      if (seen.n === BURST - 1) after.stop();
    });
    const rest = await postBurst(second.input, burst.sent, BURST - burst.sent, body);
    expect(rest).toEqual({ answered: BURST - burst.sent, sent: BURST - burst.sent, refused: 0 });
    const seenAfter = await after.done;
    second.relay.child.kill("SIGTERM");
    const stopped = await second.relay.done;
    expect(stopped.stderr).not.toMatch(/not stored|not being stored/);
    expect(stopped.code).toBe(0);

    // The store, as the relay left it.
    const store = openAlertStore({ directory: storeDir });
    const stored: Seen[] = [];
    try {
      for await (const alert of store.read({ after: 0, follow: false, pageSize: 2000 })) {
        stored.push({ cursor: alert.cursor, n: Number(alert.outputFields.n) });
      }
    } finally {
      store.close();
    }
    // From the first run: alerts 0..kept-1, a prefix of what was posted: every alert whose POST
    // was answered (the intake journal had it before the answer left; the restart appended what
    // the store lacked), and maybe the one in flight at the kill; then every alert posted after
    // the restart, in order, once.
    const kept = stored.findIndex((a) => a.n >= burst.sent);
    expect(kept).toBeGreaterThanOrEqual(seenBefore.length);
    expect(kept).toBeGreaterThanOrEqual(burst.answered);
    expect(kept).toBeLessThanOrEqual(burst.sent);
    const expected = [
      ...Array.from({ length: kept }, (_, i) => i),
      ...Array.from({ length: BURST - burst.sent }, (_, i) => burst.sent + i),
    ];
    expect(stored.map((a) => a.n)).toEqual(expected);
    for (let i = 1; i < stored.length; i++) {
      expect(stored[i]!.cursor).toBeGreaterThan(stored[i - 1]!.cursor);
    }
    // Each follower got exactly what the store holds, in order: the first a prefix, the second
    // (resumed after the kill with Last-Event-ID) everything after it.
    expect([...seenBefore, ...seenAfter]).toEqual(stored);
    console.log(
      `relay killed after ${burst.answered} answered POSTs; ${kept} stored; ` +
        `${Math.max(0, burst.answered - kept)} answered but not stored; ` +
        `${seenBefore.length} seen by the follower`,
    );
  }, 120_000);
});
