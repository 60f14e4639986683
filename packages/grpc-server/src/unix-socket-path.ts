import { chmodSync, linkSync, lstatSync, renameSync, unlinkSync } from "node:fs";
import { lstat, unlink } from "node:fs/promises";
import { connect } from "node:net";
import { basename, dirname, join } from "node:path";
import { ListenError, SocketInUseError } from "./listen-error.js";

/**
 * Which file a listener bound: removed at close only while the path still names it. The
 * birth time tells a new file from ours when its inode number was freed and reused (0
 * where the file system does not record it).
 */
export interface SocketFileIdentity {
  /** Device of the file (`lstat`). */
  readonly dev: bigint;
  /** Inode number of the file. */
  readonly ino: bigint;
  /** Birth time in nanoseconds, 0 where the file system does not record it. */
  readonly birthtimeNs: bigint;
}

const errnoOf = (error: unknown) => (error as NodeJS.ErrnoException).code;

/** What answers on a unix socket file: a server, nothing (stale file), or no file any more. */
async function probe(path: string): Promise<"answers" | "stale" | "gone"> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    socket.once("connect", () => {
      socket.destroy();
      resolve("answers");
    });
    socket.once("error", (error: NodeJS.ErrnoException) => {
      socket.destroy();
      if (error.code === "ECONNREFUSED") resolve("stale");
      else if (error.code === "ENOENT") resolve("gone");
      // A full backlog: a server is there, busy.
      else if (error.code === "EAGAIN") resolve("answers");
      else reject(error);
    });
  });
}

/**
 * Makes `path` free for a new unix socket, or explains why it is not: a socket
 * nothing answers on (a stopped or killed server's) is removed; a socket a
 * server answers on, or a file of another kind, is left alone and makes this
 * throw {@link SocketInUseError}.
 */
export async function claimSocketPath(path: string): Promise<void> {
  let stats: Awaited<ReturnType<typeof lstat>>;
  try {
    stats = await lstat(path);
  } catch (error) {
    if (errnoOf(error) === "ENOENT") return;
    throw new ListenError(`cannot listen on ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (!stats.isSocket()) {
    throw new SocketInUseError(
      path,
      `${path} exists and is not a socket: choose another socket path (refusing to delete it).`,
    );
  }
  let state: Awaited<ReturnType<typeof probe>>;
  try {
    state = await probe(path);
  } catch (error) {
    throw new SocketInUseError(
      path,
      `cannot tell whether a server is listening on ${path} (${errnoOf(error)}): choose ` +
        "another socket path, or remove that socket if no server uses it.",
      { cause: error },
    );
  }
  if (state === "answers") {
    throw new SocketInUseError(
      path,
      `another server is listening on ${path}: stop it or choose another socket path ` +
        "(refusing to take its socket).",
    );
  }
  if (state === "stale") {
    await unlink(path).catch((error: unknown) => {
      if (errnoOf(error) === "ENOENT") return;
      throw new ListenError(
        `cannot remove the stale socket ${path} (no server answers there): ` +
          `${(error as Error).message}. Remove it, or choose another socket path.`,
        { cause: error },
      );
    });
  }
}

/**
 * The longest unix socket path the kernel takes, in bytes (sun_path less its NUL). Node
 * truncates a longer one silently, and would bind another path than the one asked for.
 */
const MAX_SOCKET_PATH_BYTES = process.platform === "linux" ? 107 : 103;

/** Throws {@link ListenError} when `path` is too long for a unix socket. */
export function checkSocketPathLength(path: string): void {
  const bytes = Buffer.byteLength(path);
  if (bytes > MAX_SOCKET_PATH_BYTES) {
    throw new ListenError(
      `cannot listen on ${path}: a unix socket path has at most ${MAX_SOCKET_PATH_BYTES} ` +
        `bytes, this one ${bytes}. Choose a shorter socket path.`,
    );
  }
}

let staged = 0;

/**
 * A private name next to `path`, unique in this process, to bind under before the socket
 * is placed: `.NAME.PID-N.tmp`, or a shorter `.PID-N` when that would be too long.
 */
export function stagingPathFor(path: string): string {
  staged += 1;
  const dir = dirname(path);
  const named = join(dir, `.${basename(path)}.${process.pid}-${staged}.tmp`);
  if (Buffer.byteLength(named) <= MAX_SOCKET_PATH_BYTES) return named;
  const short = join(dir, `.${process.pid.toString(36)}-${staged.toString(36)}`);
  if (Buffer.byteLength(short) <= MAX_SOCKET_PATH_BYTES) return short;
  throw new ListenError(
    `cannot listen on ${path}: its directory's path is too long to create the socket there ` +
      `safely (a unix socket path has at most ${MAX_SOCKET_PATH_BYTES} bytes). Choose a ` +
      "shorter socket path.",
  );
}

/** The device and inode of the socket file at `path`. */
export function socketFileIdentity(path: string): SocketFileIdentity {
  const { dev, ino, birthtimeNs } = lstatSync(path, { bigint: true });
  return { dev, ino, birthtimeNs };
}

/**
 * Moves the socket bound at `staging` to `path` (chmod-ed to `mode` first), without
 * replacing anything that appeared at `path` since {@link claimSocketPath}: a hard
 * link fails when `path` exists, where a rename would replace it. Returns the
 * socket's identity, for {@link releaseSocketPath}.
 */
export function placeSocket(staging: string, path: string, mode?: number): SocketFileIdentity {
  if (mode !== undefined) chmodSync(staging, mode);
  try {
    linkSync(staging, path);
  } catch (error) {
    const code = errnoOf(error);
    if (code === "EEXIST") {
      throw new SocketInUseError(
        path,
        `another process created ${path} while this one started: stop it or choose another ` +
          "socket path.",
        { cause: error },
      );
    }
    if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EOPNOTSUPP") throw error;
    // A file system without hard links: the checked path, renamed into place.
    renameSync(staging, path);
    return socketFileIdentity(path);
  }
  unlinkSync(staging);
  return socketFileIdentity(path);
}

/** Removes the socket file at `path` if it is still the one `identity` names. */
export function releaseSocketPath(path: string, identity: SocketFileIdentity): void {
  try {
    const stats = lstatSync(path, { bigint: true });
    if (
      stats.isSocket() &&
      stats.dev === identity.dev &&
      stats.ino === identity.ino &&
      stats.birthtimeNs === identity.birthtimeNs
    ) {
      unlinkSync(path);
    }
  } catch {
    // already gone
  }
}

/** Removes a socket file left at `path` (never any other kind of file). */
export function removeSocketFile(path: string): void {
  try {
    if (lstatSync(path).isSocket()) unlinkSync(path);
  } catch {
    // already gone
  }
}
