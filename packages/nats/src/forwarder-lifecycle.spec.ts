import { ConfigurationError } from "@falco-sdk/core";
import { describe, expect, it } from "vitest";
import { ForwarderLifecycle } from "./forwarder-lifecycle.js";

describe("ForwarderLifecycle", () => {
  it("goes idle, connecting, preparing, forwarding, and back to where it was after a reconnect", () => {
    const life = new ForwarderLifecycle();
    expect(life.phase).toBe("idle");
    life.to("connecting");
    life.connected();
    expect(life.phase).toBe("preparing");
    life.linkDown();
    expect(life.phase).toBe("reconnecting");
    life.linkUp();
    expect(life.phase).toBe("preparing");
    life.streamReady();
    expect(life.phase).toBe("forwarding");
    life.linkDown();
    life.linkUp();
    expect(life.phase).toBe("forwarding");
    expect(life.stopped.aborted).toBe(false);
  });

  it("a stream made ready while reconnecting resumes forwarding", () => {
    const life = new ForwarderLifecycle();
    life.to("connecting");
    life.connected();
    life.linkDown();
    life.streamReady();
    expect(life.phase).toBe("reconnecting");
    life.linkUp();
    expect(life.phase).toBe("forwarding");
  });

  it("close drains, then closes; link events while draining keep it draining", () => {
    const life = new ForwarderLifecycle();
    life.to("connecting");
    life.connected();
    life.streamReady();
    expect(life.beginClose()).toBe(true);
    expect(life.beginClose()).toBe(false);
    expect(life.phase).toBe("draining");
    expect(life.closing).toBe(true);
    life.linkDown();
    life.linkUp();
    expect(life.phase).toBe("draining");
    life.finishClose();
    expect(life.phase).toBe("closed");
    expect(life.stopped.aborted).toBe(true);
    expect(life.error).toBeUndefined();
  });

  it("keeps the first failure through close, and ignores failures once closed", () => {
    const life = new ForwarderLifecycle();
    life.to("connecting");
    const first = new ConfigurationError("first");
    life.fail(first);
    life.fail(new ConfigurationError("second"));
    expect(life.phase).toBe("failed");
    expect(life.stopped.aborted).toBe(true);
    expect(life.closing).toBe(false);
    expect(life.beginClose()).toBe(true);
    expect(life.closing).toBe(true);
    life.finishClose();
    life.fail(new ConfigurationError("late"));
    expect(life.phase).toBe("closed");
    expect(life.error).toBe(first);
  });

  it("refuses a transition the machine does not have", () => {
    const life = new ForwarderLifecycle();
    expect(() => life.to("forwarding")).toThrow(/no transition from idle to forwarding/);
  });
});
