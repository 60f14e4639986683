import { defineProject, type TestProjectInlineConfiguration } from "vitest/config";

/**
 * The export condition under which every workspace package points at its TypeScript source
 * (`"@falco-sdk/source": "./src/index.ts"`): tests and type checks of one package see another
 * package's edits without a rebuild. Published package.json files do not have it
 * (`publishConfig.exports`), and a custom name keeps Vite's own `development` condition, which
 * a consumer's bundler may set, away from files that are not published.
 */
export const SOURCE_CONDITION = "@falco-sdk/source";

/** A package's vitest project: its tests import other workspace packages from source. */
export function falcoProject(test: NonNullable<TestProjectInlineConfiguration["test"]>) {
  return defineProject({
    resolve: { conditions: [SOURCE_CONDITION, "module", "node", "development|production"] },
    ssr: {
      resolve: { conditions: [SOURCE_CONDITION, "module", "node", "development|production"] },
    },
    test,
  });
}
