import { type RelaySource, relaySourceFromClient, relaySourceFromReceiver } from "@falco-sdk/relay";
import type { AlertInputs } from "./alert-inputs.js";

/** The local inputs of a relay that reads only --from-nats. */
export const NO_LOCAL_INPUTS: AlertInputs = {
  inputs: [],
  alerts: async function* () {},
  up: () => false,
  report: { connected: () => false, possibleLosses: () => 0 },
  close: async () => {},
};

/** The relay source of one local input. */
export function sourceOf(input: AlertInputs["inputs"][number]): RelaySource {
  if (input.client) return relaySourceFromClient(input.client);
  if (input.receiver) return relaySourceFromReceiver(input.receiver);
  throw new Error(`input ${input.name} has neither a client nor a receiver`);
}
