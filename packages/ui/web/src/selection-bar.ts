import { AlertSelection } from "./alert-selection.js";
import { byId } from "./dom.js";
import type { PageAlert } from "./stored-alert.js";

/**
 * The bar above the table: how many alerts are picked (a live status, with the keys when none
 * is), **Exception from selection…** and **Clear selection**.
 */
export class SelectionBar {
  readonly selection: AlertSelection;
  private readonly count = byId("selection-count");
  private readonly hint = this.count.textContent ?? "";
  private readonly make = byId<HTMLButtonElement>("exception-selection");
  private readonly clear = byId<HTMLButtonElement>("selection-clear");

  constructor(onException: (alerts: PageAlert[]) => void, onCleared: () => void) {
    this.selection = new AlertSelection(() => this.update());
    this.make.addEventListener("click", () => onException(this.selection.alerts()));
    this.clear.addEventListener("click", () => {
      this.selection.clear();
      onCleared();
    });
  }

  private update(): void {
    const n = this.selection.size;
    this.count.textContent = n > 0 ? this.selection.describe() : this.hint;
    this.make.disabled = n === 0;
    this.clear.disabled = n === 0;
  }
}
