import type { ForwarderSettings } from "./forwarder-settings.js";
import { SpoolBacklog, type SpoolEvents } from "./spool-backlog.js";
import { NatsSpoolError, SpoolLockedError } from "./spool-errors.js";

/**
 * Opens the forwarder's spool (`settings.spool`): a `@falco-sdk/store` AlertStore owned by this
 * forwarder (`exclusive`), bounded by `maxBytes`. The store package is loaded only here, so a
 * program that never spools does not need it (nor its SQLite).
 */
export async function openSpool(
  settings: ForwarderSettings,
  events: SpoolEvents,
): Promise<SpoolBacklog> {
  const spool = settings.spool;
  if (!spool) throw new Error("nats forwarder: openSpool without spool settings");
  let store: typeof import("@falco-sdk/store");
  try {
    store = await import("@falco-sdk/store");
  } catch (cause) {
    throw new NatsSpoolError(
      "spool.directory needs @falco-sdk/store, which is not installed: install it beside " +
        "@falco-sdk/nats, or leave spool out to keep the backlog in memory (lost if the process dies)",
      { cause },
    );
  }
  try {
    const opened = store.openAlertStore({
      directory: spool.directory,
      maxBytes: spool.maxBytes,
      durable: spool.durable,
      exclusive: true,
      // Read only in order: no full-text index (it would double the cost of each append).
      textIndex: false,
      // Never faceted: no field counts (they would cost each append).
      countedFields: [],
    });
    return new SpoolBacklog(opened, settings.prefix, events);
  } catch (cause) {
    if (cause instanceof store.StoreLockedError)
      throw new SpoolLockedError(spool.directory, { cause });
    throw spoolError(cause);
  }
}

/** The forwarder's error for a failure of its spool's store (its message says what to do). */
export function spoolError(cause: unknown): NatsSpoolError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new NatsSpoolError(`the spool (spool.directory) failed: ${reason}`, { cause });
}
