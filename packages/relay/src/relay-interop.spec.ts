// Real gRPC clients of several generations against the relay and the test server behind
// `falco-alerts serve`, over a unix socket and mutual TLS: grpcio 1.51 (Debian), 1.56 and
// the newest (PyPI; 1.57+ send the percent-encoded socket path as :authority), grpc-go
// 1.56 (client-go, falco-exporter) and the newest, tonic (examples/rust-consumer) and
// grpc-js. scripts/ensure-interop-clients.sh installs and builds them (cached).
import { execFile, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { createFalcoClient } from "@falco-sdk/client";
import type { Alert } from "@falco-sdk/core";
import { writeTestPki } from "@falco-sdk/testing/pki";
import { createFalcoTestServer } from "@falco-sdk/testing/servers";
import { beforeAll, describe, expect, it } from "vitest";
import { defer, eventually, tempDir } from "../test/helpers.js";
import { jsonAlert, pushableSource } from "../test/pushable-source.js";
import { createAlertRelay, responseFromAlert } from "./index.js";

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, "..", "..", "..");
const interop = join(here, "..", "test", "interop");

interface Manifest {
  python: Record<string, string>;
  go: Record<string, string>;
  tonic: string;
}

interface InteropClient {
  readonly name: string;
  /** argv for a client of `target` that takes `count` alerts (TLS files when TCP). */
  args(target: string, count: number, tls?: TlsFiles): string[];
}

interface TlsFiles {
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
}

const tlsFlags = (tls: TlsFiles | undefined, dash = "--") =>
  tls ? [`${dash}ca`, tls.ca, `${dash}cert`, tls.cert, `${dash}key`, tls.key] : [];

function clientsOf(manifest: Manifest): InteropClient[] {
  const python = (name: string, interpreter: string): InteropClient => ({
    name,
    args: (target, count, tls) => [
      interpreter,
      join(interop, "grpc_client.py"),
      "--target",
      target,
      "--count",
      String(count),
      ...tlsFlags(tls),
    ],
  });
  return [
    python("grpcio 1.51 (Debian)", "/usr/bin/python3"),
    ...Object.entries(manifest.python).map(([name, path]) => python(name, path)),
    ...Object.entries(manifest.go).map(([name, path]) => ({
      name,
      args: (target: string, count: number, tls?: TlsFiles) => [
        path,
        "-target",
        target,
        "-count",
        String(count),
        ...tlsFlags(tls, "-"),
      ],
    })),
    {
      name: "tonic (rust-consumer)",
      args: (target, count, tls) => [
        manifest.tonic,
        "--endpoint",
        target,
        "--count",
        String(count),
        ...tlsFlags(tls),
      ],
    },
    {
      name: "grpc-js",
      args: (target, count, tls) => [
        process.execPath,
        join(interop, "grpc-js-client.mjs"),
        "--target",
        target,
        "--count",
        String(count),
        ...tlsFlags(tls),
      ],
    },
  ];
}

/** Runs one client to its end: exit code and stdout. */
function run(argv: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const [command, ...args] = argv;
    const env = { ...process.env };
    delete env.NODE_OPTIONS;
    const child = spawn(command as string, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    defer(() => child.kill());
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk).slice(-2000);
    });
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

let clients: InteropClient[] = [];

beforeAll(async () => {
  // First run: venvs from PyPI, two grpc-go builds, a cargo build (minutes); then seconds.
  const { stdout } = await promisify(execFile)(
    "bash",
    [join(repo, "scripts", "ensure-interop-clients.sh")],
    { maxBuffer: 1 << 20 },
  );
  clients = clientsOf(JSON.parse(stdout) as Manifest);
}, 900_000);

const COUNT = 3;

describe("interop with real gRPC clients", () => {
  it("relay: every client gets its alerts over unix and mTLS; none is refused; a subscriber carries on", {
    timeout: 120_000,
  }, async () => {
    const dir = tempDir();
    const files = await writeTestPki(join(dir, "pki"));
    const tls = { ca: files.caCert, cert: files.clientCert, key: files.clientKey };
    const source = pushableSource();
    const relay = createAlertRelay({ sources: [source] });
    defer(() => relay.close());
    // Each `sub` that attaches gets COUNT alerts (every subscriber gets every alert).
    let seq = 0;
    (async () => {
      for await (const event of relay.status()) {
        if (event.type === "subscriber-connected" && event.kind === "sub") {
          for (let i = 0; i < COUNT; i++) source.push(jsonAlert(seq++));
        }
      }
    })();
    const unix = await relay.listen({ socketPath: join(dir, "relay.sock") });
    const tcp = await relay.listen({ host: "127.0.0.1", port: 0, tls: files.pki.serverTls });
    // The well-behaved subscriber of the SDK, there before the first client and after the last.
    const watcher = createFalcoClient({ endpoint: unix.endpoint });
    defer(() => watcher.close());
    const watched: Alert[] = [];
    (async () => {
      for await (const alert of watcher.subscribe()) watched.push(alert);
    })();
    await eventually(() => seq >= COUNT);

    const runs = await Promise.all(
      clients.flatMap((client) => [
        run(client.args(unix.endpoint, COUNT)).then((r) => ({ ...r, name: `${client.name} unix` })),
        run(client.args(tcp.endpoint, COUNT, tls)).then((r) => ({
          ...r,
          name: `${client.name} tcp+mtls`,
        })),
      ]),
    );
    for (const r of runs) {
      expect({ name: r.name, code: r.code, stderr: r.code === 0 ? "" : r.stderr }).toEqual({
        name: r.name,
        code: 0,
        stderr: "",
      });
    }
    // Every alert reached the subscriber that stayed, in order.
    await eventually(() => watched.length === seq);
    expect(watched.map((alert) => alert.output)).toEqual(
      Array.from({ length: seq }, (_, i) => jsonAlert(i).output),
    );
    expect(relay.stats()).toMatchObject({ rejectedRequests: 0, dropped: 0 });
  });

  it("falco-alerts serve's server: every client gets its alerts over unix and mTLS", {
    timeout: 120_000,
  }, async () => {
    const dir = tempDir();
    const files = await writeTestPki(join(dir, "pki"));
    const tls = { ca: files.caCert, cert: files.clientCert, key: files.clientKey };
    const unix = await createFalcoTestServer({ listen: { socketPath: join(dir, "falco.sock") } });
    defer(() => unix.crash());
    const tcp = await createFalcoTestServer({
      listen: { host: "127.0.0.1", port: 0, tls: files.pki.serverTls },
    });
    defer(() => tcp.crash());
    // One shared queue per server, as in Falco: one client at a time, its alerts queued first.
    for (const client of clients) {
      for (const [server, args] of [
        [unix, client.args(unix.endpoint, COUNT)],
        [tcp, client.args(tcp.endpoint, COUNT, tls)],
      ] as const) {
        server.emitSync(Array.from({ length: COUNT }, (_, i) => responseFromAlert(jsonAlert(i))));
        const r = await run(args);
        expect({
          name: `${client.name} ${server.endpoint}`,
          code: r.code,
          stderr: r.code === 0 ? "" : r.stderr,
        }).toEqual({
          name: `${client.name} ${server.endpoint}`,
          code: 0,
          stderr: "",
        });
      }
    }
    expect(unix.statsSync()).toMatchObject({ rejectedRequests: 0, queued: 0 });
    expect(tcp.statsSync()).toMatchObject({ rejectedRequests: 0, queued: 0 });
  });
});
