import { describe, expect, it } from "vitest";
import { plural } from "./plural.js";

describe("plural", () => {
  it("says 1 alert, 0 alerts, 2 non-alert lines", () => {
    expect(plural(1, "alert")).toBe("1 alert");
    expect(plural(0, "alert")).toBe("0 alerts");
    expect(plural(2, "non-alert line")).toBe("2 non-alert lines");
    expect(plural(1, "non-alert line")).toBe("1 non-alert line");
    expect(plural(2, "index", "indices")).toBe("2 indices");
  });
});
