import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import { linkedAbortController } from "@falco-sdk/core/internal";
import { abortable } from "@falco-sdk/grpc-server/internal";
import type { service as outputsService, request, response } from "@falco-sdk/proto/outputs";
import type { service as versionService } from "@falco-sdk/proto/version";
import { encodedResponse } from "./encoded-response.js";
import type { Subscriber, SubscriberRegistry } from "./subscriber-registry.js";
import type { UpstreamVersion } from "./upstream-version.js";

/** What the gRPC services need from their relay. */
export interface RelayCallContext {
  readonly registry: SubscriberRegistry;
  readonly version: UpstreamVersion;
  /** Aborted when the relay begins to close: calls end (OK) as soon as they can. */
  readonly stopSignal: AbortSignal;
}

/**
 * A signal aborted when the call or the relay ends, and its release (core's
 * linkedAbortController: unlike `AbortSignal.any()`, the relay's long-lived
 * stop signal holds nothing per finished call once it is aborted).
 */
function callSignal(context: HandlerContext, stop: AbortSignal): [AbortSignal, () => void] {
  const controller = linkedAbortController(context.signal, stop);
  return [controller.signal, () => controller.abort()];
}

function peerOf(context: HandlerContext): string {
  return context.requestHeader.get("user-agent") ?? "unknown";
}

/**
 * Attaches a subscriber for one call. A client that cancels while a write
 * waits on HTTP/2 flow control may never let connect-node resume the
 * handler, so the subscriber is also detached when the call's signal aborts.
 */
function attachFor(relay: RelayCallContext, kind: "sub" | "get", context: HandlerContext) {
  const subscriber = relay.registry.attach(kind, peerOf(context));
  const detach = () => relay.registry.detach(subscriber);
  context.signal.addEventListener("abort", detach, { once: true });
  const [signal, releaseSignal] = callSignal(context, relay.stopSignal);
  const release = () => {
    context.signal.removeEventListener("abort", detach);
    releaseSignal();
    detach();
  };
  return { subscriber, signal, release };
}

/** Writes the subscriber's queue until it is empty (or the call or relay ends). */
async function* drain(subscriber: Subscriber, signal: AbortSignal): AsyncGenerator<response> {
  while (!signal.aborted && subscriber.attached) {
    const alert = subscriber.take();
    if (alert === undefined) return;
    // Resumes once the transport has taken the message.
    yield encodedResponse(alert);
    subscriber.written();
  }
}

/**
 * `falco.outputs.service` as Falco serves it, except that every call has its
 * own queue: `sub` sends nothing until the client sends a request, then
 * drains that subscriber's queue, and waits for the next request; `get`
 * drains what waits for it and ends with OK. When the relay closes, calls
 * end with OK at once (Falco waits for the client's next request).
 * A `sub` the client half-closes ends with OK (Falco never answers it).
 */
export function createRelayOutputsService(
  relay: RelayCallContext,
): ServiceImpl<typeof outputsService> {
  return {
    async *sub(requests: AsyncIterable<request>, context: HandlerContext) {
      const { subscriber, signal, release } = attachFor(relay, "sub", context);
      const incoming = requests[Symbol.asyncIterator]();
      try {
        while (!signal.aborted && subscriber.attached) {
          let next: IteratorResult<request>;
          try {
            next = await abortable(incoming.next(), signal);
          } catch (error) {
            if (relay.stopSignal.aborted) return;
            throw error;
          }
          if (next.done === true) return;
          yield* drain(subscriber, signal);
        }
      } finally {
        release();
      }
    },

    async *get(_request: request, context: HandlerContext) {
      const { subscriber, signal, release } = attachFor(relay, "get", context);
      try {
        yield* drain(subscriber, signal);
      } finally {
        release();
      }
    },
  };
}

/** `falco.version.service`: the upstream Falco's answer, or the relay's own (see RELAY_VERSION). */
export function createRelayVersionService(
  relay: RelayCallContext,
): ServiceImpl<typeof versionService> {
  return {
    async version(_request, context: HandlerContext) {
      const [signal, release] = callSignal(context, relay.stopSignal);
      try {
        return await relay.version.answer(signal);
      } finally {
        release();
      }
    },
  };
}
