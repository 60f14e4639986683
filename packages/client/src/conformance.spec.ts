// The language-neutral conformance suite (conformance/README.md), run with this client: every
// scenario against the Node and C-core test servers over each transport it lists. Skips come
// from conformance/skips.json only. Prints one summary line for CI's output.
import { appendFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { runScenario } from "../test/conformance-runner.js";
import { loadDefaults, loadScenarios, loadSkips } from "../test/conformance-scenarios.js";
import {
  resolveBackoff,
  resolveClientOptions,
  resolveSubscribeOptions,
} from "./resolve-options.js";

const skips = loadSkips("typescript");
const results = new Map<string, string>();

it("uses the defaults of conformance/defaults.json", () => {
  const table = loadDefaults();
  const client = resolveClientOptions({ endpoint: "unix:///run/falco/falco.sock" }, {});
  const subscribe = resolveSubscribeOptions({});
  const { delayMs: _, ...backoff } = resolveBackoff();
  expect({
    maxBufferedAlerts: subscribe.maxBufferedAlerts,
    pollIntervalMs: subscribe.pollIntervalMs,
    livenessTimeoutMs: client.livenessTimeoutMs,
    livenessCheckEveryMs: client.livenessCheckEveryMs,
    versionTimeoutMs: client.versionTimeoutMs,
    waitForServer: client.waitForServer,
    reconnect: {
      enabled: client.backoff !== false,
      ...backoff,
      maxAttempts: backoff.maxAttempts === Infinity ? null : backoff.maxAttempts,
    },
  }).toEqual({ ...table, $comment: undefined, readAheadFactor: undefined });
});

for (const scenario of loadScenarios()) {
  const skip = skips[scenario.name];
  describe(scenario.name, () => {
    for (const kind of scenario.servers) {
      for (const transport of scenario.transports) {
        const name = `${kind}-${transport}`;
        it.skipIf(skip !== undefined)(
          `${name}${skip ? ` (skipped: ${skip})` : ""}`,
          async () => {
            results.set(
              scenario.name,
              results.get(scenario.name) === "FAILED" ? "FAILED" : "running",
            );
            try {
              await runScenario(scenario, kind, transport);
            } catch (error) {
              results.set(scenario.name, "FAILED");
              throw error;
            }
            if (results.get(scenario.name) === "running") results.set(scenario.name, "passed");
          },
          120_000,
        );
      }
    }
  });
  if (skip !== undefined) results.set(scenario.name, "skipped");
}

afterAll(() => {
  const all = [...results.entries()];
  const count = (what: string) => all.filter(([, r]) => r === what).length;
  const failed = count("FAILED");
  const summary =
    `conformance typescript: ${count("passed")} passed, ${count("skipped")} skipped${failed ? `, ${failed} FAILED` : ""} ` +
    `(${all.map(([name, r]) => `${name}: ${r}`).join(", ")})`;
  console.log(summary);
  // npm test and scripts/conformance-table.mjs collect every language's line there.
  const file = process.env.FALCO_CONFORMANCE_SUMMARY;
  if (file) appendFileSync(file, `${summary}\n`);
});
