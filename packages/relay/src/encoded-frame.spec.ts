// Each alert is encoded once for every gRPC subscriber: the shared frame holds exactly the
// bytes of the message the relay would have built for it.
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { alertFromResponse } from "@falco-sdk/client";
import { responseFromAlert } from "@falco-sdk/proto";
import { responseSchema } from "@falco-sdk/proto/outputs";
import { describe, expect, it } from "vitest";
import { numberedAlerts } from "../test/helpers.js";
import { jsonAlert } from "../test/pushable-source.js";
import { encodedFrame } from "./encoded-frame.js";

describe("encodedFrame", () => {
  it("frames responseFromAlert's encoding, once per alert, for http_output and gRPC alerts", () => {
    const fromGrpc = alertFromResponse(create(responseSchema, numberedAlerts(1)[0]));
    for (const alert of [jsonAlert(7), fromGrpc]) {
      const frame = encodedFrame(alert);
      expect(encodedFrame(alert)).toBe(frame);
      const bytes = toBinary(responseSchema, responseFromAlert(alert));
      expect(frame[0]).toBe(0);
      expect(frame.readUInt32BE(1)).toBe(bytes.length);
      expect(new Uint8Array(frame.subarray(5))).toEqual(bytes);
      expect(fromBinary(responseSchema, frame.subarray(5)).rule).toBe("Numbered");
    }
  });
});
