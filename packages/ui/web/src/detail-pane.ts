import { byId } from "./dom.js";
import { formatLossless, parseLossless } from "./lossless-json.js";
import type { PageAlert } from "./stored-alert.js";

/** The selected alert's exact JSON (indented, numbers as sent) and a button that copies it. */
export class DetailPane {
  private readonly pane = byId("detail");
  private readonly code = byId("detail-json");
  private readonly title = byId("detail-title");
  private readonly copy = byId<HTMLButtonElement>("detail-copy");
  private current: PageAlert | undefined;

  /** `onClose`: the pane was closed (its button, Escape). */
  constructor(private readonly onClose: () => void = () => {}) {
    this.copy.addEventListener("click", () => void this.copyJson());
    byId("detail-close").addEventListener("click", () => this.close());
  }

  show(alert: PageAlert): void {
    this.current = alert;
    this.title.textContent = `#${alert.cursor} ${alert.rule}`;
    this.code.textContent = formatLossless(parseLossless(alert.json));
    this.copy.textContent = "Copy JSON";
    this.pane.hidden = false;
  }

  close(): void {
    if (this.pane.hidden) return;
    this.current = undefined;
    this.pane.hidden = true;
    this.onClose();
  }

  /** Copies the JSON exactly as the API sent it (one line). */
  private async copyJson(): Promise<void> {
    if (!this.current) return;
    try {
      await navigator.clipboard.writeText(this.current.json);
      this.copy.textContent = "Copied";
    } catch {
      const range = document.createRange();
      range.selectNodeContents(this.code);
      getSelection()?.removeAllRanges();
      getSelection()?.addRange(range);
      this.copy.textContent = "Selected: press Ctrl+C";
    }
  }
}
