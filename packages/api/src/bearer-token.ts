import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";

/** Checks `Authorization: Bearer <token>` against a token in constant time. */
export class BearerToken {
  private readonly digest: Buffer;

  constructor(token: string) {
    this.digest = sha256(token);
  }

  /** True when the request carries this token. */
  accepts(request: IncomingMessage): boolean {
    const header = request.headers.authorization;
    if (typeof header !== "string") return false;
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
    if (!match) return false;
    // Both sides hashed to 32 bytes: equal lengths, so the comparison time says nothing.
    return timingSafeEqual(sha256(match[1] as string), this.digest);
  }
}

function sha256(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}
