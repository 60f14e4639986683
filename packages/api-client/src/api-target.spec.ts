import { describe, expect, it } from "vitest";
import { resolveTarget, routeUrl } from "./api-target.js";

describe("resolveTarget", () => {
  it("takes the base URL, also one that names the API's path or a route of it", () => {
    for (const url of [
      "http://127.0.0.1:2803",
      "http://127.0.0.1:2803/",
      "http://127.0.0.1:2803/api/v1",
      "http://127.0.0.1:2803/api/v1/alerts/stream?after=0",
    ]) {
      const target = resolveTarget({ url });
      expect(routeUrl(target, "api/v1/stats").href).toBe("http://127.0.0.1:2803/api/v1/stats");
    }
    const prefixed = resolveTarget({ url: "https://relay.example/falco" });
    expect(routeUrl(prefixed, "api/v1/alerts").href).toBe(
      "https://relay.example/falco/api/v1/alerts",
    );
  });

  it("shows the URL without credentials", () => {
    expect(resolveTarget({ url: "http://user:pw@127.0.0.1:2803/" }).shown).toBe(
      "http://127.0.0.1:2803",
    );
  });

  it("refuses a token with a line break, and timeouts that are not above 0", () => {
    expect(() => resolveTarget({ url: "http://x", token: "a\nb" })).toThrow(
      /token must be one line/,
    );
    expect(() => resolveTarget({ url: "http://x", idleTimeoutMs: 0 })).toThrow(/idleTimeoutMs/);
    expect(() =>
      resolveTarget({ url: "https://x", tls: { cert: "-----BEGIN CERTIFICATE-----" } }),
    ).toThrow(/tls.cert and tls.key go together/);
  });
});
