import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@connectrpc/connect";
import { service } from "@falco-sdk/proto/outputs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AlertGeneratorOptionsError, createAlertGenerator } from "./alert-generator.js";
import { createFalcoTestServer, type NodeFalcoServer } from "./node-server.js";
import { createTestTransport } from "./test-transport.js";

describe("createAlertGenerator", () => {
  it("is deterministic: same seed, same sequence; another seed differs", () => {
    const a = createAlertGenerator({ seed: 7 }).take(100);
    expect(createAlertGenerator({ seed: 7 }).take(100)).toEqual(a);
    expect(createAlertGenerator({ seed: 8 }).take(100)).not.toEqual(a);
  });

  it("starts at startTime and moves time forward", () => {
    const start = new Date("2025-06-01T12:34:56.000Z");
    const alerts = createAlertGenerator({ startTime: start, hostname: "node-7" }).take(20);
    expect(alerts[0]?.time).toEqual({ seconds: BigInt(start.getTime() / 1000), nanos: 0 });
    expect(alerts[0]?.output).toMatch(/^12:34:56\.000000000: /);
    for (let i = 1; i < alerts.length; i += 1) {
      const ns = (alert: (typeof alerts)[number]) =>
        (alert.time?.seconds ?? 0n) * 1_000_000_000n + BigInt(alert.time?.nanos ?? 0);
      expect(ns(alerts[i] as (typeof alerts)[number])).toBeGreaterThan(
        ns(alerts[i - 1] as (typeof alerts)[number]),
      );
    }
    expect(alerts.every((alert) => alert.hostname === "node-7")).toBe(true);
  });

  it("gives an alert of a named rule, and refuses unknown rules", () => {
    const generator = createAlertGenerator();
    expect(generator.next("Console Login Without MFA")).toMatchObject({
      rule: "Console Login Without MFA",
      source: "aws_cloudtrail",
    });
    expect(() => generator.next("No such rule")).toThrow(AlertGeneratorOptionsError);
  });

  describe("emitAtRate", () => {
    let dir: string;
    let server: NodeFalcoServer;
    beforeEach(async () => {
      dir = mkdtempSync(join(tmpdir(), "falco-gen-"));
      server = await createFalcoTestServer({ listen: { socketPath: join(dir, "falco.sock") } });
    });
    afterEach(async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it("emits `count` alerts, the same sequence as take()", async () => {
      const emitted = await createAlertGenerator({ seed: 3 }).emitAtRate(server, {
        ratePerSecond: 2_000,
        count: 150,
      });
      expect(emitted).toBe(150);
      expect(server.statsSync().queued).toBe(150);
      const expected = createAlertGenerator({ seed: 3 }).take(150);
      const { transport, close } = createTestTransport({ endpoint: server.endpoint });
      try {
        const rules: string[] = [];
        for await (const alert of createClient(service, transport).get({})) {
          rules.push(alert.rule);
        }
        expect(rules).toEqual(expected.map((alert) => alert.rule));
      } finally {
        close();
      }
    });

    it("emits rate x duration alerts over durationMs", async () => {
      const emitted = await createAlertGenerator().emitAtRate(server, {
        ratePerSecond: 500,
        durationMs: 100,
      });
      expect(emitted).toBe(50);
      expect(server.statsSync().queued).toBe(50);
    });

    it("stops when the signal aborts and reports what it emitted", async () => {
      const controller = new AbortController();
      const running = createAlertGenerator().emitAtRate(server, {
        ratePerSecond: 1_000,
        signal: controller.signal,
      });
      while (server.statsSync().queued < 5) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      controller.abort();
      const emitted = await running;
      expect(emitted).toBeGreaterThanOrEqual(5);
      expect(server.statsSync().queued).toBe(emitted);
    });

    it("refuses options that would never stop or a rate that is not positive", async () => {
      const generator = createAlertGenerator();
      await expect(generator.emitAtRate(server, { ratePerSecond: 10 })).rejects.toThrow(
        AlertGeneratorOptionsError,
      );
      await expect(generator.emitAtRate(server, { ratePerSecond: 0, count: 1 })).rejects.toThrow(
        AlertGeneratorOptionsError,
      );
    });
  });
});
