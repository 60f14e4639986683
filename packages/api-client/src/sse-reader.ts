import type { IncomingMessage } from "node:http";
import { createParser, type EventSourceMessage } from "eventsource-parser";
import { ApiBadResponseError, ApiUnreachableError } from "./api-errors.js";

/** The largest event accepted (characters): an alert is a few KB, a large k8s audit one 100s. */
const MAX_EVENT_CHARS = 8 * 1024 * 1024;

/** Options of {@link readSse}. */
export interface SseReadOptions {
  /** The server, for messages. */
  readonly shown: string;
  /** The request's inactivity timeout, restored after a pause. */
  readonly idleTimeoutMs: number;
  /** Called at the first event or heartbeat. */
  readonly onActivity: () => void;
  /** Handles the events of one chunk, in order; may throw to end the read. */
  readonly onEvents: (events: readonly EventSourceMessage[]) => void;
  /**
   * Awaited after each chunk: resolves when the consumer can take more (the read pauses,
   * and the idle timeout with it, until then).
   */
  readonly whenReady: () => Promise<void> | undefined;
}

/**
 * Reads one Server-Sent Events response to its end: resolves when the server ended it;
 * rejects when the connection broke, fell silent for `idleTimeoutMs`, or sent an event larger
 * than 8 MiB.
 */
export async function readSse(response: IncomingMessage, options: SseReadOptions): Promise<void> {
  let received = false;
  const activity = () => {
    if (received) return;
    received = true;
    options.onActivity();
  };
  let batch: EventSourceMessage[] = [];
  let overflow: Error | undefined;
  const parser = createParser({
    onEvent: (event) => {
      batch.push(event);
    },
    onComment: activity,
    onError: (error) => {
      if (error.type === "max-buffer-size-exceeded") overflow = error;
    },
    maxBufferSize: MAX_EVENT_CHARS,
  });
  // The request's own inactivity timeout (`idleTimeoutMs`) ends a silent stream; it is off
  // while the read pauses for the consumer.
  const socket = response.socket;
  let silent = false;
  const onTimeout = () => {
    silent = true;
  };
  socket.on("timeout", onTimeout);
  try {
    for await (const chunk of response) {
      parser.feed(chunk as string);
      if (overflow) {
        throw new ApiBadResponseError(
          `${options.shown} sent an event larger than ${MAX_EVENT_CHARS} characters`,
          200,
          { cause: overflow },
        );
      }
      if (batch.length > 0) {
        activity();
        const events = batch;
        batch = [];
        options.onEvents(events);
      }
      const ready = options.whenReady();
      if (ready) {
        socket.setTimeout(0);
        await ready;
        socket.setTimeout(options.idleTimeoutMs);
      }
    }
  } catch (error) {
    if (error instanceof ApiBadResponseError) throw error;
    if (silent) {
      throw new ApiUnreachableError(
        `${options.shown} sent nothing for ${options.idleTimeoutMs} ms (not even a heartbeat)`,
        "ETIMEDOUT",
        { cause: error },
      );
    }
    const code = (error as NodeJS.ErrnoException).code;
    throw new ApiUnreachableError(
      `the stream from ${options.shown} broke (${code ? `${code}: ` : ""}${(error as Error).message})`,
      code,
      { cause: error },
    );
  } finally {
    socket.off("timeout", onTimeout);
    response.destroy();
  }
}
