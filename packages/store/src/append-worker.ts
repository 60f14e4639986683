// The thread behind `AlertStore.appendAsync`: its own connection to the store, appending the
// batches it is sent, in order, and answering each with its cursors or its error.
import { parentPort, workerData } from "node:worker_threads";
import type { Alert } from "@falco-sdk/core";
import { type AlertStore, openAlertStore } from "./alert-store.js";
import type { AppendRequest, AppendWorkerData, WorkerReply } from "./worker-protocol.js";
import { errorToWorker } from "./worker-protocol.js";

const port = parentPort;
if (port === null) throw new Error("append-worker.js runs as a worker thread of @falco-sdk/store");
const data = workerData as AppendWorkerData;
let store: AlertStore | undefined;
let openError: unknown;
try {
  store = openAlertStore(data.options);
} catch (error) {
  openError = error;
}

port.on("message", (message: AppendRequest | { type: "close" }) => {
  if (message.type === "close") {
    store?.close();
    port.close();
    return;
  }
  let reply: WorkerReply;
  try {
    if (store === undefined) throw openError;
    // Alerts came without `raw` and `time` (the store reads neither).
    const result = store.append(
      message.alerts as unknown as Alert[],
      message.checkpoint && { checkpoint: message.checkpoint },
    );
    reply = { id: message.id, result };
  } catch (error) {
    reply = { id: message.id, error: errorToWorker(error) };
  }
  port.postMessage(reply);
});
