import { connect } from "@nats-io/transport-node";
import { describe, expect, it } from "vitest";
import { defer, natsServer } from "../test/helpers.js";
import {
  consumerLeaderElectedSubject,
  LeaderElections,
  streamLeaderElectedSubject,
} from "./leader-elections.js";

describe("LeaderElections", () => {
  it("counts JetStream's leader-elected advisories; after(seen) waits only for a newer one", async () => {
    const nats = await natsServer();
    const nc = await connect({ servers: nats.url });
    defer(() => nc.close());
    const elections = new LeaderElections(nc, consumerLeaderElectedSubject("FALCO_ALERTS"));
    elections.accept = (subject) =>
      subject === consumerLeaderElectedSubject("FALCO_ALERTS", "reader");
    await nc.flush();
    const before = elections.count;
    let woke = false;
    const next = elections.after(before).then(() => {
      woke = true;
    });
    // Another consumer's election, and a stream's: not this one.
    nc.publish(consumerLeaderElectedSubject("FALCO_ALERTS", "other"), "{}");
    nc.publish(streamLeaderElectedSubject("FALCO_ALERTS"), "{}");
    await nc.flush();
    expect(woke).toBe(false);
    nc.publish(consumerLeaderElectedSubject("FALCO_ALERTS", "reader"), "{}");
    await next;
    expect(elections.count).toBe(before + 1);
    // An election seen before the caller waits is not missed.
    await elections.after(before);
    elections.close();
  });
});
