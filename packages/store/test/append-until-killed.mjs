// Appends batches of alerts to the store in argv[2] for ever, printing the last cursor of each
// batch once `append` returned (the test kills it with SIGKILL at some point and checks that
// every printed cursor survived). Alert number i carries evt.num = i, so the test can check
// each alert is the one appended under its cursor.
import { parseAlertJson } from "@falco-sdk/core";
import { openAlertStore } from "../dist/index.js";

const store = openAlertStore({ directory: process.argv[2] });
let next = store.stats().lastCursor;
for (;;) {
  const batch = [];
  for (let k = 0; k < 50; k++, next++) {
    batch.push(
      parseAlertJson(
        `{"hostname":"h","output":"crash test ${next}","output_fields":{"evt.num":${next}},` +
          `"priority":"Warning","rule":"r${next % 5}","source":"syscall","tags":["t"],"time":"2026-12-01T00:00:00.000000000Z"}`,
      ),
    );
  }
  const { last } = store.append(batch);
  process.stdout.write(`${last}\n`);
}
