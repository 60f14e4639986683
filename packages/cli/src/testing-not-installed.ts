import { FalcoError } from "@falco-sdk/core";

declare module "@falco-sdk/core" {
  interface FalcoErrorCodes {
    "testing-not-installed": TestingNotInstalledError;
  }
}

/** How to install @falco-sdk/testing beside falco-alerts (nothing is on the npm registry). */
export const TESTING_INSTALL_HINT =
  "install it beside falco-alerts from a falco-sdk clone, after `npm run pack` there: " +
  "`npm install -g ./dist-packages/falco-sdk-{core,proto,grpc-server,testing}-*.tgz` " +
  "(without -g for a falco-alerts installed in a project)";

/**
 * A command that runs the test server (`serve`, and `npm run demo` through it) was started
 * without `@falco-sdk/testing`, an optional peer dependency of the CLI: every other command
 * works without it.
 */
export class TestingNotInstalledError extends FalcoError<"testing-not-installed"> {
  constructor(command: string, options?: { cause?: unknown }) {
    super(
      "testing-not-installed",
      `\`falco-alerts ${command}\` runs the test server of @falco-sdk/testing, which is not ` +
        `installed (every other command works without it): ${TESTING_INSTALL_HINT}`,
      options,
    );
  }
}

/** Whether `error` is the failure to import @falco-sdk/testing itself (not one of its files). */
export function isTestingMissing(error: unknown): boolean {
  if (!(error instanceof Error) || (error as { code?: unknown }).code !== "ERR_MODULE_NOT_FOUND")
    return false;
  return /Cannot find package '@falco-sdk\/testing'/.test(error.message);
}
