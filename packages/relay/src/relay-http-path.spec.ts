import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { createHttpAlertReceiver } from "@falco-sdk/http";
import { describe, expect, it } from "vitest";
import { createAlertRelay, RELAY_VERSION, relaySourceFromReceiver } from "../src/index.js";
import { defer, eventually, startRelay, startUpstream, tempDir } from "../test/helpers.js";
import { startPythonSubscriber } from "../test/python-subscriber.js";

const run = promisify(execFile);

/** Falco's JSON alert (spec section 2). */
const FALCO_JSON = {
  hostname: "web-1",
  output: "16:17:57.881781397: Warning Shell spawned (user=root ...)",
  output_fields: {
    "container.id": "bfb9637a47a6",
    "evt.time": 1651447772918828894n, // past 2^53: must stay exact
    "proc.cmdline": "bash",
    "proc.pid": 4321,
    "user.loginuid": 0,
    "user.name": "root",
    "container.privileged": false,
    "container.image.repository": null,
  },
  priority: "Warning",
  rule: "Terminal shell in container",
  source: "syscall",
  tags: ["container", "mitre_execution", "shell"],
  time: "2022-05-01T23:29:32.918828894Z",
};

/** POSTs one alert as Falco's http_output does (libcurl, HTTP/1.1, its headers, no others). */
async function postLikeFalco(url: string, alert: unknown): Promise<void> {
  await run("curl", [
    "--silent",
    "--show-error",
    "--fail",
    "--http1.1",
    "-H",
    "Content-Type: application/json",
    "-A",
    "falcosecurity/falco",
    "--data-binary",
    // Falco writes integers as digits, however large.
    JSON.stringify(alert, (_key, value) =>
      typeof value === "bigint" ? `@@${value}@@` : value,
    ).replace(/"@@(\d+)@@"/g, "$1"),
    url,
  ]);
}

describe("Falco 0.44 path: http_output -> relay -> gRPC sub", () => {
  it("serves POSTed alerts over Falco's gRPC API with every field", async () => {
    const dir = tempDir();
    const receiver = await createHttpAlertReceiver({ port: 0 });
    defer(() => receiver.close());
    const { relay, endpoint } = await startRelay(dir, undefined, {
      sources: [relaySourceFromReceiver(receiver)],
    });
    const sub = startPythonSubscriber({ target: endpoint, pollInterval: 0.1, count: 2 });
    defer(() => sub.quit());
    await sub.until("ready");
    await eventually(() => relay.stats().subscribers.length === 1);

    await postLikeFalco(receiver.url, FALCO_JSON);
    await postLikeFalco(receiver.url, {
      ...FALCO_JSON,
      source: "aws_cloudtrail",
      hostname: "web-2",
    });
    await sub.until("done");

    expect(sub.alerts[0]).toEqual({
      time: { seconds: 1651447772, nanos: 918828894 },
      priority: 4,
      source_deprecated: 0,
      rule: "Terminal shell in container",
      output: FALCO_JSON.output,
      // Falco's gRPC output sends strings: numbers as their JSON text, null as <NA>.
      output_fields: {
        "container.id": "bfb9637a47a6",
        "evt.time": "1651447772918828894",
        "proc.cmdline": "bash",
        "proc.pid": "4321",
        "user.loginuid": "0",
        "user.name": "root",
        "container.privileged": "false",
        "container.image.repository": "<NA>",
      },
      hostname: "web-1",
      tags: ["container", "mitre_execution", "shell"],
      source: "syscall",
    });
    // A plugin source keeps its name in field 9, field 3 says PLUGIN (3); each keeps its host.
    expect(sub.alerts[1]).toMatchObject({
      source: "aws_cloudtrail",
      source_deprecated: 3,
      hostname: "web-2",
    });
    expect(relay.stats().sources).toEqual([{ name: receiver.url, received: 2, active: true }]);
  });

  it("version: forwards the upstream Falco's answer, or says it is a relay without one", async () => {
    const dir = tempDir();
    const upstream = await startUpstream(dir);
    const { endpoint: viaFalco } = await startRelay(dir, upstream.endpoint);
    const forwarded = startPythonSubscriber({ target: viaFalco, mode: "version" });
    defer(() => forwarded.quit());
    expect(await forwarded.until("version")).toEqual({
      version: "0.43.1",
      major: 0,
      minor: 43,
      patch: 1,
      prerelease: "",
      build: "",
    });

    const receiver = await createHttpAlertReceiver({ port: 0 });
    defer(() => receiver.close());
    const httpOnly = createAlertRelay({ sources: [relaySourceFromReceiver(receiver)] });
    defer(() => httpOnly.close());
    const { endpoint } = await httpOnly.listen({ socketPath: `${dir}/http-only.sock` });
    const own = startPythonSubscriber({ target: endpoint, mode: "version" });
    defer(() => own.quit());
    expect(await own.until("version")).toEqual({
      version: RELAY_VERSION.version,
      major: 0,
      minor: 0,
      patch: 0,
      prerelease: "relay",
      build: "falco-sdk",
    });
  });
});
