import { expect, it } from "vitest";
import { sleep } from "./sleep.js";

it("resolves once the time has passed", async () => {
  await expect(sleep(1)).resolves.toBeUndefined();
});

it("resolves at once when its signal aborts, or has aborted, and lets go of the signal", async () => {
  const controller = new AbortController();
  let listeners = 0;
  const add = controller.signal.addEventListener.bind(controller.signal);
  const remove = controller.signal.removeEventListener.bind(controller.signal);
  controller.signal.addEventListener = (...args: Parameters<typeof add>) => {
    listeners++;
    add(...args);
  };
  controller.signal.removeEventListener = (...args: Parameters<typeof remove>) => {
    listeners--;
    remove(...args);
  };
  const long = sleep(1e9, controller.signal); // a test timeout, unless the abort ends it
  controller.abort();
  await long;
  expect(listeners).toBe(0);
  await sleep(1e9, controller.signal);
  await sleep(1, new AbortController().signal);
  expect(listeners).toBe(0);
});
