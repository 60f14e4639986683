import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest, type RequestOptions } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Alert, PRIORITIES, parseAlertJson, sleep } from "@falco-sdk/core";
import { type AlertStore, type AlertStoreOptions, openAlertStore } from "@falco-sdk/store";

const dirs: string[] = [];

/** A store in a new temporary directory; `removeTempDirs` deletes it. */
export function tempStore(options: Partial<AlertStoreOptions> = {}): AlertStore {
  const directory = mkdtempSync(join(tmpdir(), "falco-api-"));
  dirs.push(directory);
  return openAlertStore({ directory, durable: false, ...options });
}

/** A file holding `content` in a new temporary directory. */
export function tempFile(name: string, content: string): string {
  const dir = mkdtempSync(join(tmpdir(), "falco-api-"));
  dirs.push(dir);
  const file = join(dir, name);
  writeFileSync(file, content, { mode: 0o600 });
  return file;
}

/** Resolves once `condition()` holds, looking after each turn of the event loop's timers. */
export async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await sleep(5);
}

export function removeTempDirs(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

const HOSTS = ["node-a", "node-b", "node-c"];
const RULES = ["Terminal shell in container", "Write below etc", "K8s Secret Deleted"];

/** The Falco JSON of test alert `i`: a big integer (evt.num above 2^53) that must stay exact. */
export function testAlertJson(i: number, startMs = Date.UTC(2026, 11, 1), pad = 0): string {
  const time = new Date(startMs + i * 1000).toISOString().replace("Z", "000000Z");
  return `{"hostname":"${HOSTS[i % 3]}","output":"alert ${i} <b>x</b>${"x".repeat(pad)}","output_fields":{"evt.num":${9007199254740993n + BigInt(i)},"k8s.ns.name":"ns-${i % 2}","proc.name":"proc${i % 4}"},"priority":"${PRIORITIES[i % 8]}","rule":"${RULES[i % 3]}","source":"syscall","tags":["t${i % 2}"],"time":"${time}"}`;
}

export function testAlerts(from: number, to: number, startMs?: number, pad = 0): Alert[] {
  return Array.from({ length: to - from }, (_, k) =>
    parseAlertJson(testAlertJson(from + k, startMs, pad)),
  );
}

/** A complete HTTP response. */
export interface Reply {
  readonly status: number;
  readonly headers: IncomingMessage["headers"];
  readonly body: string;
}

/** GETs a URL (or sends `method`), over HTTPS when it says so. */
export function get(
  url: string,
  options: RequestOptions & { method?: string } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const request = url.startsWith("https:") ? httpsRequest : httpRequest;
    const req = request(url, options, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        body += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

/** One Server-Sent Event. */
export interface SseEvent {
  readonly id: string | undefined;
  readonly event: string;
  readonly data: string;
}

/**
 * A Server-Sent Events client over a real connection: parses events as they come; `next`
 * waits for the next one (or one that matches).
 */
export class SseClient {
  readonly events: SseEvent[] = [];
  comments = 0;
  status = 0;
  private buffered = "";
  private read = 0;
  private waiters: (() => void)[] = [];
  private res: IncomingMessage | undefined;
  private ended = false;
  readonly opened: Promise<void>;

  constructor(url: string, options: RequestOptions = {}) {
    const request = url.startsWith("https:") ? httpsRequest : httpRequest;
    this.opened = new Promise((resolve, reject) => {
      const req = request(url, options, (res) => {
        this.res = res;
        this.status = res.statusCode ?? 0;
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => this.parse(chunk));
        res.on("close", () => {
          this.ended = true;
          this.wakeAll();
        });
        resolve();
      });
      req.on("error", reject);
      req.end();
    });
  }

  /** The next event not yet taken (that matches `type`, skipping others). */
  async next(type?: string): Promise<SseEvent> {
    for (;;) {
      while (this.read < this.events.length) {
        const e = this.events[this.read++] as SseEvent;
        if (!type || e.event === type) return e;
      }
      if (this.ended) throw new Error(`the stream ended before the next ${type ?? "event"}`);
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }

  /** Resolves once `n` comments (heartbeats) came. */
  async waitComments(n: number): Promise<void> {
    while (this.comments < n) {
      if (this.ended) throw new Error("the stream ended");
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }

  /** Resolves when the server ends the stream. */
  async waitEnd(): Promise<void> {
    while (!this.ended) await new Promise<void>((r) => this.waiters.push(r));
  }

  close(): void {
    this.res?.destroy();
  }

  private parse(chunk: string): void {
    this.buffered += chunk;
    let at = this.buffered.indexOf("\n\n");
    while (at >= 0) {
      const block = this.buffered.slice(0, at);
      this.buffered = this.buffered.slice(at + 2);
      let id: string | undefined;
      let event = "message";
      const data: string[] = [];
      let comment = false;
      for (const line of block.split("\n")) {
        if (line.startsWith(":")) comment = true;
        else if (line.startsWith("id: ")) id = line.slice(4);
        else if (line.startsWith("event: ")) event = line.slice(7);
        else if (line.startsWith("data: ")) data.push(line.slice(6));
      }
      if (comment && data.length === 0) this.comments++;
      else this.events.push({ id, event, data: data.join("\n") });
      at = this.buffered.indexOf("\n\n");
    }
    this.wakeAll();
  }

  private wakeAll(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}
