// The receiver with curl as the sender (the libcurl Falco's http_output uses),
// with the headers Falco sends, over plain HTTP, HTTPS and mutual TLS on loopback.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { ConfigurationError, parseAlertJson } from "@falco-sdk/core";
import { createTestPki, writeTestPki } from "@falco-sdk/testing/pki";
import { afterEach, describe, expect, it } from "vitest";
import { createHttpAlertReceiver, type HttpAlertReceiver } from "./index.js";

const ALERT = {
  hostname: "web-1",
  output: "16:17:57.881781397: Warning Shell spawned (user=root)",
  output_fields: { "container.id": "bfb9637a47a6", "user.loginuid": 0, "k8s.ns.name": null },
  priority: "Warning",
  rule: "Terminal shell in container",
  source: "syscall",
  tags: ["container", "shell"],
  time: "2022-05-01T23:29:32.918828894Z",
};

const open: HttpAlertReceiver[] = [];
afterEach(async () => {
  for (const r of open.splice(0)) await r.close();
});
async function receiver(options: Parameters<typeof createHttpAlertReceiver>[0] = {}) {
  const r = await createHttpAlertReceiver({ port: 0, ...options });
  open.push(r);
  return r;
}

/** POSTs like Falco's http_output: libcurl, its User-Agent, one alert per request. */
function curl(url: string, body: string | Buffer, args: string[] = [], type = "application/json") {
  return new Promise<{ code: number; status: string; out: string }>((resolve) => {
    const child = execFile(
      "curl",
      [
        "-sS",
        "-w",
        "\n%{http_code}",
        "-X",
        "POST",
        "-H",
        `Content-Type: ${type}`,
        "-A",
        "falcosecurity/falco",
        "--data-binary",
        "@-",
        ...args,
        url,
      ],
      (error, stdout) => {
        const lines = stdout.trimEnd().split("\n");
        resolve({
          code: error ? Number(error.code) : 0,
          status: lines.pop() ?? "",
          out: lines.join("\n"),
        });
      },
    );
    child.stdin?.end(body);
  });
}

describe("createHttpAlertReceiver with curl", () => {
  it("accepts Falco's JSON alert and yields the same Alert as parseAlertJson", async () => {
    const r = await receiver();
    const it = r.alerts()[Symbol.asyncIterator]();
    const res = await curl(r.url, JSON.stringify(ALERT));
    expect(res.status).toBe("204");
    const { raw: _a, ...got } = (await it.next()).value!;
    const { raw: _b, ...want } = parseAlertJson(ALERT);
    expect(got).toEqual(want);
    expect(r.stats()).toMatchObject({ received: 1, dropped: 0, rejected: 0 });
  });

  it("keeps 64-bit integers such as evt.time exact (falco#3522)", async () => {
    const r = await receiver();
    const it = r.alerts()[Symbol.asyncIterator]();
    const body = JSON.stringify(ALERT).replace(
      '"user.loginuid":0',
      '"user.loginuid":0,"evt.time":1651447772918828894',
    );
    expect((await curl(r.url, body)).status).toBe("204");
    expect((await it.next()).value?.outputFields["evt.time"]).toBe(1651447772918828894n);
  });

  it("accepts Falco's text/plain line and Falcosidekick's webhook payload", async () => {
    const r = await receiver();
    const it = r.alerts()[Symbol.asyncIterator]();
    await curl(r.url, ALERT.output, [], "text/plain");
    const text = (await it.next()).value!;
    expect([text.priority, text.output, text.raw.kind]).toEqual(["Warning", ALERT.output, "text"]);
    expect(text.timeNs % 1_000_000_000n).toBe(881781397n);
    const sidekick = {
      ...ALERT,
      uuid: "0f6a7e2c-6f1b-4f1d-9a55-0b2a1e3c4d5e",
      source: "k8s_audit",
    };
    expect((await curl(r.url, JSON.stringify(sidekick))).status).toBe("204");
    expect((await it.next()).value?.source).toBe("k8s_audit");
  });

  it("accepts gzip bodies (http_output.compress_uploads) and refuses gzip bombs", async () => {
    const r = await receiver({ maxBodyBytes: 10_000, acknowledge: "parsed" });
    const it = r.alerts()[Symbol.asyncIterator]();
    const zipped = gzipSync(JSON.stringify(ALERT));
    expect((await curl(r.url, zipped, ["-H", "Content-Encoding: gzip"])).status).toBe("204");
    expect((await it.next()).value?.rule).toBe(ALERT.rule);
    const bomb = gzipSync(JSON.stringify({ ...ALERT, output: "x".repeat(1_000_000) }));
    const res = await curl(r.url, bomb, ["-H", "Content-Encoding: gzip"]);
    expect(res.status).toBe("413");
    expect(res.out).toMatch(/decompressed body over the limit of 10000 bytes/);
  });

  it("gives every consumer every alert (fan-out), and keeps alerts until one attaches", async () => {
    const r = await receiver();
    await curl(r.url, JSON.stringify(ALERT));
    const a = r.alerts()[Symbol.asyncIterator]();
    expect((await a.next()).value?.rule).toBe(ALERT.rule); // waited for the first consumer
    const b = r.alerts()[Symbol.asyncIterator]();
    await curl(r.url, JSON.stringify({ ...ALERT, rule: "Second" }));
    expect((await a.next()).value?.rule).toBe("Second");
    expect((await b.next()).value?.rule).toBe("Second");
  });

  it.each([
    [
      "a wrong path",
      "/elsewhere",
      JSON.stringify(ALERT),
      "application/json",
      "404",
      /POST alerts to \//,
    ],
    ["bad JSON", "/", "{not json", "application/json", "400", /not JSON/],
    [
      "a missing rule",
      "/",
      JSON.stringify({ ...ALERT, rule: undefined }),
      "application/json",
      "400",
      /"rule"/,
    ],
    [
      "a wrong content type",
      "/",
      "rule=x",
      "application/x-www-form-urlencoded",
      "415",
      /Content-Type/,
    ],
    ["an empty body", "/", "", "application/json", "400", /empty body/],
    ["text that is not Falco's line", "/", "hello", "text/plain", "400", /HH:MM:SS/],
  ])(
    "answers %s with a 4xx and the reason (acknowledge: parsed)",
    async (_what, path, body, type, status, reason) => {
      const r = await receiver({ acknowledge: "parsed" });
      const res = await curl(new URL(path, r.url).href, body, [], type);
      expect(res.status).toBe(status);
      expect(res.out).toMatch(reason);
      expect(r.stats().rejected).toBe(1);
    },
  );

  it("refuses other methods and bodies over the limit", async () => {
    const r = await receiver({ maxBodyBytes: 1000 });
    const get = await curl(r.url, "", ["-X", "GET"]);
    expect(get.status).toBe("405");
    const big = await curl(r.url, JSON.stringify({ ...ALERT, output: "x".repeat(5000) }));
    expect(big.status).toBe("413");
    expect((await curl(r.url, JSON.stringify(ALERT))).status).toBe("204");
  });

  it("requires the shared secret when one is set", async () => {
    const r = await receiver({ sharedSecret: { value: "s3cret", header: "X-Token" } });
    expect((await curl(r.url, JSON.stringify(ALERT))).status).toBe("401");
    expect((await curl(r.url, JSON.stringify(ALERT), ["-H", "X-Token: wrong!"])).status).toBe(
      "401",
    );
    expect((await curl(r.url, JSON.stringify(ALERT), ["-H", "X-Token: s3cret"])).status).toBe(
      "204",
    );
  });

  it("refuses to listen on a non-loopback address without TLS or a secret", async () => {
    await expect(createHttpAlertReceiver({ host: "0.0.0.0", port: 0 })).rejects.toThrow(
      ConfigurationError,
    );
  });

  it("serves HTTPS, and with a CA requires a client certificate (Falco's http_output.mtls)", async () => {
    const pki = await createTestPki();
    const dir = mkdtempSync(join(tmpdir(), "http-pki-"));
    const files = await writeTestPki(dir, pki);
    const https = await receiver({
      host: "127.0.0.1",
      tls: { cert: pki.serverCert, key: pki.serverKey },
    });
    expect((await curl(https.url, JSON.stringify(ALERT), ["--cacert", files.caCert])).status).toBe(
      "204",
    );
    const mtls = await receiver({
      tls: { cert: pki.serverCert, key: pki.serverKey, ca: pki.caCert },
    });
    const good = await curl(mtls.url, JSON.stringify(ALERT), [
      "--cacert",
      files.caCert,
      "--cert",
      files.clientCert,
      "--key",
      files.clientKey,
    ]);
    expect(good.status).toBe("204");
    const none = await curl(mtls.url, JSON.stringify(ALERT), ["--cacert", files.caCert]);
    expect(none.code).not.toBe(0);
    const rogue = await curl(mtls.url, JSON.stringify(ALERT), [
      "--cacert",
      files.caCert,
      "--cert",
      files.rogueClientCert,
      "--key",
      files.rogueClientKey,
    ]);
    expect(rogue.code).not.toBe(0);
    expect(mtls.stats().received).toBe(1);
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers a slow upload with 408 and stays up", async () => {
    const r = await receiver({ requestTimeoutMs: 500 });
    const { port } = new URL(r.url);
    const reply = await new Promise<string>((resolve) => {
      const socket = connect(Number(port), "127.0.0.1", () => {
        socket.write(
          "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{",
        );
      });
      let data = "";
      socket.on("data", (d) => {
        data += d;
      });
      socket.on("close", () => resolve(data));
    });
    expect(reply).toMatch(/^HTTP\/1\.1 408/);
    expect((await curl(r.url, JSON.stringify(ALERT))).status).toBe("204");
  });
});
