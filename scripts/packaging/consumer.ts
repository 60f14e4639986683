// A user's program, type-checked by scripts/check-packages.mjs against the .d.ts files the
// packed packages ship (installed with npm in a scratch project): every package's main names,
// the client's re-exports of what moved to @falco-sdk/core, and the declaration merging that
// adds the gRPC raw kind and each package's error codes (the exporter's "metrics-listen" too).
import { main } from "@falco-sdk/cli";
import {
  type Alert as ClientAlert,
  type ClientStatus,
  parseAlertJson as clientParseAlertJson,
  createFalcoClient,
  SocketNotFoundError,
} from "@falco-sdk/client";
import {
  type Alert,
  type AlertSubscription,
  FalcoError,
  type FalcoErrorCode,
  mergeAlerts,
  type Priority,
  parseAlertJson,
  parseFalcoTextLine,
} from "@falco-sdk/core";
import { EventHub } from "@falco-sdk/core/internal";
import { createHttpAlertReceiver, type ReceiverStatus } from "@falco-sdk/http";
import { createNatsForwarder, NatsAuthError, subscribeFleet } from "@falco-sdk/nats";
import {
  createPrometheusExporter,
  MetricsListenError,
  type SourceStatusEvent,
} from "@falco-sdk/prometheus";
import { outputs } from "@falco-sdk/proto";
import { service } from "@falco-sdk/proto/outputs";
import {
  createFalcoTestServer,
  FalcoTestServerError,
  type TestingErrorCode,
} from "@falco-sdk/testing/servers";

export async function consume(): Promise<void> {
  const falco = createFalcoClient({ endpoint: "unix:///run/falco/falco.sock" });
  const receiver = await createHttpAlertReceiver({ port: 0 });
  const fromBoth: AsyncIterable<Alert> = mergeAlerts(falco.subscribe(), receiver.alerts());
  for await (const alert of fromBoth) {
    const priority: Priority = alert.priority;
    if (alert.raw.kind === "grpc") console.log(alert.raw.message.rule, priority);
    if (alert.raw.kind === "json") console.log(alert.raw.document);
    break;
  }
  const sameModel: Alert = clientParseAlertJson("{}") satisfies ClientAlert;
  const subscription: AlertSubscription = falco.subscribe({ minPriority: "Warning" });
  subscription.unsubscribe();
  const exporter = await createPrometheusExporter({
    port: 0,
    status: falco.status() satisfies AsyncIterable<SourceStatusEvent>,
    alerts: falco.subscribe(),
  });
  await exporter.close();
  console.log(new MetricsListenError("127.0.0.1:9376", { cause: null }).code === "metrics-listen");
  const codes: FalcoErrorCode[] = [
    "socket-not-found",
    "configuration",
    "usage",
    "metrics-listen",
    "nats-auth",
  ];
  const forwarder = createNatsForwarder({ servers: "nats://127.0.0.1:4222" });
  const fleet = subscribeFleet({ durable: "soc", filter: { minPriority: "Warning" } });
  fleet.unsubscribe();
  console.log(new NatsAuthError("nats://127.0.0.1:4222", "x").code, forwarder.stats().backlog);
  const error: unknown = new SocketNotFoundError(["/run/falco/falco.sock"]);
  if (error instanceof FalcoError && error.code === "socket-not-found") console.log(codes);
  // Test-only codes are not FalcoErrorCodes, and the test harness's errors are not FalcoErrors.
  const testCode: TestingErrorCode = new FalcoTestServerError("listen-failed", "x").code;
  console.log(testCode, new FalcoTestServerError("listen-failed", "x") instanceof FalcoError);
  const hub = new EventHub<ClientStatus | ReceiverStatus>();
  hub.publish({ type: "closed" });
  console.log(sameModel, parseAlertJson, parseFalcoTextLine, service.typeName, outputs, main);
  console.log(createFalcoTestServer);
  await falco.close();
  await receiver.close();
}
