// A minimal Falco outputs client on @grpc/grpc-js, with raw bytes (no generated stubs):
// calls `version`, then `sub` (one empty request every 50 ms) until it has --count alerts,
// printing {"version_bytes": N} then {"alerts": N}, or {"error": CODE, "details": ...}.
// Test-only (packages/relay/src/relay-interop.spec.ts).
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { Client, credentials, status } from "@grpc/grpc-js";

const { values } = parseArgs({
  options: {
    target: { type: "string" },
    count: { type: "string", default: "1" },
    ca: { type: "string" },
    cert: { type: "string" },
    key: { type: "string" },
  },
});
const emit = (doc) => process.stdout.write(`${JSON.stringify(doc)}\n`);
const fail = (error) => {
  emit({ error: status[error.code] ?? String(error.code), details: error.details });
  process.exit(1);
};
const creds = values.ca
  ? credentials.createSsl(
      readFileSync(values.ca),
      readFileSync(values.key),
      readFileSync(values.cert),
    )
  : credentials.createInsecure();
const options = values.ca ? { "grpc.ssl_target_name_override": "localhost" } : {};
const client = new Client(values.target, creds, options);
const raw = (bytes) => bytes;
client.makeUnaryRequest(
  "/falco.version.service/version",
  raw,
  raw,
  Buffer.alloc(0),
  (error, version) => {
    if (error) fail(error);
    emit({ version_bytes: version.length });
    const call = client.makeBidiStreamRequest("/falco.outputs.service/sub", raw, raw);
    const poll = setInterval(() => call.write(Buffer.alloc(0)), 50);
    call.write(Buffer.alloc(0));
    let received = 0;
    call.on("data", () => {
      received += 1;
      if (received === Number(values.count)) {
        clearInterval(poll);
        emit({ alerts: received });
        call.cancel();
        client.close();
      }
    });
    call.on("error", (error) => {
      if (error.code !== status.CANCELLED) fail(error);
    });
  },
);
