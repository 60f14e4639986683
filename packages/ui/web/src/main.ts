import { AlertFolds } from "./alert-folds.js";
import {
  ALERT_PARAM,
  fetchLinkedAlert,
  linkedAlert,
  linkedNotice,
  writeAlertLink,
} from "./alert-link.js";
import { AlertList } from "./alert-list.js";
import { DetailPane } from "./detail-pane.js";
import { byId } from "./dom.js";
import { ExceptionPanel } from "./exception-panel.js";
import { FacetPanel } from "./facet-panel.js";
import { FoldBar } from "./fold-bar.js";
import { FoldCounts } from "./fold-counts.js";
import { type FoldSettings, readFoldSettings, writeFoldSettings } from "./fold-settings.js";
import { LiveStream } from "./live-stream.js";
import { SelectionBar } from "./selection-bar.js";
import { type PageAlert, pageAlert, parseAlertsPage } from "./stored-alert.js";
import { listRows } from "./table-rows.js";
import { TimeHistogram } from "./time-histogram.js";
import { apiFilters, formatSearch, parseSearch, viewOnly } from "./view-state.js";
import { VirtualTable } from "./virtual-table.js";

const PAGE_SIZE = 200;
/** Pages read to reach the alert of an `alert=` link (the API's largest). */
const LINK_PAGE_SIZE = 1000;
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
let next: number | null = null;
let olderLoad: Promise<void> | undefined;
let paused = false;
let pending: PageAlert[] = [];
let incoming: PageAlert[] = [];
let flushScheduled = false;
let facetsStale = false;
let generation = 0;

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
  () => void loadOlder(),
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
  pauseButton.textContent = paused
    ? `Resume${pending.length > 0 ? ` (${pending.length.toLocaleString()} new)` : ""}`
    : "Pause";
}

function flush(): void {
  flushScheduled = false;
  const batch = incoming;
  incoming = [];
  if (batch.length === 0) return;
  table.update(() => list.addNewer(batch));
  facetsStale = true;
  updateCounts();
}

function onAlert(cursor: number, json: string): void {
  let alert: PageAlert;
  try {
    alert = pageAlert(cursor, json);
  } catch {
    return;
  }
  if (paused) {
    pending.push(alert);
    if (pending.length > CAPACITY) pending = pending.slice(-CAPACITY);
    updateCounts();
    return;
  }
  incoming.push(alert);
  if (!flushScheduled) {
    flushScheduled = true;
    setTimeout(flush, 50);
  }
}

async function getText(path: string): Promise<string | undefined> {
  const res = await fetch(path, { credentials: "same-origin" });
  if (res.status === 401) {
    location.assign("/login");
    return undefined;
  }
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
    notice.textContent = body.error?.message ?? `${path}: HTTP ${res.status}`;
    notice.hidden = false;
    return undefined;
  }
  return res.text();
}

/** Loads the next older page (or waits for the one being loaded). */
function loadOlder(limit = PAGE_SIZE): Promise<void> {
  if (olderLoad || next === null || list.full) return olderLoad ?? Promise.resolve();
  olderLoad = readOlder(limit).finally(() => {
    olderLoad = undefined;
  });
  return olderLoad;
}

async function readOlder(limit: number): Promise<void> {
  const mine = generation;
  const params = apiFilters(location.search);
  params.set("limit", String(limit));
  params.set("before", String(next));
  const text = await getText(`/api/v1/alerts?${params}`);
  if (text === undefined || mine !== generation) return;
  const page = parseAlertsPage(text);
  next = page.next;
  table.update(() => list.addOlder(page.alerts));
  updateCounts();
}

/** The alert of an `alert=` link: older pages down to it, then its row, scrolled to, and its JSON. */
async function openLinked(cursor: number, mine: number): Promise<void> {
  while (mine === generation && next !== null && !list.full && list.oldest > cursor) {
    const before = next;
    const another = olderLoad !== undefined; // a load begun before (maybe of an older view)
    await loadOlder(LINK_PAGE_SIZE);
    if (!another && next === before) break; // the page failed: its notice says why
  }
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
  pending = [];
  incoming = [];
  next = null;
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
  const statsText = await getText("/api/v1/stats");
  if (statsText === undefined || mine !== generation) return;
  const last = Number((JSON.parse(statsText) as { lastCursor: number }).lastCursor);
  const params = new URLSearchParams(filters);
  params.set("limit", String(PAGE_SIZE));
  params.set("before", String(last + 1));
  const text = await getText(`/api/v1/alerts?${params}`);
  if (text === undefined || mine !== generation) return;
  const page = parseAlertsPage(text);
  next = page.next;
  list.addOlder(page.alerts);
  table.render();
  updateCounts();
  stream = new LiveStream(filters, last, {
    alert: onAlert,
    state: (state) => {
      if (state === "live") setStatus(paused ? "paused" : "live", paused ? "paused" : "live");
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
  paused = !paused;
  if (!paused) {
    const resumed = pending;
    pending = [];
    incoming.push(...resumed);
    flush();
    setStatus("live", "live");
  } else setStatus("paused", "paused");
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
  if (!facetsStale || paused) return;
  facetsStale = false;
  void facets.load(apiFilters(location.search));
  void histogram.load(apiFilters(location.search));
}, 5000);

void start();
