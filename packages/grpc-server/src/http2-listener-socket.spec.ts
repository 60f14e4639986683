// Who owns a unix socket path: a listener never takes over a live server's socket, replaces
// only a stale socket file, and at close removes only the socket it created.
import {
  linkSync,
  lstatSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { connect as connectHttp2 } from "node:http2";
import { connect as connectNet, createServer as createNetServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type Http2Listener, listenHttp2 } from "./http2-listener.js";
import { ListenError, SocketInUseError } from "./listen-error.js";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "grpc-server-socket-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Listens on `socketPath` answering every request with `name` (status 200). */
async function listen(socketPath: string, name: string, socketMode?: number) {
  const listener = await listenHttp2(
    { socketPath, ...(socketMode !== undefined && { socketMode }) },
    (_request, response) => response.end(name),
    false,
  );
  cleanups.push(() => listener.destroy());
  return listener;
}

/** The body a request over the unix socket at `path` gets. */
async function ask(path: string): Promise<string> {
  const session = connectHttp2("http://localhost", { createConnection: () => connectNet(path) });
  try {
    // A request the listener's guard lets through to the handler (a gRPC POST).
    const request = session.request({
      ":method": "POST",
      ":path": "/",
      "content-type": "application/grpc",
      te: "trailers",
    });
    request.setEncoding("utf8");
    let body = "";
    request.on("data", (chunk: string) => {
      body += chunk;
    });
    await new Promise((resolve, reject) => {
      request.on("end", resolve);
      request.on("error", reject);
      session.on("error", reject);
    });
    return body;
  } finally {
    session.close();
  }
}

/** A socket file nothing listens on, like the one a killed server leaves. */
async function staleSocket(path: string): Promise<void> {
  const server = createNetServer();
  const bound = `${path}.bound`;
  await new Promise<void>((resolve) => server.listen(bound, resolve));
  linkSync(bound, path); // closing unlinks `bound` only
  await new Promise((resolve) => server.close(resolve));
}

/** A plain net server listening on `path` (another program's socket). */
async function otherServer(path: string): Promise<Server> {
  const server = createNetServer((socket) => socket.end("other"));
  await new Promise<void>((resolve) => server.listen(path, resolve));
  cleanups.push(() => server.close());
  return server;
}

const identity = (path: string) => {
  const { dev, ino } = lstatSync(path);
  return { dev, ino };
};

describe.each([
  { name: "default mode", mode: undefined },
  { name: "socketMode 0o660", mode: 0o660 },
])("unix socket path ownership ($name)", ({ mode }) => {
  it("refuses a path a server answers on, and the first server keeps serving", async () => {
    const path = join(tempDir(), "falco.sock");
    const first = await listen(path, "first", mode);
    const before = identity(path);
    const error = await listen(path, "second", mode).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SocketInUseError);
    expect((error as SocketInUseError).code).toBe("socket-in-use");
    expect((error as Error).message).toContain(path);
    expect((error as Error).message).toMatch(/another server is listening/);
    expect(identity(path)).toEqual(before);
    expect(await ask(path)).toBe("first");
    expect(first.endpoint).toBe(`unix://${path}`);
  });

  it("replaces a stale socket file", async () => {
    const path = join(tempDir(), "falco.sock");
    await staleSocket(path);
    expect(lstatSync(path).isSocket()).toBe(true);
    await listen(path, "new", mode);
    expect(await ask(path)).toBe("new");
  });

  it("refuses and keeps a file that is not a socket", async () => {
    const path = join(tempDir(), "falco.sock");
    writeFileSync(path, "precious");
    const error = await listen(path, "new", mode).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SocketInUseError);
    expect((error as Error).message).toMatch(/is not a socket/);
    expect(readFileSync(path, "utf8")).toBe("precious");
  });

  it("at close removes its own socket", async () => {
    const path = join(tempDir(), "falco.sock");
    const listener = await listen(path, "mine", mode);
    listener.beginClose();
    await listener.closed;
    expect(() => lstatSync(path)).toThrow(/ENOENT/);
  });

  it("at close leaves a socket another server put in its place", async () => {
    const path = join(tempDir(), "falco.sock");
    const listeners: Http2Listener[] = [await listen(path, "first", mode)];
    unlinkSync(path);
    await otherServer(path);
    const theirs = identity(path);
    listeners[0]?.destroy();
    await listeners[0]?.closed;
    expect(identity(path)).toEqual(theirs);
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connectNet(path);
      let text = "";
      socket.setEncoding("utf8");
      socket.on("data", (chunk: string) => {
        text += chunk;
      });
      socket.on("end", () => resolve(text));
      socket.on("error", reject);
    });
    expect(reply).toBe("other");
  });
});

describe.runIf(process.platform === "linux")("unix socket path length", () => {
  const pathOf = (bytes: number) => {
    const dir = tempDir();
    return join(dir, "s".repeat(bytes - dir.length - 1));
  };

  it("refuses a path longer than the kernel takes (Node would bind a truncated one)", async () => {
    const path = pathOf(108);
    const error = await listen(path, "x").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ListenError);
    expect((error as Error).message).toMatch(/at most 107 bytes, this one 108/);
  });

  it.each([undefined, 0o600])("serves on a path of 107 bytes (mode %s)", async (mode) => {
    const path = pathOf(107);
    await listen(path, "long", mode);
    expect(await ask(path)).toBe("long");
  });
});
