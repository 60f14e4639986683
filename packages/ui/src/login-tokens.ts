import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The file, in the store directory, that holds the SHA-256 of each login token not yet used. */
export const LOGIN_TOKENS_FILE = "ui-login-tokens.json";

interface TokenEntry {
  readonly sha256: string;
  readonly expiresAt: number;
}

/** SHA-256 of a token, hex. A token is 256 random bits: a slow hash (scrypt) would add nothing. */
export function tokenHash(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/**
 * One-time login tokens. `issue` makes a token and keeps only its hash (in
 * `<directory>/ui-login-tokens.json`, mode 0600); `consume` accepts a token once, before it
 * expires, and forgets it. The file is read at each `consume`, so a token issued by another
 * process on the same store directory works too.
 */
export class LoginTokens {
  private readonly path: string;

  constructor(
    directory: string,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.path = join(directory, LOGIN_TOKENS_FILE);
  }

  /** A new token (43 characters, base64url), valid once for `ttlMs`. */
  issue(): string {
    const token = randomBytes(32).toString("base64url");
    const live = this.read().filter((e) => e.expiresAt > this.now());
    this.write([...live, { sha256: tokenHash(token), expiresAt: this.now() + this.ttlMs }]);
    return token;
  }

  /** True (once) for a token issued and not expired; the token cannot be used again. */
  consume(token: string): boolean {
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return false;
    const hash = Buffer.from(tokenHash(token), "hex");
    const entries = this.read();
    const now = this.now();
    let found = false;
    const kept = entries.filter((e) => {
      const match = e.sha256.length === 64 && timingSafeEqual(Buffer.from(e.sha256, "hex"), hash);
      if (match && e.expiresAt > now) found = true;
      return !match && e.expiresAt > now;
    });
    if (kept.length !== entries.length) this.write(kept);
    return found;
  }

  private read(): TokenEntry[] {
    let text: string;
    try {
      text = readFileSync(this.path, "utf8");
    } catch {
      return [];
    }
    try {
      const parsed = JSON.parse(text) as unknown;
      if (!Array.isArray(parsed)) return [];
      return parsed.filter(
        (e): e is TokenEntry =>
          typeof e === "object" &&
          e !== null &&
          typeof (e as TokenEntry).sha256 === "string" &&
          /^[0-9a-f]{64}$/.test((e as TokenEntry).sha256) &&
          typeof (e as TokenEntry).expiresAt === "number",
      );
    } catch {
      return [];
    }
  }

  private write(entries: readonly TokenEntry[]): void {
    const temp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify(entries)}\n`, { mode: 0o600 });
    renameSync(temp, this.path);
  }
}
