// A relay source the test feeds by hand.
import { type Alert, parseAlertJson } from "@falco-sdk/core";
import type { RelaySource } from "../src/index.js";

export interface PushableSource extends RelaySource {
  push(alert: Alert): void;
}

export function pushableSource(name = "test"): PushableSource {
  const queue: Alert[] = [];
  let wake: (() => void) | undefined;
  let ended = false;
  return {
    name,
    push(alert) {
      queue.push(alert);
      wake?.();
    },
    alerts: {
      unsubscribe() {
        ended = true;
        wake?.();
      },
      async *[Symbol.asyncIterator]() {
        while (!ended) {
          const alert = queue.shift();
          if (alert) {
            yield alert;
            continue;
          }
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
        }
      },
    },
  };
}

export function jsonAlert(seq: number): Alert {
  return parseAlertJson({
    rule: "Numbered",
    priority: "Notice",
    time: "2024-01-01T00:00:00.000000001Z",
    output: `alert ${seq}`,
    output_fields: { seq },
    hostname: "h",
    tags: [],
    source: "syscall",
  });
}
