import { randomBytes } from "node:crypto";
import { tokenHash } from "./login-tokens.js";

/**
 * Browser sessions after a login, in memory (a restart asks for a new login link). A session
 * id is 256 random bits; only its hash is kept, so a heap dump does not hold a usable cookie.
 */
export class Sessions {
  private readonly byHash = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** A new session id, valid for `ttlMs`. */
  create(): string {
    this.prune();
    const id = randomBytes(32).toString("base64url");
    this.byHash.set(tokenHash(id), this.now() + this.ttlMs);
    return id;
  }

  valid(id: string | undefined): boolean {
    if (id === undefined) return false;
    const expiresAt = this.byHash.get(tokenHash(id));
    if (expiresAt === undefined) return false;
    if (expiresAt > this.now()) return true;
    this.byHash.delete(tokenHash(id));
    return false;
  }

  revoke(id: string | undefined): void {
    if (id !== undefined) this.byHash.delete(tokenHash(id));
  }

  get size(): number {
    return this.byHash.size;
  }

  private prune(): void {
    const now = this.now();
    for (const [hash, expiresAt] of this.byHash) if (expiresAt <= now) this.byHash.delete(hash);
  }
}

/** The value of one cookie in a Cookie header, undefined when absent. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
