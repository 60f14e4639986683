import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import { abortable, untilAborted } from "@falco-sdk/grpc-server/internal";
import type { request, response, service } from "@falco-sdk/proto/outputs";
import type { ServerCore } from "./server-core.js";

/**
 * Pops and writes until the queue is empty (or the server stops), like
 * Falco: each alert is popped before it is written, so one popped into a
 * stream that breaks counts as dropped.
 *
 * `sub` (`popAtStop`) follows Falco's order exactly: each step reads the stop
 * flag, then pops, and only then acts on the flag. So a `sub` that is writing
 * when a stop begins pops one more alert once that write completes, discards
 * it (counted as dropped) and ends the call with OK (Falco 0.43
 * grpc_server_impl.cpp `sub()`, grpc_request_context.cpp `process()`).
 * Returns true when it ended because the server is stopping.
 */
async function* drain(
  core: ServerCore,
  signal: AbortSignal,
  popAtStop: boolean,
): AsyncGenerator<response, boolean> {
  while (!signal.aborted) {
    const stopping = core.stopping;
    if (stopping && !popAtStop) {
      return true;
    }
    const alert = core.queue.pop();
    if (stopping) {
      if (alert !== undefined) {
        core.queue.markDropped(); // popped for the stop check, never written
      }
      return true;
    }
    if (alert === undefined) {
      return false;
    }
    let settled = false;
    const onAbort = () => {
      if (!settled) {
        settled = true;
        core.queue.markDropped();
      }
    };
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      // Resumes once the transport has taken the message (connect-node pulls
      // the next message only after the previous write completed).
      yield alert;
      if (!settled) {
        settled = true;
        core.queue.markDelivered();
      }
    } finally {
      signal.removeEventListener("abort", onAbort);
      onAbort();
    }
  }
  return false;
}

/** `falco.outputs.service` with Falco's semantics over a {@link ServerCore}. */
export function createOutputsService(core: ServerCore): ServiceImpl<typeof service> {
  return {
    async *sub(requests: AsyncIterable<request>, context: HandlerContext) {
      const { signal } = context;
      const call = await core.startCall("sub", signal);
      const incoming = requests[Symbol.asyncIterator]();
      try {
        for (;;) {
          // Nothing is sent until the client sends a request.
          const next = await abortable(incoming.next(), signal);
          if (next.done === true) {
            // Half-closed by the client: Falco sends no status, the call
            // stays open until the client cancels or the connection dies.
            await untilAborted(signal);
          }
          core.queue.markRequest();
          if (core.stopping) {
            // Falco pops one alert for this request, then finishes the call
            // with OK instead of writing it: that alert is lost.
            core.queue.discardOne();
            return;
          }
          await core.gate.pass(signal);
          // After each write Falco pops the next alert, then checks for a
          // stop: a stop that began during a write ends the call with OK and
          // discards the alert popped after it.
          if (yield* drain(core, signal, true)) {
            return;
          }
        }
      } finally {
        call.close();
      }
    },

    async *get(_request: request, context: HandlerContext) {
      const call = await core.startCall("get", context.signal);
      try {
        await core.gate.pass(context.signal);
        yield* drain(core, context.signal, false);
      } finally {
        call.close();
      }
    },
  };
}
