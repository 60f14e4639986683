import { FalcoError } from "@falco-sdk/core";

declare module "@falco-sdk/core" {
  interface FalcoErrorCodes {
    "metrics-listen": MetricsListenError;
  }
}

/** The metrics (or probes) HTTP server could not listen on its address. */
export class MetricsListenError extends FalcoError<"metrics-listen"> {
  /** The address that was refused, `host:port`. */
  readonly address: string;

  constructor(address: string, options: { cause: unknown }) {
    const code = (options.cause as NodeJS.ErrnoException | undefined)?.code;
    const hint =
      code === "EADDRINUSE"
        ? "another process (another exporter, falco-exporter?) already listens there: stop it or choose another address"
        : code === "EACCES"
          ? "this user may not bind that port: use a port above 1023"
          : code === "EADDRNOTAVAIL"
            ? "no network interface has that address: use 127.0.0.1, 0.0.0.0 or one of this host's addresses"
            : "check the host and port";
    super(
      "metrics-listen",
      `cannot serve metrics on ${address} (${code ?? "error"}): ${hint}`,
      options,
    );
    this.address = address;
  }
}
