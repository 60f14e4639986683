import { DEFAULT_COUNTED_FIELDS } from "@falco-sdk/store";
import { describe, expect, it } from "vitest";
import { FACET_FIELDS } from "../web/src/facet-panel.js";
import { UI_FACET_FIELDS } from "./facet-fields.js";

describe("UI_FACET_FIELDS", () => {
  it("are the fields the page asks facets of, and a store counts them by default", () => {
    expect(UI_FACET_FIELDS).toEqual(FACET_FIELDS);
    for (const field of UI_FACET_FIELDS) expect(DEFAULT_COUNTED_FIELDS).toContain(field);
  });
});
