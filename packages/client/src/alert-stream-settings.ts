import type { SubscribeSettings } from "./resolve-options.js";

/** Settings of one `sub` stream on one connection. */
export interface AlertStreamSettings extends SubscribeSettings {
  /** Deadline of a liveness probe (`version` call). */
  readonly versionTimeoutMs: number;
  /** A stream silent this long is probed. */
  readonly livenessCheckEveryMs: number;
  /** Alerts received but never handed over: the subscription had ended. */
  readonly onDiscarded?: (count: number) => void;
  /** Falco accepted the `sub` call but does not serve it (true), or serves it again (false). */
  readonly onStarved?: (starved: boolean) => void;
}

/** How a `sub` stream ended without an error: Falco is stopping, or reloading its rules or configuration. */
export interface AlertStreamEnd {
  /** Falco sent GOAWAY (the usual start of a stop or reload). */
  readonly goaway: boolean;
  /**
   * Falco may have popped an alert that never reached us: it ended the call
   * with OK, or we cancelled a write in flight (see `AlertStream`).
   */
  readonly alertsMayHaveBeenLost: boolean;
  /** Alerts the call received (before any filter). */
  readonly received: number;
}
