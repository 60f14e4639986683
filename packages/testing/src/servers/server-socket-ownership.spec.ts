// Both test servers on a unix socket: never take over a live server's socket, replace a stale
// one, and remove only the socket they created (gRPC's C core would do neither by itself).
import { linkSync, lstatSync, mkdtempSync, rmSync, unlinkSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@connectrpc/connect";
import { SocketInUseError } from "@falco-sdk/grpc-server";
import { service as versionService } from "@falco-sdk/proto/version";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { rejectionOf } from "../../test/spec-helpers.js";
import { ServerListenError } from "../errors.js";
import type { FalcoServer } from "./falco-server.js";
import { serverFactories } from "./server-factories.js";
import { createTestTransport } from "./test-transport.js";

const identity = (path: string) => {
  const { dev, ino } = lstatSync(path);
  return { dev, ino };
};

async function versionOf(endpoint: string): Promise<string> {
  using connection = createTestTransport({ endpoint });
  return (await createClient(versionService, connection.transport).version({})).version;
}

describe.each(serverFactories)("$name: who owns the unix socket", (factory) => {
  let dir: string;
  let cleanups: (() => unknown)[];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "falco-socket-"));
    cleanups = [];
  });
  afterEach(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    rmSync(dir, { recursive: true, force: true });
  });
  const start = async (socketPath: string): Promise<FalcoServer> => {
    const server = await factory.start({ socketPath });
    cleanups.push(() => server[Symbol.asyncDispose]());
    return server;
  };
  const netServer = async (path: string): Promise<Server> => {
    const server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(path, resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    return server;
  };

  it("refuses a socket another server answers on, which keeps serving", async () => {
    const socketPath = join(dir, "falco.sock");
    const first = await start(socketPath);
    const before = identity(socketPath);
    const error = await rejectionOf(start(socketPath));
    expect(error).toBeInstanceOf(ServerListenError);
    expect((error as Error).cause).toBeInstanceOf(SocketInUseError);
    expect((error as Error).message).toMatch(/another server is listening on .*falco\.sock/);
    expect(identity(socketPath)).toEqual(before);
    expect(await versionOf(first.endpoint)).toBe("0.43.1");
  });

  it("replaces a stale socket file", async () => {
    const socketPath = join(dir, "falco.sock");
    const bound = join(dir, "bound.sock");
    const stale = await netServer(bound);
    linkSync(bound, socketPath);
    await new Promise((resolve) => stale.close(resolve)); // unlinks bound.sock only
    const server = await start(socketPath);
    expect(await versionOf(server.endpoint)).toBe("0.43.1");
  });

  it("removes its own socket at stop, and leaves one another server put in its place", async () => {
    const socketPath = join(dir, "falco.sock");
    const server = await start(socketPath);
    await server.stop();
    expect(() => lstatSync(socketPath)).toThrow(/ENOENT/);
    await server.restart();
    unlinkSync(socketPath);
    await netServer(socketPath);
    const theirs = identity(socketPath);
    await server.stop();
    await server[Symbol.asyncDispose]();
    expect(identity(socketPath)).toEqual(theirs);
  });

  it("leaves a socket another server put in place of the one a crash left", async () => {
    const socketPath = join(dir, "falco.sock");
    const server = await start(socketPath);
    await server.crash();
    rmSync(socketPath, { force: true }); // the C-core one leaves it, like a killed Falco
    await netServer(socketPath);
    const theirs = identity(socketPath);
    await server[Symbol.asyncDispose]();
    expect(identity(socketPath)).toEqual(theirs);
  });
});
