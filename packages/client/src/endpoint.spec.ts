import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_SOCKET_PATH,
  formatEndpoint,
  parseEndpointAddress,
  resolveEndpoint,
} from "./endpoint.js";

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
    expect(() => resolveEndpoint("host:0")).toThrow(/cannot read endpoint/);
    expect(() => resolveEndpoint("localhost")).toThrow(/cannot read endpoint/);
    expect(() => resolveEndpoint("https:///x.sock")).toThrow(/cannot read endpoint/);
  });
});

describe("parseEndpointAddress: one syntax for every endpoint", () => {
  it("reads every unix form, host:port, [v6]:port, and a bare port with a default host", () => {
    for (const text of ["unix:///x/a.sock", "unix:/x/a.sock", "/x/a.sock"]) {
      expect(parseEndpointAddress(text), text).toEqual({ kind: "unix", path: "/x/a.sock" });
    }
    expect(parseEndpointAddress("unix:a.sock")).toEqual({ kind: "unix", path: resolve("a.sock") });
    expect(resolveEndpoint("unix:a.sock")).toMatchObject({ path: resolve("a.sock") });
    expect(parseEndpointAddress("falco:5060")).toEqual({ kind: "tcp", host: "falco", port: 5060 });
    expect(parseEndpointAddress("[::1]:0")).toEqual({ kind: "tcp", host: "::1", port: 0 });
    expect(parseEndpointAddress("2801")).toBeUndefined();
    expect(parseEndpointAddress("2801", "127.0.0.1")).toEqual({
      kind: "tcp",
      host: "127.0.0.1",
      port: 2801,
    });
    for (const bad of ["localhost", "host:http", "host:70000", "unix:", "unix:////x", "a b:1"]) {
      expect(parseEndpointAddress(bad, "127.0.0.1"), bad).toBeUndefined();
    }
  });
});
