import { Counter, type Registry } from "prom-client";

type Values = Awaited<ReturnType<Counter["get"]>>["values"];

/**
 * A prom-client counter whose series come from a function at scrape time. prom-client checks
 * every label against a fixed list; Falco's `tag_<tag>` labels are open-ended, and both alert
 * counters share one capped store ({@link AlertSeries}), so they are read rather than
 * incremented.
 */
export class SeriesCounter extends Counter {
  constructor(
    options: { name: string; help: string; registers: Registry[] },
    private readonly read: () => Values,
  ) {
    super({ ...options, labelNames: [] });
  }

  override async get(): ReturnType<Counter["get"]> {
    const metric = await super.get();
    return { ...metric, values: this.read() };
  }
}
