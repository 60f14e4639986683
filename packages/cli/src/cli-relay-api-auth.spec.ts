// falco-alerts relay --serve-http on the network: HTTPS with a bearer token, or mutual TLS; what
// it refuses, to raw clients and to falco-alerts tail --api. Real processes, real TLS material.
import { writeFileSync } from "node:fs";
import { type RequestOptions, request } from "node:https";
import { join } from "node:path";
import { type TestPkiFiles, writeTestPki } from "@falco-sdk/testing/pki";
import { describe, expect, it } from "vitest";
import { falcoAlertBody, postBurst } from "../test/falco-http-poster.js";
import { run, start, tempDir, useProcesses } from "../test/spec-process.js";

useProcesses();

/** The status of a GET, or the error that ended it. */
function get(url: string, options: RequestOptions = {}): Promise<number | Error> {
  return new Promise((resolve) => {
    const req = request(url, options, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", resolve);
    req.end();
  });
}

/** Starts the relay serving its API on 0.0.0.0 with `flags`; posts 3 alerts; its API's URL. */
async function networkRelay(flags: string[]): Promise<string> {
  const relay = start([
    ...["relay", "--listen-http", "127.0.0.1:0", "--store", join(tempDir(), "store")],
    ...["--serve-http", "0.0.0.0:0", ...flags],
  ]);
  const api = (await relay.waitFor("stdout", /serving the alert API on (\S+) /))[1] as string;
  const input = (await relay.waitFor("stderr", /http_output at (\S+)\n/))[1] as string;
  expect(await postBurst(input, 0, 3, falcoAlertBody)).toEqual({
    answered: 3,
    sent: 3,
    refused: 0,
  });
  expect(api).toMatch(/^https:\/\/0\.0\.0\.0:\d+$/);
  return api.replace("0.0.0.0", "127.0.0.1");
}

const tail = (url: string, flags: string[]) =>
  run(["tail", "--api", url, "--since", "all", "--json", "-n", "3", ...flags]);

describe("falco-alerts relay --serve-http on the network", () => {
  // In each test's own directory (removed after it).
  const pki = (): Promise<TestPkiFiles> => writeTestPki(tempDir());

  it("with a bearer token: refuses plaintext, no token and a wrong one, and counts them", async () => {
    const f = await pki();
    const dir = tempDir();
    writeFileSync(join(dir, "token"), "s3cret-token\n");
    writeFileSync(join(dir, "wrong"), "guess\n");
    const url = await networkRelay([
      ...["--serve-http-cert", f.serverCert, "--serve-http-key", f.serverKey],
      ...["--api-token-file", join(dir, "token")],
    ]);
    const ca = { ca: f.pki.caCert };
    const stats = `${url}/api/v1/stats`;
    expect(await get(stats, ca)).toBe(401);
    expect(await get(stats, { ...ca, headers: { Authorization: "Bearer guess" } })).toBe(401);
    expect(await get(stats, { headers: { Authorization: "Bearer s3cret-token" } })).toBeInstanceOf(
      Error, // a client that does not trust the relay's certificate never sends its token
    );
    const plain = await fetch(stats.replace("https:", "http:")).catch((e: Error) => e);
    expect(plain).toBeInstanceOf(Error);

    const none = await tail(url, ["--api-ca", f.caCert]);
    expect(none.code).toBe(3);
    expect(none.stderr).toContain("requires credentials (HTTP 401): give --api-token-file");
    const wrong = await tail(url, ["--api-ca", f.caCert, "--api-token-file", join(dir, "wrong")]);
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toContain("refused the credentials given as --api-token-file");
    const untrusted = await tail(url, ["--api-token-file", join(dir, "token")]);
    expect(untrusted.code).toBe(3);
    expect(untrusted.stderr).toContain("--api-ca");
    const right = await tail(url, ["--api-ca", f.caCert, "--api-token-file", join(dir, "token")]);
    expect(right.code).toBe(0);
    expect(right.stdout.trim().split("\n")).toHaveLength(3);

    const counted = await get(stats, { ...ca, headers: { Authorization: "Bearer s3cret-token" } });
    expect(counted).toBe(200);
    const body = await new Promise<string>((resolve) => {
      request(stats, { ...ca, headers: { Authorization: "Bearer s3cret-token" } }, (res) => {
        let text = "";
        res.on("data", (d) => (text += d));
        res.on("end", () => resolve(text));
      }).end();
    });
    // Two raw refusals and two of tail.
    expect(JSON.parse(body).api.unauthorized).toBe(4);
  });

  it("with mutual TLS: serves a certificate of --serve-http-ca, refuses none and another CA's", async () => {
    const f = await pki();
    const url = await networkRelay([
      ...["--serve-http-cert", f.serverCert, "--serve-http-key", f.serverKey],
      ...["--serve-http-ca", f.caCert],
    ]);
    const stats = `${url}/api/v1/stats`;
    const ca = { ca: f.pki.caCert };
    expect(await get(stats, { ...ca, cert: f.pki.clientCert, key: f.pki.clientKey })).toBe(200);
    expect(await get(stats, ca)).toBeInstanceOf(Error);
    const rogue = { ...ca, cert: f.pki.rogueClientCert, key: f.pki.rogueClientKey };
    expect(await get(stats, rogue)).toBeInstanceOf(Error);

    const ok = await tail(url, [
      "--api-ca",
      f.caCert,
      "--api-cert",
      f.clientCert,
      "--api-key",
      f.clientKey,
    ]);
    expect(ok.code).toBe(0);
    expect(ok.stdout.trim().split("\n")).toHaveLength(3);
    const refused = await tail(url, [
      ...["--api-ca", f.caCert, "--api-cert", f.rogueClientCert, "--api-key", f.rogueClientKey],
    ]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(
      /closed the connection .*: if it requires a client certificate \(mutual TLS\), give --api-cert and --api-key/,
    );
    const none = await tail(url, ["--api-ca", f.caCert]);
    expect(none.code).toBe(3);
    expect(none.stderr).toMatch(/give --api-cert and --api-key/);
  });
});
