import { expect, it } from "vitest";
import { linkedAbortController } from "./abort.js";

it("aborts with the first signal that aborts, at once when one already has", () => {
  const a = new AbortController();
  const b = new AbortController();
  const linked = linkedAbortController(a.signal, undefined, b.signal);
  expect(linked.signal.aborted).toBe(false);
  b.abort("b");
  expect([linked.signal.aborted, linked.signal.reason]).toEqual([true, "b"]);
  a.abort("a");
  expect(linked.signal.reason).toBe("b");

  const early = linkedAbortController(AbortSignal.abort("gone"), new AbortController().signal);
  expect([early.signal.aborted, early.signal.reason]).toEqual([true, "gone"]);
});

it("removes its listeners from long-lived signals once it aborts", () => {
  const longLived = new AbortController();
  let listeners = 0;
  const add = longLived.signal.addEventListener.bind(longLived.signal);
  longLived.signal.addEventListener = (...args: Parameters<typeof add>) => {
    const options = args[2];
    listeners++;
    if (typeof options === "object") options.signal?.addEventListener("abort", () => listeners--);
    add(...args);
  };
  for (let i = 0; i < 100; i++) linkedAbortController(longLived.signal).abort();
  expect(listeners).toBe(0);
});
