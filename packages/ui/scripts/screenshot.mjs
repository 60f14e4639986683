#!/usr/bin/env node
// The README's screenshot of the main view: a store of sample alerts, the UI server, Debian's
// chromium (playwright-core), a login with the one-time link, one alert opened; then the same
// view with its fold of repeated alerts opened (docs/folds.png); then four alerts of one rule
// picked in the table and the exception made from them (docs/selection.png).
//   pnpm --filter @falco-sdk/ui build && node packages/ui/scripts/screenshot.mjs [out.png [folds.png [selection.png]]]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAlertJson } from "@falco-sdk/core";
import { openAlertStore } from "@falco-sdk/store";
import { chromium } from "playwright-core";
import { createAlertUiServer } from "../dist/index.js";

const out = process.argv[2] ?? fileURLToPath(new URL("../docs/main-view.png", import.meta.url));
const foldsOut = process.argv[3] ?? fileURLToPath(new URL("../docs/folds.png", import.meta.url));
const selectionOut =
  process.argv[4] ?? fileURLToPath(new URL("../docs/selection.png", import.meta.url));
const samples = [
  [
    "Terminal shell in container",
    "Notice",
    "A shell was spawned in a container with an attached terminal",
    ["container", "shell", "mitre_execution"],
    {
      "proc.name": "bash",
      "proc.cmdline": "bash -i",
      "k8s.ns.name": "prod",
      "container.image.repository": "nginx",
    },
  ],
  [
    "Read sensitive file untrusted",
    "Warning",
    "Sensitive file opened for reading by non-trusted program",
    ["filesystem", "mitre_credential_access"],
    {
      "fd.name": "/etc/shadow",
      "proc.name": "cat",
      "k8s.ns.name": "payments",
      "container.image.repository": "alpine",
    },
  ],
  [
    "Write below etc",
    "Error",
    "File below /etc opened for writing",
    ["filesystem", "mitre_persistence"],
    {
      "fd.name": "/etc/cron.d/job",
      "proc.name": "sh",
      "k8s.ns.name": "prod",
      "container.image.repository": "busybox",
    },
  ],
  [
    "Contact K8S API Server From Container",
    "Notice",
    "Unexpected connection to K8s API Server from container",
    ["network", "k8s"],
    {
      "fd.name": "10.0.0.5:51234->10.96.0.1:443",
      "proc.name": "curl",
      "k8s.ns.name": "ci",
      "container.image.repository": "curlimages/curl",
    },
  ],
  [
    "Drop and execute new binary in container",
    "Critical",
    "Executing binary not part of base image",
    ["container", "mitre_persistence"],
    {
      "proc.name": "xmrig",
      "proc.cmdline": "./xmrig -o pool:3333",
      "k8s.ns.name": "prod",
      "container.image.repository": "nginx",
    },
  ],
];
const hosts = ["node-a", "node-b", "node-c"];
const directory = mkdtempSync(join(tmpdir(), "falco-ui-shot-"));
const store = openAlertStore({ directory, durable: false });
// Over the last day, denser in the last hours (the histogram shows the last day by default).
const now = Date.now();
const alerts = [];
for (let i = 0; i < 240; i++) {
  const [rule, priority, text, tags, fields] = samples[(i * 7) % samples.length];
  const host = hosts[i % hosts.length];
  const ago = Math.floor(86_000_000 * ((240 - i) / 240) ** 2.5);
  const time = new Date(now - ago).toISOString().replace("Z", "123456Z");
  const outputFields = {
    ...fields,
    "proc.pid": 4_000_000_000_000 + i,
    "evt.num": 18446744073709551000n + BigInt(i),
  };
  const json = `{"hostname":${JSON.stringify(host)},"output":${JSON.stringify(`${time.slice(11, 26)}: ${priority} ${text} (proc=${fields["proc.name"]} ns=${fields["k8s.ns.name"]})`)},"output_fields":${JSON.stringify(outputFields, (_k, v) => (typeof v === "bigint" ? `@@${v}@@` : v)).replace(/"@@(\d+)@@"/g, "$1")},"priority":"${priority}","rule":${JSON.stringify(rule)},"source":"syscall","tags":${JSON.stringify(tags)},"time":"${time}"}`;
  alerts.push(parseAlertJson(json));
}
// A burst: the same shell in the same container, 40 times in the last 2 minutes, within the
// current 5-minute slot (one fold; a burst across a slot boundary shows as two).
const burstStart = Math.max(Math.floor(now / 300_000) * 300_000, now - 120_000);
for (let i = 0; i < 40; i++) {
  const ms = burstStart + Math.floor(((now - burstStart) * i) / 40);
  const time = new Date(ms).toISOString().replace("Z", "123456Z");
  const json = `{"hostname":"node-b","output":"${time.slice(11, 26)}: Notice A shell was spawned in a container with an attached terminal (proc=bash ns=ci)","output_fields":{"proc.name":"bash","proc.pid":${31000 + i},"k8s.ns.name":"ci","container.image.repository":"ci-runner"},"priority":"Notice","rule":"Terminal shell in container","source":"syscall","tags":["container","shell"],"time":"${time}"}`;
  alerts.push(parseAlertJson(json));
}
alerts.sort((a, b) => (a.timeNs < b.timeNs ? -1 : 1));
store.append(alerts);
const server = await createAlertUiServer({ store, directory, port: 0 });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  await page.goto(server.loginUrl());
  await page.waitForURL((url) => url.pathname === "/");
  await page.locator("#status[data-state=live]").waitFor();
  await page.locator(".facet-value").first().waitFor();
  await page.locator(".row:not(.fold)").nth(2).click();
  await page.locator("#detail-json").waitFor();
  await page.screenshot({ path: out });
  console.log(`wrote ${out}`);
  await page.locator("#detail-close").click();
  await page.locator(".row.fold").first().click();
  await page.locator(".row.member").first().waitFor();
  await page.screenshot({ path: foldsOut });
  console.log(`wrote ${foldsOut}`);
  await page.goto(`${server.url}?fold=off&rule=${encodeURIComponent("Write below etc")}`);
  await page.locator("#status[data-state=live]").waitFor();
  await page.locator('.row[data-index="0"] .pick input').click();
  await page.locator('.row[data-index="3"] .pick input').click({ modifiers: ["Shift"] });
  await page.locator("#exception-selection").click();
  await page.locator('#exception-form select[data-field="fd.name"]').selectOption("startswith");
  await page.locator("#exception-summary", { hasText: "startswith" }).waitFor();
  await page.screenshot({ path: selectionOut });
  console.log(`wrote ${selectionOut}`);
} finally {
  await browser.close();
  await server.close();
  store.close();
  rmSync(directory, { recursive: true, force: true });
}
