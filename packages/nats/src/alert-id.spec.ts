// The stable id and the subject of an alert, whichever path it came by.
import { join } from "node:path";
import { createFalcoClient, parseAlertJson } from "@falco-sdk/client";
import { createHttpAlertReceiver } from "@falco-sdk/http";
import { createFalcoTestServer } from "@falco-sdk/testing/servers";
import { describe, expect, it } from "vitest";
import { defer, fleetAlert, tempDir } from "../test/helpers.js";
import { alertMessageId } from "./alert-id.js";
import { alertSubject, subjectToken } from "./subject.js";

describe("alertMessageId", () => {
  it("is the same for one alert read over gRPC and posted by Falco's http_output", async () => {
    const server = await createFalcoTestServer({
      listen: { socketPath: join(tempDir(), "falco.sock") },
    });
    defer(() => server[Symbol.asyncDispose]());
    await server.emit({
      time: { seconds: 1_651_447_772n, nanos: 918_828_894 },
      priority: 4,
      rule: "Terminal shell in container",
      output: "16:17:57.881781397: Warning Shell spawned (user=root)",
      outputFields: {
        "evt.time": "1651447772918828894",
        "user.loginuid": "0",
        "k8s.pod.name": "<NA>",
      },
      hostname: "web-1",
      tags: ["container", "shell"],
      source: "syscall",
    });
    const client = createFalcoClient({ endpoint: server.endpoint });
    defer(() => client.close());
    let viaGrpc: import("@falco-sdk/client").Alert | undefined;
    for await (const alert of client.subscribe()) {
      viaGrpc = alert;
      break;
    }
    const receiver = await createHttpAlertReceiver({ port: 0 });
    defer(() => receiver.close());
    const incoming = receiver.alerts()[Symbol.asyncIterator]();
    // What Falco's http_output posts for the same event: typed values, the formatted line.
    const body = `{"hostname":"web-1","output":"16:17:57.881781397: Warning Shell spawned (user=root)","output_fields":{"evt.time":1651447772918828894,"k8s.pod.name":null,"user.loginuid":0},"priority":"Warning","rule":"Terminal shell in container","source":"syscall","tags":["container","shell"],"time":"2022-05-01T23:29:32.918828894Z"}`;
    await fetch(receiver.url, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "falcosecurity/falco" },
      body,
    });
    const viaHttp = (await incoming.next()).value;
    expect(viaGrpc && viaHttp).toBeTruthy();
    if (!viaGrpc || !viaHttp) return;
    expect(viaGrpc.outputFields["user.loginuid"]).toBe("0"); // the paths really differ
    expect(viaHttp.outputFields["user.loginuid"]).toBe(0);
    expect(alertMessageId(viaGrpc)).toBe(alertMessageId(viaHttp));
    expect(alertMessageId(viaGrpc)).toMatch(/^falco-[0-9a-f]{32}$/);
    // ... and stays the same after a relay re-serialises it.
    expect(alertMessageId(parseAlertJson(body))).toBe(alertMessageId(viaHttp));
  });

  it("differs between alerts of one host and rule", () => {
    const ids = new Set(Array.from({ length: 1000 }, (_, i) => alertMessageId(fleetAlert("h", i))));
    expect(ids.size).toBe(1000);
    expect(alertMessageId(fleetAlert("h", 1))).not.toBe(alertMessageId(fleetAlert("g", 1)));
  });
});

describe("subjects", () => {
  it("are <prefix>.<hostname>.<source>.<priority> with subject-safe tokens", () => {
    expect(alertSubject("falco.alerts", fleetAlert("web-1.prod.example", 4, "Warning"))).toBe(
      "falco.alerts.web-1_prod_example.syscall.warning",
    );
    expect(subjectToken("")).toBe("_");
    expect(subjectToken("a b*c>d.e")).toBe("a_b_c_d_e");
    expect(subjectToken("k8s_audit")).toBe("k8s_audit");
    expect(subjectToken("hôte")).toBe("h_te");
  });
});
