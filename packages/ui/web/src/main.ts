import { AlertFolds } from "./alert-folds.js";
import {
  ALERT_PARAM,
  fetchLinkedAlert,
  linkedAlert,
  linkedNotice,
  writeAlertLink,
} from "./alert-link.js";
import { AlertList } from "./alert-list.js";
import { getText } from "./api-text.js";
import { DetailPane } from "./detail-pane.js";
import { byId } from "./dom.js";
import { ExceptionPanel } from "./exception-panel.js";
import { FacetPanel } from "./facet-panel.js";
import { FoldBar } from "./fold-bar.js";
import { FoldCounts } from "./fold-counts.js";
import { type FoldSettings, readFoldSettings, writeFoldSettings } from "./fold-settings.js";
import { LiveIntake } from "./live-intake.js";
import { LiveStream } from "./live-stream.js";
import { OlderPages, PAGE_SIZE } from "./older-pages.js";
import { SelectionBar } from "./selection-bar.js";
import { type PageAlert, pageAlert, parseAlertsPage } from "./stored-alert.js";
import { listRows } from "./table-rows.js";
import { TimeHistogram } from "./time-histogram.js";
import { apiFilters, formatSearch, parseSearch, viewOnly } from "./view-state.js";
import { VirtualTable } from "./virtual-table.js";

/** Alerts held by the page at most; the store has the rest (narrow the filter to see them). */
const CAPACITY = 100_000;

let foldSettings: FoldSettings = readFoldSettings(location.search).settings;
// The folds follow the list (same alerts, same bound); folding off shows the list as it is, and
// the folds are made again from it when folding is turned on.
const folds = new AlertFolds(foldSettings);
const list = new AlertList(CAPACITY, {
  newer: (alerts) => foldSettings.enabled && folds.addNewer(alerts),
  older: (alerts) => foldSettings.enabled && folds.addOlder(alerts),
  dropped: (alerts) => foldSettings.enabled && folds.drop(alerts),
  cleared: () => folds.clear(),
});
const plainRows = listRows(list);
const detail = new DetailPane(() => writeAlertLink(undefined));
const exception = new ExceptionPanel();
const status = byId("status");
const shown = byId("shown");
const pauseButton = byId<HTMLButtonElement>("pause");
const searchForm = byId<HTMLFormElement>("search");
const searchInput = byId<HTMLInputElement>("search-text");
const sortButton = byId<HTMLButtonElement>("sort-time");
const notice = byId("notice");

let stream: LiveStream | undefined;
let facetsStale = false;
let generation = 0;

const older = new OlderPages(
  list,
  (alerts) => {
    table.update(() => list.addOlder(alerts));
    updateCounts();
  },
  notice,
  () => generation,
);

const selectionBar = new SelectionBar(
  (alerts) => {
    detail.close();
    exception.openSelection(alerts);
  },
  () => table.render(),
);

const table = new VirtualTable(
  byId("table"),
  foldSettings.enabled ? folds : plainRows,
  (alert) => {
    detail.show(alert);
    writeAlertLink(alert.cursor);
  },
  () => void older.load(),
  selectionBar.selection,
);
const foldCounts = new FoldCounts(() => table.render());
table.foldCounts = foldCounts;
const facets = new FacetPanel((param, value, exclude) => {
  const params = new URLSearchParams(location.search);
  params.append(exclude ? `not.${param}` : param, value);
  navigate(params);
});

const histogram = new TimeHistogram((since, until) => {
  const params = new URLSearchParams(location.search);
  params.delete("since");
  params.delete("until");
  if (since) params.set("since", since);
  if (until) params.set("until", until);
  navigate(params);
});

const foldBar = new FoldBar((settings) => {
  const params = new URLSearchParams(location.search);
  writeFoldSettings(params, settings);
  const search = params.toString();
  history.replaceState(null, "", search ? `/?${search}` : "/");
  applyFold(settings);
});

/** Folds the held alerts again with new settings (or shows them unfolded). */
function applyFold(settings: FoldSettings): void {
  const same =
    settings.enabled === foldSettings.enabled &&
    settings.windowMs === foldSettings.windowMs &&
    settings.fields.join(",") === foldSettings.fields.join(",");
  const rows = settings.enabled ? folds : plainRows;
  foldSettings = settings;
  foldBar.show(settings);
  table.foldWindowMs = settings.windowMs;
  if (same && table.rows === rows) return;
  if (!same) {
    foldCounts.reset(apiFilters(location.search), settings);
    folds.refold(settings, list);
  }
  table.rows = rows;
  table.reset();
  updateCounts();
}

function setStatus(text: string, state: string): void {
  status.textContent = text;
  status.dataset.state = state;
}

function updateCounts(): void {
  shown.textContent = `${list.length.toLocaleString()} shown`;
  foldBar.setSummary(foldSettings.enabled ? `${folds.folds.toLocaleString()} rows` : "");
  const waiting = intake.waiting;
  pauseButton.textContent = intake.isPaused
    ? `Resume${waiting > 0 ? ` (${waiting.toLocaleString()} new)` : ""}`
    : "Pause";
}

const intake = new LiveIntake(
  CAPACITY,
  (batch) => {
    table.update(() => list.addNewer(batch));
    facetsStale = true;
    updateCounts();
  },
  updateCounts,
);

function onAlert(cursor: number, json: string): void {
  let alert: PageAlert;
  try {
    alert = pageAlert(cursor, json);
  } catch {
    return;
  }
  intake.add(alert);
}

/** The alert of an `alert=` link: older pages down to it, then its row, scrolled to, and its JSON. */
async function openLinked(cursor: number, mine: number): Promise<void> {
  await older.loadDownTo(cursor, mine);
  if (mine !== generation || table.reveal(cursor)) return;
  const fold = foldSettings.enabled ? folds.foldOf({ cursor }) : undefined;
  if (fold) folds.setExpanded(fold, true); // a closed fold holds it: open it
  if (fold && table.reveal(cursor)) return;
  // Not held (older, or not in the view's filters): read from the store, its JSON shown.
  const found = await fetchLinkedAlert(cursor, apiFilters(location.search));
  if (mine !== generation) return;
  if (found.alert) detail.show(found.alert);
  notice.textContent = linkedNotice(cursor, found, list.length);
  notice.hidden = false;
}

/** Loads the view of the URL: the newest page, then the live stream from where it ends. */
async function start(): Promise<void> {
  const mine = ++generation;
  stream?.close();
  list.clear();
  intake.clear();
  older.next = null;
  notice.hidden = true;
  const query = new URLSearchParams(location.search);
  const filters = apiFilters(location.search);
  const fold = readFoldSettings(location.search);
  if (fold.problem) {
    notice.textContent = fold.problem;
    notice.hidden = false;
  }
  foldCounts.reset(filters, fold.settings);
  applyFold(fold.settings);
  searchInput.value = formatSearch(filters);
  table.ascending = query.get("sort") === "asc";
  sortButton.textContent = table.ascending ? "Time ↑" : "Time ↓";
  table.reset();
  setStatus("loading…", "connecting");
  const statsText = await getText("/api/v1/stats", notice);
  if (statsText === undefined || mine !== generation) return;
  const last = Number((JSON.parse(statsText) as { lastCursor: number }).lastCursor);
  const params = new URLSearchParams(filters);
  params.set("limit", String(PAGE_SIZE));
  params.set("before", String(last + 1));
  const text = await getText(`/api/v1/alerts?${params}`, notice);
  if (text === undefined || mine !== generation) return;
  const page = parseAlertsPage(text);
  older.next = page.next;
  list.addOlder(page.alerts);
  table.render();
  updateCounts();
  stream = new LiveStream(filters, last, {
    alert: onAlert,
    state: (state) => {
      if (state === "live")
        setStatus(intake.isPaused ? "paused" : "live", intake.isPaused ? "paused" : "live");
      else if (state === "connecting") setStatus("reconnecting…", "connecting");
      else {
        setStatus("signed out: open a new login link", "signed-out");
        location.assign("/login");
      }
    },
    gap: (missed) => {
      notice.textContent = `${missed.toLocaleString()} alerts were removed by retention before they could be shown`;
      notice.hidden = false;
    },
  });
  void facets.load(filters);
  void histogram.load(filters);
  const linked = linkedAlert(location.search);
  if (linked !== undefined) await openLinked(linked, mine);
}

function navigate(params: URLSearchParams): void {
  params.delete(ALERT_PARAM);
  const search = params.toString();
  history.pushState(null, "", search ? `/?${search}` : "/");
  void start();
}

searchForm.addEventListener("submit", (e) => {
  e.preventDefault();
  const params = parseSearch(searchInput.value);
  for (const [key, value] of viewOnly(location.search)) params.append(key, value);
  navigate(params);
});

byId("exception-open").addEventListener(
  "click",
  () => void exception.open(apiFilters(location.search)),
);

byId("clear-filters").addEventListener("click", () => navigate(viewOnly(location.search)));

sortButton.addEventListener("click", () => {
  const params = new URLSearchParams(location.search);
  if (table.ascending) params.delete("sort");
  else params.set("sort", "asc");
  history.replaceState(null, "", `/?${params}`);
  table.ascending = !table.ascending;
  sortButton.textContent = table.ascending ? "Time ↑" : "Time ↓";
  table.reset();
});

pauseButton.addEventListener("click", () => {
  intake.toggle();
  if (intake.isPaused) setStatus("paused", "paused");
  else setStatus("live", "live");
  updateCounts();
});

byId("logout").addEventListener("click", async () => {
  await fetch("/logout", { method: "POST", credentials: "same-origin" });
  location.assign("/login");
});

document.addEventListener("keydown", (e) => {
  if (e.key === "/" && document.activeElement !== searchInput) {
    e.preventDefault();
    searchInput.focus();
  } else if (e.key === "Escape") {
    detail.close();
    exception.close();
  }
});

addEventListener("popstate", () => void start());

setInterval(() => {
  if (!facetsStale || intake.isPaused) return;
  facetsStale = false;
  void facets.load(apiFilters(location.search));
  void histogram.load(apiFilters(location.search));
}, 5000);

void start();
