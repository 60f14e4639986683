// The 1M-alert browser test's server, a child process: fills a new store in DIR with COUNT
// alerts of million-alerts.mjs (their times spread over the 24 h before END_MS, appended in
// batches of 50,000 with durable: false), then serves it as `falco-alerts ui --store DIR` does
// (the store counting UI_FACET_FIELDS, the UI server on a free loopback port). It prints
// {"filledMs", "url", "login"} on one line and serves until its stdin ends.
import { once } from "node:events";
import { parseAlertJson } from "@falco-sdk/core";
import { openAlertStore } from "@falco-sdk/store";
import { createAlertUiServer, UI_FACET_FIELDS } from "../dist/index.js";
import { millionAlertJson, millionAlertTime } from "./million-alerts.mjs";

const [directory, countText, endText] = process.argv.slice(2);
const count = Number(countText);
const endMs = Number(endText);
const DAY_MS = 86_400_000;
const t0 = performance.now();
const store = openAlertStore({ directory, durable: false, countedFields: UI_FACET_FIELDS });
for (let i = 0; i < count; ) {
  const batch = [];
  for (const end = Math.min(count, i + 50_000); i < end; i++)
    batch.push(parseAlertJson(millionAlertJson(i, millionAlertTime(i, count, endMs, DAY_MS))));
  store.append(batch);
}
const filledMs = performance.now() - t0;
const server = await createAlertUiServer({ store, directory, port: 0 });
console.log(JSON.stringify({ filledMs, url: server.url, login: server.loginUrl() }));
process.stdin.resume();
await once(process.stdin, "end");
await server.close();
store.close();
