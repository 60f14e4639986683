import { expect, it } from "vitest";
import { hostForUrl, hostPort } from "./host.js";

it("brackets IPv6 hosts, once, and leaves names and IPv4 alone", () => {
  expect([hostForUrl("::1"), hostForUrl("[::1]"), hostForUrl("localhost")]).toEqual([
    "[::1]",
    "[::1]",
    "localhost",
  ]);
  expect([hostPort("fe80::1", 5060), hostPort("127.0.0.1", "2801")]).toEqual([
    "[fe80::1]:5060",
    "127.0.0.1:2801",
  ]);
});
