import { el } from "./dom.js";
import {
  byRule,
  type FieldChoice,
  type PickedCondition,
  type SelectionChoices,
  selectionChoices,
} from "./selection-exception.js";
import type { PageAlert } from "./stored-alert.js";

const quoted = (values: readonly string[]) => values.map((v) => JSON.stringify(v)).join(", ");

/** `k8s.ns.name = "ci"`, `proc.name in ("sh", "bash")`: what the exact comparison would be. */
function exactText(c: FieldChoice): string {
  return c.exact === "=" ? `= ${quoted(c.values)}` : `in (${quoted(c.values)})`;
}

/**
 * The form of an exception from picked alerts, in the exception panel: when they are of several
 * rules, one button per rule (an exception is for one rule); for one rule, a checkbox per field
 * they all have (= for one value, in for a few, and for a path a startswith of their common
 * directory, editable), the fields left out and why. Every value is set as text.
 */
export class ExceptionForm {
  constructor(
    private readonly root: HTMLElement,
    /** Called with the rule and its conditions whenever they change. */
    private readonly onChange: (rule: string, picked: PickedCondition[]) => void,
    /** Says what the form shows, in the panel's summary. */
    private readonly say: (text: string) => void,
  ) {}

  hide(): void {
    this.root.hidden = true;
    this.root.replaceChildren();
  }

  /** Shows the form for these alerts: per-rule buttons first when they span several rules. */
  show(alerts: readonly PageAlert[]): void {
    this.root.hidden = false;
    const rules = byRule(alerts);
    if (rules.length === 1) {
      this.showRule(selectionChoices(...(rules[0] as [string, PageAlert[]])));
      return;
    }
    this.say(
      `The ${alerts.length.toLocaleString()} selected alerts are of ${rules.length} rules, and a ` +
        "Falco exception belongs to one rule: make it for one of them (the others stay selected).",
    );
    const list = el("div", "exception-rules");
    for (const [rule, ofRule] of rules) {
      const button = el("button", "exception-rule", `${rule} (${ofRule.length.toLocaleString()})`);
      button.type = "button";
      button.dataset.rule = rule;
      button.addEventListener("click", () => this.showRule(selectionChoices(rule, ofRule)));
      list.append(button);
    }
    this.root.replaceChildren(list);
  }

  /** The form for one rule's choices (the filter's values, or picked alerts'). */
  showChoices(s: SelectionChoices, legendText: string): void {
    this.root.hidden = false;
    this.showRule(s, legendText);
  }

  private showRule(
    s: SelectionChoices,
    legendText = `${s.count.toLocaleString()} selected alerts of "${s.rule}": match on`,
  ): void {
    const legend = el("legend", undefined, legendText);
    const rows: {
      choice: FieldChoice;
      box: HTMLInputElement;
      mode: HTMLSelectElement | undefined;
      prefix: HTMLInputElement | undefined;
    }[] = [];
    const parts: HTMLElement[] = [legend];
    for (const choice of s.choices) {
      const label = el("label", "exception-field");
      const box = el("input");
      box.type = "checkbox";
      box.checked = choice.suggested;
      box.dataset.field = choice.field;
      label.append(box, ` ${choice.field} `);
      let mode: HTMLSelectElement | undefined;
      let prefix: HTMLInputElement | undefined;
      if (choice.prefix !== undefined) {
        mode = el("select");
        mode.dataset.field = choice.field;
        mode.setAttribute("aria-label", `how ${choice.field} is compared`);
        if (choice.exact) mode.append(new Option(exactText(choice), choice.exact));
        mode.append(new Option("startswith", "startswith"));
        prefix = el("input");
        prefix.type = "text";
        prefix.value = choice.prefix;
        prefix.dataset.field = choice.field;
        prefix.setAttribute("aria-label", `the prefix ${choice.field} starts with`);
        prefix.hidden = mode.value !== "startswith";
        const p = prefix;
        mode.addEventListener("change", () => {
          p.hidden = mode?.value !== "startswith";
        });
        label.append(mode, " ", prefix);
      } else label.append(exactText(choice));
      rows.push({ choice, box, mode, prefix });
      parts.push(label);
    }
    if (s.varying.length > 0)
      parts.push(
        el(
          "p",
          "exception-left-out",
          `Left out, too many values among them: ${s.varying.map((v) => `${v.field} (${v.distinct})`).join(", ")}.`,
        ),
      );
    const picked = (): PickedCondition[] =>
      rows
        .filter((r) => r.box.checked)
        .map(({ choice, mode, prefix }) =>
          mode?.value === "startswith"
            ? { field: choice.field, comp: "startswith", prefix: prefix?.value ?? "" }
            : { field: choice.field, comp: choice.exact ?? "in", values: choice.values },
        );
    this.root.replaceChildren(...parts);
    this.root.onchange = () => this.onChange(s.rule, picked());
    this.onChange(s.rule, picked());
  }
}
