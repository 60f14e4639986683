import { homedir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultCursorFile } from "./api-input.js";

describe("defaultCursorFile", () => {
  it("one file per API URL, under XDG_STATE_HOME when absolute, else ~/.local/state", () => {
    expect(defaultCursorFile("http://127.0.0.1:2803", { XDG_STATE_HOME: "/s" })).toBe(
      "/s/falco-alerts/tail-cursors/http_127.0.0.1_2803.cursor",
    );
    expect(defaultCursorFile("https://relay.example:2803/falco", { XDG_STATE_HOME: "/s" })).toBe(
      "/s/falco-alerts/tail-cursors/https_relay.example_2803_falco.cursor",
    );
    expect(defaultCursorFile("http://[::1]:2803", { XDG_STATE_HOME: "relative" })).toBe(
      join(homedir(), ".local/state/falco-alerts/tail-cursors/http__1_2803.cursor"),
    );
  });
});
