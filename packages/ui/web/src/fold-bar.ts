import { byId } from "./dom.js";
import { durationMs } from "./duration.js";
import { type FoldSettings, foldFields } from "./fold-settings.js";

/**
 * The fold controls above the table: on/off, the output fields of the key (besides rule and
 * host) and the window. Each change calls `onChange` with the new settings.
 */
export class FoldBar {
  private readonly enabled = byId<HTMLInputElement>("fold-on");
  private readonly fields = byId<HTMLInputElement>("fold-by");
  private readonly window = byId<HTMLSelectElement>("fold-window");
  private readonly summary = byId("fold-summary");

  constructor(private readonly onChange: (settings: FoldSettings) => void) {
    this.enabled.addEventListener("change", () => this.changed());
    this.window.addEventListener("change", () => this.changed());
    this.fields.addEventListener("change", () => this.changed());
    this.fields.addEventListener("keydown", (e) => {
      if (e.key === "Enter") {
        e.preventDefault();
        this.changed();
      }
    });
  }

  /** Shows these settings (from the URL). */
  show(settings: FoldSettings): void {
    this.enabled.checked = settings.enabled;
    this.fields.value = settings.fields.join(" ");
    if (![...this.window.options].some((o) => o.value === settings.window)) {
      const option = document.createElement("option");
      option.value = settings.window;
      option.textContent = settings.window;
      this.window.append(option);
    }
    this.window.value = settings.window;
    this.fields.disabled = !settings.enabled;
    this.window.disabled = !settings.enabled;
  }

  /** "312 alerts in 40 rows" while folding. */
  setSummary(text: string): void {
    this.summary.textContent = text;
  }

  private changed(): void {
    const window = this.window.value;
    const settings: FoldSettings = {
      enabled: this.enabled.checked,
      fields: foldFields(this.fields.value),
      window,
      windowMs: durationMs(window) ?? 300_000,
    };
    this.show(settings);
    this.onChange(settings);
  }
}
