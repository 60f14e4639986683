import type { ServerResponse } from "node:http";

/**
 * The Content-Security-Policy of every response: scripts, styles and connections from this
 * origin only, no 'unsafe-inline', no eval, no plugins, no framing, no base-URI rewrite.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/** Headers set on every response of the UI (pages, assets, API, errors). */
export function setSecurityHeaders(res: ServerResponse, tls: boolean): void {
  res.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("Referrer-Policy", "no-referrer");
  res.setHeader("X-Frame-Options", "DENY");
  res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
  res.setHeader("Cross-Origin-Resource-Policy", "same-origin");
  if (tls) res.setHeader("Strict-Transport-Security", "max-age=31536000");
}
