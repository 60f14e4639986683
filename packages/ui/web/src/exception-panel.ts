import { byId, el } from "./dom.js";
import { ExceptionForm } from "./exception-form.js";
import { exceptionParams, filterChoices } from "./filter-exception.js";
import { type PickedCondition, selectionParams } from "./selection-exception.js";
import type { PageAlert } from "./stored-alert.js";

/** A condition of the API's preview (noise's `ExceptionCondition`). */
type Condition =
  | { readonly field: string; readonly comp?: "=" | "startswith"; readonly value: string }
  | { readonly field: string; readonly comp: "in"; readonly values: readonly string[] };

/** The API's preview (see the server's exception-preview.ts). */
interface Preview {
  readonly rule: string;
  readonly conditions: readonly Condition[];
  readonly lastDay: { readonly hidden: number; readonly ofRule: number };
  readonly lastWeek: { readonly hidden: number; readonly ofRule: number };
  readonly flags: readonly { readonly code: string; readonly message: string }[];
  readonly yaml: string;
}

/** `proc.name in ("sh", "bash")`, values as JSON strings so that none can look like syntax. */
export function describeCondition(c: Condition): string {
  if (c.comp === "in")
    return `${c.field} in (${c.values.map((v) => JSON.stringify(v)).join(", ")})`;
  return `${c.field} ${c.comp ?? "="} ${JSON.stringify(c.value)}`;
}

/**
 * The exception loop: for the rule and field values of the current filter, or of the alerts
 * picked in the table, the Falco rule exception, how many stored alerts it would have hidden in
 * the last day and week, its flags, and a link that downloads the rules file. Everything is
 * shown as text.
 */
export class ExceptionPanel {
  private readonly pane = byId("exception");
  private readonly summary = byId("exception-summary");
  private readonly flags = byId("exception-flags");
  private readonly yaml = byId("exception-yaml");
  /** Made here: an `<a>` gets its `href` only once there is a file to download. */
  private readonly download = el("a");
  private readonly form = new ExceptionForm(
    byId("exception-form"),
    (rule, picked) => void this.previewPicked(rule, picked),
    (text) => this.clear(text),
  );
  /** Counts the previews asked for: an answer to an older one is dropped. */
  private generation = 0;
  /** The filter parameters an exception cannot hold, said in the summary. */
  private ignored = "";

  constructor() {
    const close = byId("exception-close");
    this.download.id = "exception-download";
    this.download.download = "falco-exception.yaml";
    this.download.hidden = true;
    close.before(this.download);
    close.addEventListener("click", () => this.close());
  }

  close(): void {
    this.pane.hidden = true;
    this.generation++;
  }

  /** The exception of the current filter. */
  async open(filters: URLSearchParams): Promise<void> {
    const { params, left } = exceptionParams(filters);
    this.ignored =
      left.length > 0 ? ` (not part of an exception, ignored: ${left.join(", ")})` : "";
    const rules = params.getAll("rule");
    const choices = filterChoices(params);
    if (rules.length !== 1 || choices.length === 0) {
      this.form.hide(); // the server says what is missing
      await this.preview(params);
      return;
    }
    this.pane.hidden = false;
    const rule = rules[0] as string;
    this.form.showChoices(
      { rule, count: 0, choices, varying: [] },
      `The filter's values for "${rule}": match on`,
    );
  }

  /** The exception of the alerts picked in the table. */
  openSelection(alerts: readonly PageAlert[]): void {
    this.ignored = "";
    this.pane.hidden = false;
    this.form.show(alerts);
  }

  private clear(summary: string): void {
    this.pane.hidden = false;
    this.generation++;
    this.flags.replaceChildren();
    this.yaml.textContent = "";
    this.download.hidden = true;
    this.summary.textContent = summary;
  }

  private async previewPicked(rule: string, picked: PickedCondition[]): Promise<void> {
    if (picked.length === 0) {
      this.clear("Check at least one field to match on.");
      return;
    }
    await this.preview(selectionParams(rule, picked));
  }

  private async preview(params: URLSearchParams): Promise<void> {
    this.clear("computing…");
    const mine = this.generation;
    const res = await fetch(`/api/ui/exception-preview?${params}`, { credentials: "same-origin" });
    const body = (await res.json().catch(() => ({}))) as Preview & { error?: { message: string } };
    if (mine !== this.generation) return;
    if (!res.ok) {
      this.summary.textContent = `No exception: ${body.error?.message ?? `HTTP ${res.status}`}`;
      return;
    }
    const share = (w: Preview["lastDay"]) =>
      `${w.hidden.toLocaleString()} of ${w.ofRule.toLocaleString()} alerts of the rule`;
    this.summary.textContent =
      `On "${body.rule}" when ${body.conditions.map(describeCondition).join(" and ")}` +
      `${this.ignored}. It would have hidden ${share(body.lastDay)} in the last day and ` +
      `${share(body.lastWeek)} in the last week.`;
    for (const flag of body.flags) {
      const item = el("li", "exception-flag", `Warning: ${flag.message}`);
      item.dataset.code = flag.code;
      this.flags.append(item);
    }
    this.yaml.textContent = body.yaml;
    params.set("format", "yaml");
    this.download.href = `/api/ui/exception-preview?${params}`;
    this.download.textContent =
      body.flags.length > 0 ? "Download the rules file anyway" : "Download the rules file";
    this.download.hidden = false;
  }
}
