import { describe, expect, it } from "vitest";
import { byteSize } from "./byte-size.js";
import { defaultSpoolDirectory, stateDirectory } from "./state-directory.js";

describe("size flags and the state directory", () => {
  it("reads bytes with binary suffixes and refuses anything else", () => {
    const parse = byteSize("--spool-max-bytes");
    expect(parse("1048576")).toBe(1048576);
    expect(parse("512M")).toBe(512 * 2 ** 20);
    expect(parse("2GiB")).toBe(2 * 2 ** 30);
    expect(parse("1.5k")).toBe(1536);
    for (const bad of ["", "0", "-1", "12Q", "M", "1e3"]) {
      expect(() => parse(bad)).toThrow(/--spool-max-bytes takes a size/);
    }
  });

  it("follows XDG_STATE_HOME when absolute, else ~/.local/state", () => {
    expect(stateDirectory({ XDG_STATE_HOME: "/var/lib/x" })).toBe("/var/lib/x/falco-alerts");
    expect(stateDirectory({ XDG_STATE_HOME: "relative" })).toMatch(/\.local\/state\/falco-alerts$/);
    expect(defaultSpoolDirectory("FALCO_ALERTS", { XDG_STATE_HOME: "/s" })).toBe(
      "/s/falco-alerts/forward-spool/FALCO_ALERTS",
    );
  });
});
