// Runs one conformance scenario (conformance/README.md) against one test server, with the
// TypeScript client. Server steps go to an in-process launcher session: the same commands,
// and the same code, as the falco-test-launcher the other languages' runners spawn.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Alert, alertToJson, FalcoError } from "@falco-sdk/core";
import { createLauncherSession, type LauncherReply } from "@falco-sdk/testing";
import { expect } from "vitest";
import type { FalcoClientOptions } from "../src/client-options.js";
import type { ClientStatus } from "../src/client-status.js";
import { createFalcoClient, type FalcoClient } from "../src/falco-client.js";
import type { FalcoSubscription } from "../src/subscription.js";
import type { Bound, ErrorMatch, EventMatch, Scenario, Step } from "./conformance-scenarios.js";

type Pki = {
  ca: string;
  cert: string;
  key: string;
  rogueCa: string;
  rogueCert: string;
  rogueKey: string;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Re-checks `check` until it returns true, failing with `what` after `timeoutMs`. */
async function until(
  what: () => string,
  timeoutMs: number,
  check: () => boolean | Promise<boolean>,
) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not met within ${timeoutMs} ms: ${what()}`);
    await sleep(20);
  }
}

export function errorMatches(error: unknown, match: ErrorMatch): boolean {
  if (!(error instanceof FalcoError) || error.code !== match.code) return false;
  if (match.reason !== undefined && (error as { reason?: unknown }).reason !== match.reason)
    return false;
  return (
    match.messageIncludes === undefined ||
    error.message.toLowerCase().includes(match.messageIncludes.toLowerCase())
  );
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { code, reason } = error as { code?: unknown; reason?: unknown };
  return `${error.constructor.name} code=${String(code)} reason=${String(reason)}: ${error.message}`;
}

function eventMatches(event: ClientStatus, match: EventMatch): boolean {
  if (event.type !== match.type) return false;
  const fields = event as unknown as Record<string, unknown>;
  for (const key of ["alertsMayHaveBeenLost", "count", "total", "attempt"] as const) {
    if (match[key] !== undefined && fields[key] !== match[key]) return false;
  }
  return match.error === undefined || errorMatches(fields.error, match.error);
}

const show = (event: ClientStatus) =>
  JSON.stringify(event, (k, v) => (k === "error" ? describeError(v) : v));

function within(value: number, bound: Bound): boolean {
  if (typeof bound === "number") return value === bound;
  return value >= (bound.atLeast ?? -Infinity) && value <= (bound.atMost ?? Infinity);
}

/**
 * JSON text with every object's keys in name order: alerts compare by their fields, whatever
 * order the launcher's answer and the decoder give them (`output_fields` above all).
 */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** One run of a scenario: a server kind and a transport. */
export async function runScenario(
  scenario: Scenario,
  kind: string,
  transport: string,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "falco-conformance-"));
  const session = createLauncherSession(dir);
  const server = (cmd: string, args: Record<string, unknown> = {}): Promise<LauncherReply> =>
    session.handle({ cmd, ...args });
  let client: FalcoClient | undefined;
  let subscription: FalcoSubscription | undefined;
  let source: AsyncIterator<Alert> | undefined;
  const emitted: unknown[] = [];
  let matched = 0; // emitted alerts already received
  let status: ClientStatus[] = [];
  let statusCursor = 0;

  const started = await server("start", { kind, transport, ...scenario.server });
  const endpoint = String(started.endpoint);
  const pki = started.pki as Pki | undefined;

  const tlsOptions = (name = "valid"): FalcoClientOptions["tls"] => {
    if (!pki) return undefined;
    const valid = { ca: pki.ca, cert: pki.cert, key: pki.key, serverName: "localhost" };
    switch (name) {
      case "valid":
        return valid;
      case "wrongCa":
        return { ...valid, ca: pki.rogueCa };
      case "rogueClientCert":
        return { ...valid, cert: pki.rogueCert, key: pki.rogueKey };
      case "noClientCert":
        return { ca: pki.ca, serverName: "localhost" };
      case "wrongServerName":
        return { ...valid, serverName: "falco.example.org" };
      default:
        throw new Error(`unknown tls ${name}`);
    }
  };

  const nextAlert = async (timeoutMs: number): Promise<Alert | undefined> => {
    if (!source) throw new Error("no alert source: subscribe or get first");
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no alert within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      const next = await Promise.race([source.next(), timeout]);
      return next.done ? undefined : next.value;
    } finally {
      clearTimeout(timer);
    }
  };
  const takeMatching = async (count: number, timeoutMs: number) => {
    for (let i = 0; i < count; i++) {
      const alert = await nextAlert(timeoutMs);
      expect(alert, `alert ${matched + 1} of ${emitted.length} emitted`).toBeDefined();
      expect(alertToJson(alert as Alert)).toEqual(emitted[matched]);
      matched++;
    }
  };
  const alertOf = (a: Alert) => canonicalJson(alertToJson(a));

  async function runStep(step: Step): Promise<void> {
    const timeoutMs = step.timeoutMs ?? 30_000;
    if (step.server !== undefined) {
      const { server: cmd, ...args } = step;
      const reply = await server(cmd, args);
      if (cmd === "emit") emitted.push(...(reply.alerts as unknown[]));
      return;
    }
    if (step.repeat !== undefined) {
      const match = step.until as EventMatch;
      const found = () => status.slice(statusCursor).findIndex((e) => eventMatches(e, match));
      for (let round = 0; found() < 0; round++) {
        if (round >= (step.atMost ?? 1))
          throw new Error(`no ${JSON.stringify(match)} after ${round} rounds`);
        for (const inner of step.repeat) await runStep(inner);
      }
      statusCursor += found() + 1;
      return;
    }
    if (step.client !== undefined) return clientStep(step);
    return expectStep(step, timeoutMs);
  }

  async function clientStep(step: Step): Promise<void> {
    const options = (step.options ?? {}) as Record<string, unknown>;
    switch (step.client) {
      case "create": {
        await client?.close();
        const { tls, ...rest } = options;
        let created: FalcoClient;
        try {
          created = createFalcoClient({
            endpoint,
            tls: tlsOptions(tls as string | undefined),
            ...rest,
          });
        } catch (error) {
          if (step.error)
            return void expect(errorMatches(error, step.error), describeError(error)).toBe(true);
          throw error;
        }
        if (step.error) throw new Error("createFalcoClient succeeded; expected it to fail");
        client = created;
        status = [];
        statusCursor = 0;
        const events = status;
        void (async () => {
          for await (const event of created.status()) events.push(event);
        })();
        return;
      }
      case "version":
        return outcome(() => (client as FalcoClient).version(), step.error);
      case "subscribe": {
        subscription = (client as FalcoClient).subscribe(options);
        source = subscription[Symbol.asyncIterator]();
        if (step.error) await outcome(() => (source as AsyncIterator<Alert>).next(), step.error);
        return;
      }
      case "get": {
        const stream = (client as FalcoClient).get()[Symbol.asyncIterator]();
        const got: Alert[] = [];
        for (let next = await stream.next(); !next.done; next = await stream.next()) {
          got.push(next.value);
          if (got.length === step.take) break;
        }
        if (step.take !== undefined) await stream.return?.();
        const items = got[Symbol.iterator]();
        source = { next: async () => items.next() };
        return;
      }
      case "slowConsume":
        for (let i = 0; i < (step.count ?? 0); i++) {
          const pending = (subscription as FalcoSubscription).pending;
          expect(pending, "alerts held by the subscription").toBeLessThanOrEqual(
            step.maxPending ?? 0,
          );
          await takeMatching(1, 30_000);
          await sleep(step.pauseMs ?? 0);
        }
        return;
      case "unsubscribe":
        // The consumer's `break` (the iterator's return), then unsubscribe().
        await source?.return?.();
        subscription?.unsubscribe();
        return;
      case "close":
        await client?.close();
        return;
      default:
        throw new Error(`unknown client step ${step.client}`);
    }
  }

  async function outcome(call: () => Promise<unknown>, error: ErrorMatch | undefined) {
    if (!error) return void (await call());
    try {
      await call();
    } catch (caught) {
      return void expect(errorMatches(caught, error), describeError(caught)).toBe(true);
    }
    throw new Error(`succeeded; expected ${JSON.stringify(error)}`);
  }

  async function expectStep(step: Step, timeoutMs: number): Promise<void> {
    switch (step.expect) {
      case "alerts":
        return takeMatching(step.count ?? 0, timeoutMs);
      case "alertsThroughLast": {
        const expected = emitted.slice(matched).map(canonicalJson);
        const got: string[] = [];
        while (got.at(-1) !== expected.at(-1)) {
          const alert = await nextAlert(timeoutMs);
          if (!alert) break;
          got.push(alertOf(alert));
        }
        let at = 0;
        for (const alert of got) {
          const found = expected.indexOf(alert, at);
          expect(
            found,
            `received out of order, repeated or never emitted: ${alert}`,
          ).toBeGreaterThanOrEqual(at);
          at = found + 1;
        }
        const missing = expected.length - got.length;
        const bound = step.missing?.atMost;
        const allowed =
          bound === "serverDropped" ? Number((await server("stats")).dropped) : (bound ?? 0);
        expect(missing, `missing alerts (at most ${allowed})`).toBeLessThanOrEqual(allowed);
        if (missing > 0) {
          expect(status.some((e) => e.type === "disconnected" && e.alertsMayHaveBeenLost)).toBe(
            true,
          );
        }
        matched = emitted.length;
        return;
      }
      case "end":
        return void expect(await nextAlert(timeoutMs)).toBeUndefined();
      case "pending":
        return until(
          () => `pending ${subscription?.pending} >= ${step.atLeast}`,
          timeoutMs,
          () => (subscription?.pending ?? 0) >= (step.atLeast ?? 0),
        );
      case "status": {
        const events = step.events ?? [];
        const last = "";
        await until(
          () =>
            `status ${JSON.stringify(events)} after ${last}; got ${status.slice(statusCursor).map(show).join(", ")}`,
          timeoutMs,
          () => {
            let at = statusCursor;
            for (const match of events) {
              const found = status.slice(at).findIndex((e) => eventMatches(e, match));
              if (found < 0 || (step.exact && found !== 0)) return false;
              at += found + 1;
            }
            statusCursor = at;
            return true;
          },
        );
        return;
      }
      case "noStatus": {
        const found = status.filter((e) => e.type === step.type);
        return void expect(found.map(show)).toEqual([]);
      }
      case "serverStats": {
        let stats: LauncherReply = {};
        const keys = ["queued", "delivered", "dropped", "subscribers", "requests"] as const;
        await until(
          () => `server stats ${JSON.stringify(stats)}`,
          timeoutMs,
          async () => {
            stats = await server("stats");
            return keys.every(
              (k) => step[k] === undefined || within(Number(stats[k]), step[k] as Bound),
            );
          },
        );
        return;
      }
      default:
        throw new Error(`unknown expectation ${step.expect}`);
    }
  }

  try {
    for (const [index, step] of scenario.steps.entries()) {
      try {
        await runStep(step);
      } catch (error) {
        const events = status.map((e) => e.type).join(", ");
        (error as Error).message =
          `step ${index + 1} ${JSON.stringify(step)}: ${(error as Error).message}\n  status: ${events}`;
        throw error;
      }
    }
  } finally {
    subscription?.unsubscribe();
    await client?.close();
    await session.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
