import type { FalcoError } from "@falco-sdk/core";

/**
 * The forwarder's named states:
 * - `idle`: created; nothing connects until `forward()` is called.
 * - `connecting`: dialling NATS (again after a delay with `waitForServer`).
 * - `preparing`: connected; creating or checking the stream.
 * - `forwarding`: publishing the backlog in order, each alert once JetStream acked the one before.
 * - `reconnecting`: the connection broke while preparing or forwarding; the NATS client dials
 *   again and the backlog waits.
 * - `draining`: `close()` was called; what is left is published for up to its `timeoutMs`.
 * - `failed`: the forwarder cannot work (credentials refused, TLS, stream); `forward()` rejects.
 * - `closed`: the connection is closed; nothing more is published.
 */
export type ForwarderPhase =
  | "idle"
  | "connecting"
  | "preparing"
  | "forwarding"
  | "reconnecting"
  | "draining"
  | "failed"
  | "closed";

const NEXT: Readonly<Record<ForwarderPhase, readonly ForwarderPhase[]>> = {
  idle: ["connecting", "draining"],
  connecting: ["preparing", "draining", "failed"],
  preparing: ["forwarding", "reconnecting", "draining", "failed"],
  forwarding: ["reconnecting", "draining", "failed"],
  reconnecting: ["preparing", "forwarding", "draining", "failed"],
  draining: ["closed", "failed"],
  failed: ["closed"],
  closed: [],
};

/**
 * The forwarder's state machine: the phase, the error that failed it, and `stopped`, a signal
 * aborted once it has failed or closed (it ends every wait of the publish loop).
 */
export class ForwarderLifecycle {
  #phase: ForwarderPhase = "idle";
  /** Where a `reconnecting` forwarder goes back to when the connection returns. */
  #resume: "preparing" | "forwarding" = "preparing";
  #error: FalcoError | undefined;
  readonly #stop = new AbortController();

  get phase(): ForwarderPhase {
    return this.#phase;
  }

  /** The first failure, kept after `close()`. */
  get error(): FalcoError | undefined {
    return this.#error;
  }

  /** Aborted when the forwarder failed or closed. */
  get stopped(): AbortSignal {
    return this.#stop.signal;
  }

  /** `close()` was called: no new source is taken, and connection retries stop. */
  get closing(): boolean {
    return this.#phase === "draining" || this.#phase === "closed" || this.#closedAfterFailure;
  }
  #closedAfterFailure = false;

  /** Moves to `next`; a transition the machine does not have is a bug, and throws. */
  to(next: ForwarderPhase): void {
    if (next === this.#phase) return;
    if (!NEXT[this.#phase].includes(next)) {
      throw new Error(`nats forwarder: no transition from ${this.#phase} to ${next}`);
    }
    if (next === "preparing" || next === "forwarding") this.#resume = next;
    this.#phase = next;
    if (next === "failed" || next === "closed") this.#stop.abort();
  }

  /** The connection broke: `preparing` and `forwarding` wait in `reconnecting`. */
  linkDown(): void {
    if (this.#phase === "preparing" || this.#phase === "forwarding") this.to("reconnecting");
  }

  /** The connection is back: a `reconnecting` forwarder resumes where it was. */
  linkUp(): void {
    if (this.#phase === "reconnecting") this.to(this.#resume);
  }

  /** `connecting` ends: the connection is up (ignored once closing). */
  connected(): void {
    if (this.#phase === "connecting") this.to("preparing");
  }

  /** `preparing` ends: the stream is there; publishing starts (or resumes on reconnect). */
  streamReady(): void {
    if (this.#phase === "preparing") this.to("forwarding");
    else if (this.#phase === "reconnecting") this.#resume = "forwarding";
  }

  /** Fails the forwarder with `error` (the first one wins); ignored once closed. */
  fail(error: FalcoError): void {
    if (this.#phase === "closed" || this.#phase === "failed") return;
    this.#error ??= error;
    this.to("failed");
  }

  /** `close()` began: returns false when it had already. */
  beginClose(): boolean {
    if (this.closing) return false;
    if (this.#phase === "failed") this.#closedAfterFailure = true;
    else this.to("draining");
    return true;
  }

  /** `close()` ends. */
  finishClose(): void {
    this.to("closed");
  }
}
