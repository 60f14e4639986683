import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { LOGIN_TOKENS_FILE, LoginTokens, tokenHash } from "./login-tokens.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

it("keeps only the hash of a token, accepts it once and not after it expires", () => {
  const dir = mkdtempSync(join(tmpdir(), "falco-ui-tokens-"));
  dirs.push(dir);
  let now = 1000;
  const tokens = new LoginTokens(dir, 60_000, () => now);
  const a = tokens.issue();
  const b = tokens.issue();
  const file = readFileSync(join(dir, LOGIN_TOKENS_FILE), "utf8");
  expect(file).not.toContain(a);
  expect(file).toContain(tokenHash(a));
  expect(statSync(join(dir, LOGIN_TOKENS_FILE)).mode & 0o777).toBe(0o600);
  expect(tokens.consume(a)).toBe(true);
  expect(tokens.consume(a)).toBe(false);
  expect(new LoginTokens(dir, 60_000, () => now).consume("not a token")).toBe(false);
  now += 60_001;
  expect(tokens.consume(b)).toBe(false);
});
