import { type Alert, ConfigurationError, parseAlertJson } from "@falco-sdk/core";
import { Counter, Registry } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import { type Cleanup, grpcAlert, grpcSource, httpSource, jsonAlert } from "../test/sources.js";
import { createPrometheusExporter, MetricsListenError, type PrometheusExporter } from "./index.js";

const cleanups: Cleanup[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function started(exporter: Promise<PrometheusExporter>): Promise<PrometheusExporter> {
  const e = await exporter;
  cleanups.push(() => e.close());
  return e;
}

async function* from(...alerts: Alert[]) {
  yield* alerts;
}
const status = async (url: string, init?: RequestInit) => (await fetch(url, init)).status;

/** Polls `check` (bounded attempts) until it returns true; for waiting on events, not timing. */
async function until(what: string, check: () => Promise<boolean>, attempts = 300): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`never happened: ${what}`);
}
const readiness = (e: PrometheusExporter, code: number) =>
  until(`/readiness ${code}`, async () => (await status(`${e.probesUrl}/readiness`)) === code);
const scrapeUntil = async (e: PrometheusExporter, pattern: RegExp) => {
  let text = "";
  await until(`metrics match ${pattern}`, async () => {
    text = await (await fetch(e.url)).text();
    return pattern.test(text);
  });
  return text;
};

describe("createPrometheusExporter over gRPC", () => {
  it("is ready while connected, counts alerts, and reports a lost connection and its possible loss", async () => {
    const { server, client } = await grpcSource(cleanups);
    const exporter = await started(
      createPrometheusExporter({ port: 0, status: client.status(), alerts: client.subscribe() }),
    );
    expect(exporter.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    await readiness(exporter, 204);
    expect(await status(`${exporter.probesUrl}/liveness`)).toBe(204);
    await server.emit([grpcAlert(), grpcAlert()]);
    const text = await scrapeUntil(exporter, /^falco_events\{.*\} 2$/m);
    expect(text).toContain(
      'falco_events{rule="Write below binary dir",priority="4",hostname="node-7",source="syscall",k8s_ns_name="default",k8s_pod_name="web-0",tags=",filesystem,mitre_persistence,"} 2',
    );
    expect(text).toMatch(/^falco_sdk_connected 1$/m);

    await server.crash();
    await readiness(exporter, 503);
    expect(await status(`${exporter.probesUrl}/liveness`)).toBe(204);
    await scrapeUntil(exporter, /^falco_sdk_possible_alert_losses_total 1$/m);
    expect(await (await fetch(exporter.url)).text()).toMatch(/^falco_sdk_connected 0$/m);

    await server.restart();
    await readiness(exporter, 204);
    await server.emit(grpcAlert());
    await scrapeUntil(exporter, /^falco_events\{.*\} 3$/m);
  });

  it("rejects done when the source gives up, and keeps serving the counts", async () => {
    const { server, client } = await grpcSource(cleanups);
    await server.stop();
    const exporter = await started(
      createPrometheusExporter({ port: 0, status: client.status(), alerts: client.subscribe() }),
    );
    await expect(exporter.done).rejects.toMatchObject({ code: "socket-not-found" });
    expect(exporter.ready()).toBe(false);
    expect(await status(exporter.url)).toBe(200);
    expect(await status(`${exporter.probesUrl}/readiness`)).toBe(503);
  });
});

describe("createPrometheusExporter over Falco's http_output", () => {
  it("is ready while listening, counts POSTed alerts, and is not ready once the receiver closed", async () => {
    const { receiver, post } = await httpSource(cleanups);
    const exporter = await started(
      createPrometheusExporter({
        port: 0,
        initialStatus: { type: "listening" },
        status: receiver.status(),
        alerts: receiver.alerts(),
      }),
    );
    expect(await status(`${exporter.probesUrl}/readiness`)).toBe(204);
    await post(jsonAlert());
    const text = await scrapeUntil(exporter, /^falco_events\{.*\} 1$/m);
    expect(text).toContain(
      'falco_events{rule="Terminal shell in container",priority="5",hostname="node-8",source="syscall",k8s_ns_name="shop",k8s_pod_name="cart-1",tags=",container,shell,"} 1',
    );
    await receiver.close();
    await readiness(exporter, 503);
    await exporter.done;
  });

  it("counts the receiver's refused requests", async () => {
    const { receiver } = await httpSource(cleanups);
    const exporter = await started(
      createPrometheusExporter({
        port: 0,
        initialStatus: { type: "listening" },
        status: receiver.status(),
        alerts: receiver.alerts(),
      }),
    );
    const refused = await fetch(receiver.url, {
      method: "POST",
      headers: { "Content-Type": "image/png" },
      body: "x",
    });
    expect(refused.status).toBe(415);
    await scrapeUntil(exporter, /^falco_sdk_requests_rejected_total\{reason="content-type"\} 1$/m);
  });
});

describe("createPrometheusExporter with any AsyncIterable<Alert>", () => {
  const alert = parseAlertJson(jsonAlert());

  it("without a status source, is ready while the alerts are being read", async () => {
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => {
      finish = resolve;
    });
    async function* alerts() {
      yield alert;
      await finished;
    }
    const exporter = await started(createPrometheusExporter({ port: 0, alerts: alerts() }));
    await scrapeUntil(exporter, /^falco_events\{.*\} 1$/m);
    expect(await status(`${exporter.probesUrl}/readiness`)).toBe(204);
    finish();
    await exporter.done;
    expect(await status(`${exporter.probesUrl}/readiness`)).toBe(503);
  });

  it("rejects done with the error of the alerts, without crashing anything", async () => {
    async function* alerts() {
      yield alert;
      throw new Error("source broke");
    }
    const exporter = await started(createPrometheusExporter({ port: 0, alerts: alerts() }));
    await expect(exporter.done).rejects.toThrow("source broke");
    expect(await (await fetch(exporter.url)).text()).toMatch(/^falco_events\{.*\} 1$/m);
  });

  it("serves probes on a listener of their own (falco-exporter's port 19376) and a custom path", async () => {
    const exporter = await started(
      createPrometheusExporter({ port: 0, path: "/custom", probes: { port: 0 }, alerts: from() }),
    );
    expect(exporter.url).toMatch(/\/custom$/);
    expect(exporter.probesUrl).not.toBe(new URL(exporter.url).origin);
    expect(await status(`${exporter.probesUrl}/liveness`)).toBe(204);
    expect(await status(`${exporter.probesUrl}/metrics`)).toBe(404);
    expect(await status(`${new URL(exporter.url).origin}/liveness`)).toBe(204);
    expect(await status(`${new URL(exporter.url).origin}/metrics`)).toBe(404);
    expect(await status(exporter.url)).toBe(200);
    expect(await status(exporter.url, { method: "POST" })).toBe(405);
  });

  it("serves extra registries on the same path, and refuses clashing names", async () => {
    const relay = new Registry();
    new Counter({ name: "falco_relay_subscriber_alerts_total", help: "x", registers: [relay] }).inc(
      3,
    );
    const exporter = await started(
      createPrometheusExporter({ port: 0, registries: [relay], alerts: from(alert) }),
    );
    await exporter.done;
    const text = await (await fetch(exporter.url)).text();
    expect(text).toMatch(/^falco_relay_subscriber_alerts_total 3$/m);
    expect(text).toMatch(/^falco_events\{.*\} 1$/m);

    const clash = new Registry();
    new Counter({ name: "falco_events", help: "x", registers: [clash] });
    await expect(
      createPrometheusExporter({ port: 0, registries: [clash], alerts: from() }),
    ).rejects.toBeInstanceOf(ConfigurationError);
  });

  it("says what to do when the port is taken", async () => {
    const first = await started(createPrometheusExporter({ port: 0, alerts: from() }));
    const port = Number(new URL(first.url).port);
    const error = await createPrometheusExporter({ port, alerts: from() }).catch((e) => e);
    expect(error).toBeInstanceOf(MetricsListenError);
    expect(error.code).toBe("metrics-listen");
    expect(error.message).toMatch(/EADDRINUSE.*another process/);
  });
});
