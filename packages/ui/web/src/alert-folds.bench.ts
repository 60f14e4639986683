// What folding again costs when the settings change, on a full list (100,000 alerts of about
// 700 bytes, 5 rules, 3 hosts, over 17 minutes), beside a baseline: the same alerts walked and
// keyed by their cursor alone. From packages/ui:
//   npx vitest bench --run web/src/alert-folds.bench.ts
import { bench, describe } from "vitest";
import { AlertFolds } from "./alert-folds.js";
import { AlertList } from "./alert-list.js";
import { DEFAULT_FOLD, type FoldSettings } from "./fold-settings.js";
import { pageAlert } from "./stored-alert.js";

const N = 100_000;
const list = new AlertList(N);
const made = [];
for (let i = 1; i <= N; i++) {
  const t = new Date(Date.UTC(2026, 11, 5, 8) + i * 10).toISOString().replace("Z", "123456Z");
  const proc = i % 5 === 0 ? "sh" : "bash";
  made.push(
    pageAlert(
      i,
      `{"hostname":"node-${i % 3}","output":"${t}: Notice A shell was spawned in a container with an attached terminal (user=root k8s.ns=prod k8s.pod=nginx-7f9 container=3f2a1b shell=${proc} parent=runc cmdline=${proc} -i pid=${i} terminal=34816 image=nginx)","output_fields":{"container.id":"3f2a1b","container.image.repository":"nginx","evt.time":1764921600000000000,"k8s.ns.name":"prod","k8s.pod.name":"nginx-7f9","proc.cmdline":"${proc} -i","proc.name":"${proc}","proc.pid":${i},"proc.tty":34816,"user.loginuid":-1,"user.name":"root"},"priority":"Notice","rule":"Rule ${i % 5}","source":"syscall","tags":["container","shell","mitre_execution"],"time":"${t}"}`,
    ),
  );
}
list.addNewer(made);

const folds = new AlertFolds(DEFAULT_FOLD);
const refold = (settings: Partial<FoldSettings>) => () =>
  folds.refold({ ...DEFAULT_FOLD, ...settings }, list);
const options = { time: 0, iterations: 5, warmupIterations: 1 };

describe(`folding again ${N.toLocaleString()} held alerts`, () => {
  bench(
    "baseline: walk the list, one Map entry per cursor",
    () => {
      const m = new Map<number, number>();
      for (const a of list) m.set(a.cursor, a.cursor);
    },
    options,
  );
  bench("by rule and host", refold({}), options);
  bench("by rule, host and proc.name", refold({ fields: ["proc.name"] }), options);
  bench(
    "by rule, host, proc.name and container.image.repository",
    refold({ fields: ["proc.name", "container.image.repository"] }),
    options,
  );
  bench(
    "by rule, host and proc.pid (every alert a fold of its own)",
    refold({ fields: ["proc.pid"] }),
    options,
  );
});
