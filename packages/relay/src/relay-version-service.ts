import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import { linkedAbortController } from "@falco-sdk/core/internal";
import type { service as versionService } from "@falco-sdk/proto/version";
import type { SubscriberRegistry } from "./subscriber-registry.js";
import type { UpstreamVersion } from "./upstream-version.js";

/** What the relay's gRPC calls need from their relay. */
export interface RelayCallContext {
  readonly registry: SubscriberRegistry;
  readonly version: UpstreamVersion;
  /** Aborted when the relay begins to close: calls end (OK) as soon as they can. */
  readonly stopSignal: AbortSignal;
  /** See `AlertRelayOptions.minWriteIntervalMs`. */
  readonly minWriteIntervalMs: number;
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
