// falco-alerts ui fed by its inputs, in chromium: --from a Falco-faithful gRPC server of
// @falco-sdk/testing (its queue, its stream), and --from-nats a real nats-server fed by a
// falco-alerts forward. The page is open before the alerts exist: they appear without a reload,
// and the page holds exactly as many as were emitted (a last alert after them shows that no
// other came in between).
import { join } from "node:path";
import { type NatsTestServer, startNatsServer } from "@falco-sdk/testing/nats";
import {
  type AlertInit,
  createFalcoTestServer,
  type FalcoServer,
} from "@falco-sdk/testing/servers";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { start, tempDir, useProcesses } from "../test/spec-process.js";
import {
  haveChromium,
  launchChromium,
  loggedInPage,
  uiLinks,
  waitShown,
} from "../test/ui-browser.js";

useProcesses();

const disposables: AsyncDisposable[] = [];
afterEach(async () => {
  for (const d of disposables.splice(0).reverse()) await d[Symbol.asyncDispose]();
});

// Strings evaluated in the page: this package is typed without the DOM.

/** Marks the page; the function returned says whether the page was loaded again since. */
async function markPage(page: Page): Promise<() => Promise<boolean>> {
  await page.evaluate("window.__mark = true");
  return () => page.evaluate<boolean>("window.__mark !== true");
}

/** The rules of the rows the table has (in view and around), top first. */
function rulesInView(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(`Array.from(document.querySelectorAll("#table .row:not([hidden])"))
    .sort((a, b) => Number(a.dataset.index) - Number(b.dataset.index))
    .map((row) => row.querySelector(".rule")?.textContent ?? "")`);
}

function grpcAlert(rule: string, n: number): AlertInit {
  return {
    time: { seconds: 1_780_000_000n + BigInt(n), nanos: n },
    rule,
    output: `${rule} n=${n}`,
    outputFields: { "evt.num": String(n), "proc.name": "bash" },
    hostname: "grpc-host",
    source: "syscall",
    tags: ["test"],
  };
}

function httpAlert(rule: string, n: number): string {
  return JSON.stringify({
    hostname: "nats-host",
    output: `${rule} n=${n}`,
    output_fields: { "evt.num": n, "proc.name": "bash" },
    priority: "Warning",
    rule,
    source: "syscall",
    tags: ["test"],
    time: new Date(Date.UTC(2026, 11, 5, 8, 0, 0, n)).toISOString(),
  });
}

describe.skipIf(!haveChromium)("falco-alerts ui's inputs, live in chromium", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("--from a Falco gRPC server: its alerts appear live, as many as it emitted", async () => {
    const falco: FalcoServer = await createFalcoTestServer({
      listen: { socketPath: join(tempDir(), "falco.sock") },
    });
    disposables.push(falco);
    const ui = start([
      "ui",
      "--store",
      tempDir(),
      "--listen",
      "127.0.0.1:0",
      "--from",
      falco.endpoint,
    ]);
    const page = await loggedInPage(browser, (await uiLinks(ui)).link);
    await waitShown(page, 0);
    const reloaded = await markPage(page);

    let emitted = 0;
    for (const size of [30, 20]) {
      const batch = Array.from({ length: size }, (_, i) =>
        grpcAlert(`from falco ${emitted + i}`, emitted + i),
      );
      await falco.emit(batch);
      emitted += size;
      await waitShown(page, emitted);
      expect((await rulesInView(page))[0]).toBe(`from falco ${emitted - 1}`);
    }
    await falco.emit(grpcAlert("the last one", emitted));
    await waitShown(page, emitted + 1);
    expect((await rulesInView(page)).slice(0, 3)).toEqual([
      "the last one",
      `from falco ${emitted - 1}`,
      `from falco ${emitted - 2}`,
    ]);
    expect(await falco.stats()).toMatchObject({ delivered: emitted + 1, dropped: 0, queued: 0 });
    expect(await reloaded()).toBe(false);

    ui.child.kill("SIGTERM");
    expect((await ui.done).code).toBe(0);
  });

  it("--from-nats: the fleet's alerts (falco-alerts forward --to) appear live, as many as were posted", async () => {
    const broker: NatsTestServer = await startNatsServer();
    disposables.push(broker);
    const forward = start(["forward", "--listen-http", "127.0.0.1:0", "--to", broker.url]);
    await forward.waitFor("stderr", /forwarding into stream FALCO_ALERTS/);
    const input = (await forward.waitFor("stderr", /http_output at (\S+)\n/))[1] as string;
    const ui = start([
      "ui",
      "--store",
      tempDir(),
      "--listen",
      "127.0.0.1:0",
      "--from-nats",
      broker.url,
    ]);
    const page = await loggedInPage(browser, (await uiLinks(ui)).link);
    await waitShown(page, 0);
    const reloaded = await markPage(page);

    const post = async (body: string) => {
      const response = await fetch(input, {
        method: "POST",
        headers: { "Content-Type": "application/json", "User-Agent": "falcosecurity/falco" },
        body,
      });
      expect(response.status).toBeLessThan(300);
    };
    const posted = 25;
    for (let n = 0; n < posted; n++) await post(httpAlert(`from nats ${n}`, n));
    await waitShown(page, posted);
    expect((await rulesInView(page))[0]).toBe(`from nats ${posted - 1}`);
    await post(httpAlert("the last one", posted));
    await waitShown(page, posted + 1);
    expect((await rulesInView(page)).slice(0, 2)).toEqual([
      "the last one",
      `from nats ${posted - 1}`,
    ]);
    expect(await reloaded()).toBe(false);

    ui.child.kill("SIGTERM");
    expect((await ui.done).code).toBe(0);
    forward.child.kill("SIGTERM");
    await forward.done;
  });
});
