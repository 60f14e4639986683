import { describe, expect, it } from "vitest";
import { DEFAULT_SOCKET_PATH, formatEndpoint, resolveEndpoint } from "./endpoint.js";

describe("resolveEndpoint", () => {
  it("reads unix, host:port, https and IPv6 forms", () => {
    expect(resolveEndpoint("unix:///run/falco/falco.sock")).toEqual({
      kind: "unix",
      path: "/run/falco/falco.sock",
      tried: ["/run/falco/falco.sock"],
    });
    expect(resolveEndpoint("/var/run/falco.sock")).toMatchObject({ path: "/var/run/falco.sock" });
    expect(resolveEndpoint("localhost:5060")).toEqual({
      kind: "tcp",
      host: "localhost",
      port: 5060,
      tls: true,
    });
    expect(resolveEndpoint("https://[::1]:5060")).toMatchObject({ host: "::1", tls: true });
    expect(resolveEndpoint("http://127.0.0.1:9", true)).toMatchObject({ tls: false });
    expect(formatEndpoint(resolveEndpoint("https://[::1]:5060"))).toBe("[::1]:5060");
  });

  it("defaults to Falco's socket, trying the pre-0.33 path too", () => {
    const endpoint = resolveEndpoint(undefined);
    expect(endpoint.kind === "unix" && endpoint.tried).toEqual([
      DEFAULT_SOCKET_PATH,
      "/var/run/falco.sock",
    ]);
  });

  it("rejects out-of-range ports", () => {
    expect(() => resolveEndpoint("host:70000")).toThrow(/cannot read endpoint/);
  });
});
