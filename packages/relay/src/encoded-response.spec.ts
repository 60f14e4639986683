// Each alert is encoded once for every gRPC subscriber: the shared message's bytes are exactly
// those of the message the relay would have built for it.
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { alertFromResponse } from "@falco-sdk/client";
import { responseFromAlert } from "@falco-sdk/proto";
import { responseSchema } from "@falco-sdk/proto/outputs";
import { describe, expect, it } from "vitest";
import { numberedAlerts } from "../test/helpers.js";
import { jsonAlert } from "../test/pushable-source.js";
import { encodedResponse } from "./encoded-response.js";

describe("encodedResponse", () => {
  it("encodes like responseFromAlert, once per alert, for http_output and gRPC alerts", () => {
    const fromGrpc = alertFromResponse(create(responseSchema, numberedAlerts(1)[0]));
    for (const alert of [jsonAlert(7), fromGrpc]) {
      const shared = encodedResponse(alert);
      expect(encodedResponse(alert)).toBe(shared);
      const bytes = toBinary(responseSchema, shared);
      expect(bytes).toEqual(toBinary(responseSchema, responseFromAlert(alert)));
      expect(fromBinary(responseSchema, bytes).rule).toBe("Numbered");
    }
  });
});
