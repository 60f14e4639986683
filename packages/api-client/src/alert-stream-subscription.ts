import {
  AlertParseError,
  backoffDelayMs,
  ConfigurationError,
  parseAlertJson,
  QueuedSubscription,
  type SubscriptionEnd,
  sleep,
} from "@falco-sdk/core";
import type { EventSourceMessage } from "eventsource-parser";
import {
  ApiBadRequestError,
  ApiBadResponseError,
  type ApiError,
  ApiUnreachableError,
  SUBSCRIBE_API,
} from "./api-errors.js";
import type { ApiTarget } from "./api-target.js";
import type { ReconnectOptions } from "./client-options.js";
import { CursorFile } from "./cursor-file.js";
import { apiGet, unreachable } from "./http-get.js";
import { filterParams, timeParam } from "./query-params.js";
import { readSse } from "./sse-reader.js";
import type {
  AlertStreamSubscription,
  ApiAlert,
  StreamEvent,
  SubscribeOptions,
} from "./stream-status.js";

/** The stream's route, relative to the API's base URL. */
export const STREAM_ROUTE = "api/v1/alerts/stream";

/** How the client reconnects, resolved. */
export interface StreamSettings {
  readonly target: ApiTarget;
  readonly reconnect: ReconnectOptions | false;
  readonly waitForServer: boolean;
}

function parseCursor(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d{1,16}$/.test(text)) return undefined;
  const cursor = Number(text);
  return Number.isSafeInteger(cursor) ? cursor : undefined;
}

function jsonObject(shown: string, event: EventSourceMessage): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(event.data);
    if (typeof value === "object" && value !== null) return value as Record<string, unknown>;
  } catch {}
  throw new ApiBadResponseError(
    `${shown} sent a ${event.event} event that is not a JSON object: ${event.data.slice(0, 100)}`,
    200,
  );
}

/** Whether retrying can help: not for credentials, a refused parameter or a wrong URL. */
function retryable(error: ApiError): boolean {
  if (error instanceof ApiUnreachableError) return true;
  if (error instanceof ApiBadResponseError) return error.status >= 500 || error.status === 200;
  return false;
}

/**
 * A subscription to the API's alert stream: one Server-Sent Events connection at a time,
 * reconnected with `Last-Event-ID` (the cursor of the last alert received) after a failure,
 * so that alerts come once each, in order, across drops and server restarts. Alerts wait in a
 * queue of at most `maxBufferedAlerts` for the loop; beyond it the stream is not read (TCP
 * holds the server back), so none is dropped.
 */
export class StreamSubscription
  extends QueuedSubscription<ApiAlert, StreamEvent>
  implements AlertStreamSubscription
{
  private readonly settings: StreamSettings;
  private readonly params: URLSearchParams;
  private readonly cursorFile: CursorFile | undefined;
  private readonly maxBuffered: number;
  private readonly stop = new AbortController();
  /** The cursor the next connection resumes after: the last alert received (or caught up to). */
  private after: number | undefined;
  private taken: number | undefined;
  private saveFailed = false;
  private readonly saveIntervalMs: number;
  private savedAt = Number.NEGATIVE_INFINITY;

  /** @throws ConfigurationError for a bad `resumeFrom`, `maxBufferedAlerts` or `cursorFile`. */
  constructor(settings: StreamSettings, options: SubscribeOptions = {}) {
    const { resumeFrom, maxBufferedAlerts = 1000, cursorSaveIntervalMs = 0 } = options;
    if (!(cursorSaveIntervalMs >= 0 && Number.isFinite(cursorSaveIntervalMs))) {
      throw new ConfigurationError(
        `cursorSaveIntervalMs must be a duration from 0, got ${cursorSaveIntervalMs}`,
        { namedOptions: [{ api: SUBSCRIBE_API, name: "cursorSaveIntervalMs" }] },
      );
    }
    if (resumeFrom !== undefined && !(Number.isSafeInteger(resumeFrom) && resumeFrom >= 0)) {
      throw new ConfigurationError(
        `resumeFrom must be a cursor (an integer from 0), got ${resumeFrom}`,
        { namedOptions: [{ api: SUBSCRIBE_API, name: "resumeFrom" }] },
      );
    }
    if (!(Number.isInteger(maxBufferedAlerts) && maxBufferedAlerts >= 1)) {
      throw new ConfigurationError(
        `maxBufferedAlerts must be an integer from 1, got ${maxBufferedAlerts}`,
        { namedOptions: [{ api: SUBSCRIBE_API, name: "maxBufferedAlerts" }] },
      );
    }
    const cursorFile =
      options.cursorFile === undefined ? undefined : new CursorFile(options.cursorFile);
    super(options.signal ? { signal: options.signal } : {});
    this.settings = settings;
    this.params = filterParams(options.filter);
    if (options.since !== undefined) this.params.set("since", timeParam(options.since));
    this.cursorFile = cursorFile;
    this.maxBuffered = maxBufferedAlerts;
    this.saveIntervalMs = cursorSaveIntervalMs;
    this.after = cursorFile?.cursor ?? resumeFrom;
    this.taken = cursorFile?.cursor;
  }

  /**
   * The cursor of the last alert the loop has finished with (it asked for the next one, or
   * ended): what `cursorFile` holds. Undefined before the first.
   */
  get cursor(): number | undefined {
    return this.taken;
  }

  override [Symbol.asyncIterator](): AsyncIterator<ApiAlert> {
    const inner = super[Symbol.asyncIterator]();
    let inHand: number | undefined;
    const done = (now: boolean) => {
      if (inHand === undefined) return;
      this.commit(inHand, now);
      inHand = undefined;
    };
    return {
      next: async () => {
        // Saved at once when the loop is going to wait; in a burst, per cursorSaveIntervalMs.
        done(this.queue.size === 0);
        const result = await inner.next();
        if (!result.done) inHand = result.value.cursor;
        return result;
      },
      return: async (value?: unknown) => {
        done(true);
        return inner.return ? inner.return(value) : { done: true, value: undefined };
      },
    };
  }

  protected override onStart(): void {
    void this.run();
  }

  protected override onEnd(end: SubscriptionEnd, discarded: readonly ApiAlert[]) {
    this.stop?.abort();
    return super.onEnd(end, discarded);
  }

  private commit(cursor: number, now: boolean): void {
    this.taken = cursor;
    if (!this.cursorFile) return;
    const time = performance.now();
    if (!now && time - this.savedAt < this.saveIntervalMs) return;
    try {
      this.cursorFile.save(cursor);
      this.savedAt = time;
      this.saveFailed = false;
    } catch (error) {
      if (!this.saveFailed)
        this.publish({ type: "cursor-not-saved", error: error as ConfigurationError });
      this.saveFailed = true;
    }
  }

  private async run(): Promise<void> {
    const { target, reconnect, waitForServer } = this.settings;
    const url = target.shown;
    let failures = 0;
    let worked = false;
    while (!this.stop.signal.aborted) {
      const after = this.after;
      let progressed = false;
      this.publish({ type: "connecting", url, after, attempt: failures + 1 });
      let error: ApiError;
      try {
        const response = await apiGet(target, STREAM_ROUTE, {
          accept: "text/event-stream",
          params: this.params,
          headers: after === undefined ? {} : { "last-event-id": String(after) },
          signal: this.stop.signal,
          timeoutMs: target.idleTimeoutMs,
        });
        worked = true;
        this.publish({ type: "connected", url, after });
        await readSse(response, {
          shown: url,
          idleTimeoutMs: target.idleTimeoutMs,
          onEvents: (events) => this.onEvents(events),
          onActivity: () => {
            progressed = true;
          },
          whenReady: () =>
            this.queue.size >= this.maxBuffered
              ? this.queue.whenBelow(Math.ceil(this.maxBuffered / 2))
              : undefined,
        });
        error = new ApiUnreachableError(`${url} ended the stream`, undefined);
      } catch (caught) {
        error = unreachable(target, caught);
      }
      if (this.stop.signal.aborted) return;
      const fromFile = this.cursorFile && after !== undefined && after === this.cursorFile.cursor;
      if (error instanceof ApiBadRequestError && fromFile) {
        error = new ApiBadRequestError(
          `${error.message} (cursor ${after} is the one kept in cursorFile ${this.cursorFile?.path}: delete it, or give another cursorFile, to start from resumeFrom)`,
          error.serverCode,
          {
            cause: error,
            namedOptions: [
              { api: SUBSCRIBE_API, name: "cursorFile" },
              { api: SUBSCRIBE_API, name: "resumeFrom" },
            ],
          },
        );
      }
      if (reconnect === false || !retryable(error) || (!worked && !waitForServer)) {
        this.finish({ reason: "failed", error });
        return;
      }
      // A stream that worked and dropped is resumed at once; failed attempts back off.
      if (progressed) failures = 0;
      else if (++failures > (reconnect.maxAttempts ?? Number.POSITIVE_INFINITY)) {
        this.finish({ reason: "failed", error });
        return;
      }
      const retryInMs = progressed ? 0 : backoffDelayMs(reconnect, failures);
      this.publish({ type: "disconnected", error, failures, retryInMs });
      await sleep(retryInMs, this.stop.signal);
    }
  }

  private onEvents(events: readonly EventSourceMessage[]): void {
    const shown = this.settings.target.shown;
    for (const event of events) {
      if (event.event === "alert") {
        const cursor = parseCursor(event.id);
        if (cursor === undefined) {
          throw new ApiBadResponseError(
            `${shown} sent an alert without a cursor as its id (${JSON.stringify(event.id)})`,
            200,
          );
        }
        if (this.after !== undefined && cursor <= this.after) continue;
        this.after = cursor;
        let alert: ApiAlert;
        try {
          alert = { ...parseAlertJson(event.data), cursor };
        } catch (error) {
          if (!(error instanceof AlertParseError)) throw error;
          this.publish({ type: "invalid-alert", cursor, error });
          continue;
        }
        this.queue.push(alert);
      } else if (event.event === "gap") {
        const { missed, after } = jsonObject(shown, event);
        this.publish({ type: "gap", count: Number(missed), after: Number(after) });
      } else if (event.event === "caught-up") {
        const cursor = Number(jsonObject(shown, event).cursor);
        if (Number.isSafeInteger(cursor) && (this.after === undefined || cursor > this.after)) {
          this.after = cursor;
        }
        this.publish({ type: "caught-up", cursor });
      }
    }
  }
}
