import type { ClosedEvent, StatusEvent } from "@falco-sdk/core";

/** An event of an HTTP alert receiver, from `status()`. */
export type ReceiverStatus =
  | StatusEvent<"listening", { url: string }>
  /** A consumer fell behind and lost its oldest alerts; `total` counts every drop so far. */
  | StatusEvent<"dropped", { total: number }>
  /** A request was refused (4xx); `total` counts every refusal so far. */
  | StatusEvent<"rejected", { status: number; reason: string; total: number }>
  | ClosedEvent;
