// Plain connect-node clients for the C-core server's tests (test-only helper, not exported).
import { connect } from "node:net";
import { create } from "@bufbuild/protobuf";
import { type Client, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import {
  service as outputsService,
  type request,
  requestSchema,
  type response,
} from "@falco-sdk/proto/outputs";
import { service as versionService } from "@falco-sdk/proto/version";

/** Outputs and version clients over one HTTP/2 connection. */
export interface TestClients {
  readonly outputs: Client<typeof outputsService>;
  readonly version: Client<typeof versionService>;
}

/** Clients over a unix socket (connect-node has no unix option: a custom connection). */
export function unixClients(socketPath: string): TestClients {
  const transport = createGrpcTransport({
    baseUrl: "http://localhost",
    nodeOptions: { createConnection: () => connect(socketPath) },
  });
  return {
    outputs: createClient(outputsService, transport),
    version: createClient(versionService, transport),
  };
}

/** Clients over mutual TLS to `host:port`. */
export function tlsClients(
  endpoint: string,
  tls: { ca: string; cert?: string; key?: string },
): TestClients {
  const transport = createGrpcTransport({
    baseUrl: `https://${endpoint}`,
    nodeOptions: { ca: tls.ca, cert: tls.cert, key: tls.key },
  });
  return {
    outputs: createClient(outputsService, transport),
    version: createClient(versionService, transport),
  };
}

/**
 * One `sub` stream driven by hand: `poll()` sends a request, `next(n)` waits
 * for n alerts, `end` settles with the stream's outcome (undefined = OK).
 */
export interface Subscription {
  poll(): void;
  next(count: number): Promise<response[]>;
  /** Alerts received and not yet taken by `next`. */
  buffered(): number;
  /** Settles when the stream ends: `undefined` when it ended with OK, else the error. */
  readonly end: Promise<unknown>;
  cancel(): void;
}

export function subscribe(clients: TestClients): Subscription {
  const abort = new AbortController();
  const sendQueue: request[] = [];
  let wakeSender: (() => void) | undefined;
  async function* requests(): AsyncGenerator<request> {
    while (!abort.signal.aborted) {
      const next = sendQueue.shift();
      if (next) {
        yield next;
        continue;
      }
      await new Promise<void>((resolve) => {
        wakeSender = resolve;
      });
    }
  }
  const received: response[] = [];
  let wakeReader: (() => void) | undefined;
  let ended = false;
  const end = (async () => {
    try {
      for await (const alert of clients.outputs.sub(requests(), { signal: abort.signal })) {
        received.push(alert);
        wakeReader?.();
      }
      return undefined;
    } catch (error) {
      return error;
    } finally {
      ended = true;
      wakeReader?.();
    }
  })();
  return {
    poll() {
      sendQueue.push(create(requestSchema));
      wakeSender?.();
    },
    async next(count) {
      while (received.length < count && !ended) {
        await new Promise<void>((resolve) => {
          wakeReader = resolve;
        });
      }
      if (received.length < count) {
        throw new Error(`stream ended after ${received.length} of ${count} alerts: ${await end}`);
      }
      return received.splice(0, count);
    },
    buffered: () => received.length,
    end,
    cancel() {
      abort.abort();
      wakeSender?.();
    },
  };
}

/** Collects a whole `get` call. */
export async function getAll(clients: TestClients): Promise<response[]> {
  const alerts: response[] = [];
  for await (const alert of clients.outputs.get({})) alerts.push(alert);
  return alerts;
}
