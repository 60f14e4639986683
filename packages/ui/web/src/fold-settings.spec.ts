import { expect, it } from "vitest";
import { DEFAULT_FOLD, readFoldSettings, writeFoldSettings } from "./fold-settings.js";
import { apiFilters } from "./view-state.js";

it("is on, by rule and host, in 5-minute windows, unless the URL says otherwise", () => {
  expect(readFoldSettings("?rule=x")).toEqual({ settings: DEFAULT_FOLD });
  const { settings } = readFoldSettings(
    "?fold=off&foldBy=proc.name,container.image.repository&foldWindow=90s",
  );
  expect(settings).toEqual({
    enabled: false,
    fields: ["proc.name", "container.image.repository"],
    window: "90s",
    windowMs: 90_000,
  });
});

it("says what it ignored in a window that is not a duration", () => {
  for (const bad of ["5", "0m", "five"]) {
    const read = readFoldSettings(`?foldWindow=${bad}`);
    expect(read.settings.windowMs).toBe(300_000);
    expect(read.problem).toContain(`foldWindow=${bad} is not a duration`);
  }
});

it("round-trips through the URL, writes nothing for the defaults, and never reaches the API", () => {
  const params = new URLSearchParams("rule=R&foldWindow=1h");
  writeFoldSettings(params, DEFAULT_FOLD);
  expect(params.toString()).toBe("rule=R");
  const settings = { enabled: false, fields: ["proc.name"], window: "15m", windowMs: 900_000 };
  writeFoldSettings(params, settings);
  expect(readFoldSettings(`?${params}`).settings).toEqual(settings);
  expect(apiFilters(`?${params}`).toString()).toBe("rule=R");
});
