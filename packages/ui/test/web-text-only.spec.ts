import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";

it("never writes markup: no innerHTML, outerHTML, insertAdjacentHTML, document.write or eval", () => {
  const dir = join(import.meta.dirname, "..", "web", "src");
  const sources = readdirSync(dir).filter((f) => f.endsWith(".ts") && !f.endsWith(".spec.ts"));
  expect(sources.length).toBeGreaterThan(5);
  for (const file of sources) {
    const text = readFileSync(join(dir, file), "utf8");
    expect(text, file).not.toMatch(
      /innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function|srcdoc/,
    );
  }
});
