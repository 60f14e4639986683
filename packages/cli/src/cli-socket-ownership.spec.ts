// serve --socket and relay --serve unix:// as real processes: never take over the socket of a
// running server, replace a stale one, and at exit remove only the socket they created.
import { linkSync, lstatSync, unlinkSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { run, type Started, serve, start, tempDir, useProcesses } from "../test/spec-process.js";

useProcesses();

const identity = (path: string) => {
  const { dev, ino } = lstatSync(path);
  return { dev, ino };
};

/** A socket file nothing listens on, like the one a killed server leaves. */
async function staleSocket(path: string): Promise<void> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(`${path}.bound`, resolve));
  linkSync(`${path}.bound`, path); // closing unlinks `.bound` only
  await new Promise((resolve) => server.close(resolve));
}

/** `tail -n 3` on the socket: exit 0 with three alerts (someone serves there). */
async function expectAlerts(socket: string): Promise<void> {
  const tail = await run(["tail", "-e", `unix://${socket}`, "--json", "-n", "3"]);
  expect(tail.stderr).toBe("");
  expect(tail.code).toBe(0);
  expect(tail.stdout.trim().split("\n")).toHaveLength(3);
}

/** `falco-alerts relay --from <upstream> --serve unix://<socket>`, once it serves. */
async function relay(upstream: string, socket: string): Promise<Started> {
  const started = start(["relay", "--from", upstream, "--serve", `unix://${socket}`]);
  await started.waitFor("stdout", /serving Falco's gRPC API on unix:\/\//);
  return started;
}

const inUse = (socket: string) =>
  new RegExp(`^falco-alerts: another server is listening on ${socket}: stop it or choose`);

describe("falco-alerts serve --socket", () => {
  it("exits 3 when another server answers on the socket, and that server keeps serving", async () => {
    const first = await serve();
    const socket = join(first.dir, "falco.sock");
    const before = identity(socket);
    const second = await run(["serve", "--socket", socket]);
    expect(second.code).toBe(3);
    expect(second.stderr).toMatch(inUse(socket));
    expect(second.stderr.trim().split("\n")).toHaveLength(1);
    expect(identity(socket)).toEqual(before);
    await expectAlerts(socket);
  });

  it("exits 3 on a path that is not a socket, and leaves the file", async () => {
    const dir = tempDir();
    const result = await run(["serve", "--socket", dir]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/exists and is not a socket: choose another socket path/);
    expect(lstatSync(dir).isDirectory()).toBe(true);
  });

  it("replaces a stale socket file", async () => {
    const dir = tempDir();
    const socket = join(dir, "falco.sock");
    await staleSocket(socket);
    await serve(["--socket", socket]);
    await expectAlerts(socket);
  });

  it("at exit leaves the socket of a server that replaced its own", async () => {
    const first = await serve();
    const socket = join(first.dir, "falco.sock");
    unlinkSync(socket);
    await serve(["--socket", socket]);
    const theirs = identity(socket);
    first.server.child.kill("SIGTERM");
    expect((await first.server.done).code).toBe(0);
    expect(identity(socket)).toEqual(theirs);
    await expectAlerts(socket);
  });
});

describe("falco-alerts relay --serve unix://", () => {
  it("exits 3 when another server answers on the socket, and that relay keeps serving", async () => {
    const { endpoint } = await serve();
    const socket = join(tempDir(), "relay.sock");
    await relay(endpoint, socket);
    const before = identity(socket);
    const second = await run(["relay", "--from", endpoint, "--serve", `unix://${socket}`]);
    expect(second.code).toBe(3);
    expect(second.stderr).toMatch(inUse(socket));
    expect(identity(socket)).toEqual(before);
    await expectAlerts(socket);
  });

  it("replaces a stale socket file", async () => {
    const { endpoint } = await serve();
    const socket = join(tempDir(), "relay.sock");
    await staleSocket(socket);
    await relay(endpoint, socket);
    await expectAlerts(socket);
  });

  it("at exit leaves the socket of a server that replaced its own", async () => {
    const { endpoint } = await serve();
    const socket = join(tempDir(), "relay.sock");
    const first = await relay(endpoint, socket);
    unlinkSync(socket);
    await relay(endpoint, socket);
    const theirs = identity(socket);
    first.child.kill("SIGTERM");
    expect((await first.done).code).toBe(0);
    expect(identity(socket)).toEqual(theirs);
    await expectAlerts(socket);
  });
});
