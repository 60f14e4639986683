// The baseline: what a user would write with plain @grpc/grpc-js and the same
// protobuf-es messages, no SDK. Used side by side with @falco-sdk/client.
// With `decode: false` it reads the messages' bytes without decoding them: the
// transport's own ceiling.
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { requestSchema, responseSchema } from "@falco-sdk/proto/outputs";
import * as grpc from "@grpc/grpc-js";

const serialize = (msg) => Buffer.from(toBinary(requestSchema, msg));
const deserialize = (buf) => fromBinary(responseSchema, buf);
const asBytes = (buf) => buf;

export function createGrpcJsClient(socketPath) {
  return new grpc.Client(`unix://${socketPath}`, grpc.credentials.createInsecure());
}

/** `get` with grpc-js: resolves with the number of alerts once the stream ends. */
export function grpcJsGet(client, onAlert = () => {}, { decode = true } = {}) {
  return new Promise((resolve, reject) => {
    let count = 0;
    const call = client.makeServerStreamRequest(
      "/falco.outputs.service/get",
      serialize,
      decode ? deserialize : asBytes,
      create(requestSchema),
    );
    call.on("data", (msg) => {
      count++;
      onAlert(msg);
    });
    call.on("error", reject);
    call.on("end", () => resolve(count));
  });
}

/**
 * `sub` with grpc-js, polling every `pollIntervalMs` as Falco requires.
 * Stops when `onAlert` returns true or `signal` aborts; resolves with the number of alerts.
 */
export function grpcJsSub(client, pollIntervalMs, onAlert, signal, { decode = true } = {}) {
  return new Promise((resolve) => {
    let count = 0;
    const call = client.makeBidiStreamRequest(
      "/falco.outputs.service/sub",
      serialize,
      decode ? deserialize : asBytes,
    );
    const poll = () => call.write(create(requestSchema));
    const timer = setInterval(poll, pollIntervalMs);
    const finish = () => {
      clearInterval(timer);
      call.cancel();
      resolve(count);
    };
    signal?.addEventListener("abort", finish, { once: true });
    poll();
    call.on("data", (msg) => {
      count++;
      if (onAlert(msg)) finish();
    });
    call.on("error", () => {
      clearInterval(timer);
      resolve(count);
    });
  });
}
