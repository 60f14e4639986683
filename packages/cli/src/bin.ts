#!/usr/bin/env node
import { ignoreClosedOutput } from "./closed-output.js";
import { describeError, EXIT } from "./exit-codes.js";
import { main } from "./program.js";

ignoreClosedOutput();
main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`falco-alerts: ${describeError(error)}\n`);
    process.exitCode = EXIT.error;
  },
);
